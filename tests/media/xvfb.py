"""A real X display for screen tests and benchmarks: Xvfb on a free display number, and the painter on it."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

PAINTER = Path(__file__).with_name("painter.py")


class Xvfb:
    """Xvfb picks a free display number itself (-displayfd) and reports it once it accepts connections."""

    def __init__(self, width: int = 1280, height: int = 800) -> None:
        self.width, self.height = width, height
        self.display = ""
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 15.0) -> Xvfb:
        exe = shutil.which("Xvfb")
        if exe is None:
            raise RuntimeError("Xvfb is not installed: run `make setup` (scripts/setup-screen.sh)")
        read, write = os.pipe()
        self._proc = subprocess.Popen(
            [exe, "-displayfd", str(write), "-screen", "0", f"{self.width}x{self.height}x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as pipe:
            # blocks until Xvfb is ready (or exits: then the read returns "")
            number = pipe.readline().strip()
        if not number:
            self.stop()
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"
        return self

    @property
    def pid(self) -> int:
        assert self._proc is not None, "Xvfb is not running"
        return self._proc.pid

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        return {**(dict(os.environ) if base is None else base), "DISPLAY": self.display}


def tk_python() -> str:
    """A Python with tkinter: ours if it has it, else Debian's (python3-tk)."""
    try:
        import tkinter  # noqa: F401

        return sys.executable
    except ImportError:
        return "/usr/bin/python3"


class Painter:
    """Drives tests/media/painter.py; `draw` returns once the X server has rendered the commands."""

    def __init__(self, proc: asyncio.subprocess.Process, width: int, height: int) -> None:
        self._proc = proc
        self.width, self.height = width, height
        self._lock = asyncio.Lock()

    @classmethod
    async def start(cls, display: str, title: str = "LivePair painter", geometry: str = "") -> Painter:
        proc = await asyncio.create_subprocess_exec(
            tk_python(),
            str(PAINTER),
            title,
            *([geometry] if geometry else []),
            env={**os.environ, "DISPLAY": display},
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 15)).decode().split()
        if not line or line[0] != "ready":
            raise RuntimeError(f"painter did not start: {line}")
        return cls(proc, int(line[1]), int(line[2]))

    async def draw(self, *commands: list[Any]) -> None:
        assert self._proc.stdin is not None and self._proc.stdout is not None
        async with self._lock:
            self._proc.stdin.write((json.dumps(list(commands)) + "\n").encode())
            await self._proc.stdin.drain()
            answer = await asyncio.wait_for(self._proc.stdout.readline(), 15)
        if not answer.startswith(b"ok"):
            raise RuntimeError(f"painter failed: {answer!r}")

    async def close(self) -> None:
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        try:
            await asyncio.wait_for(self._proc.wait(), 5)
        except TimeoutError:
            self._proc.kill()
            await self._proc.wait()
