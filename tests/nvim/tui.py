"""Neovim's real terminal UI, as a user's terminal shows it: nvim runs in a pseudo-terminal and a VT100 emulator
(pyte) keeps the screen. Tests read the screen's text (what is visible, and how often); `png()` renders it, colours
included, for the screenshots the docs show.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import signal
import struct
import subprocess
import termios
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pyte

from tests.fakes.waiting import Notifier

T = TypeVar("T")
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
# pyte's names for the 16 base colours, as a dark terminal theme draws them
PALETTE = {
    "default": "d0d0d0",
    "black": "1c1c1c",
    "red": "e06c75",
    "green": "98c379",
    "brown": "e5c07b",
    "blue": "61afef",
    "magenta": "c678dd",
    "cyan": "56b6c2",
    "white": "dcdfe4",
}
BACKGROUND = "14161b"


class NvimScreen:
    """One nvim in a pty of `cols` x `rows`."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path, cols: int = 110, rows: int = 30) -> None:
        self.argv, self.env, self.cwd, self.cols, self.rows = argv, env, cwd, cols, rows
        self.screen = pyte.Screen(cols, rows)
        self._stream = pyte.ByteStream(self.screen)
        self._changed = Notifier()  # every screen update wakes the waiters
        self._master = -1
        self.proc: subprocess.Popen[bytes] | None = None

    async def __aenter__(self) -> NvimScreen:
        self._master = await asyncio.to_thread(self._spawn)
        os.set_blocking(self._master, False)
        asyncio.get_running_loop().add_reader(self._master, self._read)
        return self

    def _spawn(self) -> int:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
        env = self.env | {"TERM": "xterm-256color", "COLORTERM": "truecolor", "LINES": "", "COLUMNS": ""}
        self.proc = subprocess.Popen(
            self.argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=self.cwd,
            env={k: v for k, v in env.items() if v},
            start_new_session=True,  # its own process group: the test ends nvim and the daemon it started together
        )
        os.close(slave)
        return master

    async def __aexit__(self, *_exc: object) -> None:
        loop = asyncio.get_running_loop()
        loop.remove_reader(self._master)
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)  # nvim and the daemon it started
            await asyncio.to_thread(self.proc.wait)
        os.close(self._master)

    def _read(self) -> None:
        try:
            data = os.read(self._master, 65536)
        except BlockingIOError:
            return
        except OSError:  # the child is gone (EIO)
            asyncio.get_running_loop().remove_reader(self._master)
            data = b""
        if data:
            self._stream.feed(data)
            self._answer_queries(data)
        self._changed.notify()

    def _answer_queries(self, data: bytes) -> None:
        # A terminal answers "which terminal are you" (DA1); nvim waits for it briefly before drawing otherwise.
        if b"\x1b[c" in data or b"\x1b[0c" in data:
            os.write(self._master, b"\x1b[?62;22c")

    def lines(self) -> list[str]:
        return list(self.screen.display)

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines())

    def count(self, needle: str) -> int:
        """How often `needle` is visible (each screen row counted separately)."""
        return sum(line.count(needle) for line in self.lines())

    def colour_of(self, needle: str) -> str:
        """The colour the first character of `needle` is drawn in, where it is first visible ('' when it is not)."""
        for y, line in enumerate(self.lines()):
            if (x := line.find(needle)) >= 0:
                return str(self.screen.buffer[y][x].fg)
        return ""

    def keys(self, typed: str) -> None:
        os.write(self._master, typed.encode())

    async def wait_for(self, predicate: Callable[[], T], timeout: float, what: str) -> T:
        """The first truthy predicate(), re-checked on every screen update; fails showing the screen."""
        try:
            return await self._changed.wait_for(lambda: predicate() or None, timeout, lambda: what)
        except TimeoutError:
            raise AssertionError(
                f"timed out after {timeout:.0f} s waiting for {what}; the screen:\n{self.text()}"
            ) from None

    def png(self, path: Path) -> Path:
        """Render the screen as a terminal would draw it (dark theme, DejaVu Sans Mono when installed)."""
        from PIL import Image, ImageDraw, ImageFont

        font: ImageFont.FreeTypeFont | ImageFont.ImageFont
        font = ImageFont.truetype(str(FONT), 15) if FONT.exists() else ImageFont.load_default(15)
        _left, top, _right, bottom = font.getbbox("M")
        cell_w, cell_h = max(1, round(font.getlength("M"))), max(1, int(bottom - top) + 7)
        image = Image.new("RGB", (self.cols * cell_w + 16, self.rows * cell_h + 16), f"#{BACKGROUND}")
        draw = ImageDraw.Draw(image)
        for y in range(self.rows):
            row = self.screen.buffer[y]
            for x in range(self.cols):
                char = row[x]
                fg, bg = _colour(char.fg, PALETTE["default"]), _colour(char.bg, BACKGROUND)
                if char.reverse:
                    fg, bg = bg, fg
                px, py = 8 + x * cell_w, 8 + y * cell_h
                if bg != BACKGROUND:
                    draw.rectangle((px, py, px + cell_w - 1, py + cell_h - 1), fill=f"#{bg}")
                if char.data.strip():
                    draw.text((px, py + 3 - top), char.data, font=font, fill=f"#{fg}")
                if char.underscore:
                    draw.line((px, py + cell_h - 2, px + cell_w - 1, py + cell_h - 2), fill=f"#{fg}")
        path.parent.mkdir(parents=True, exist_ok=True)
        image.save(path)
        return path


def _colour(value: str, default: str) -> str:
    if value == "default":
        return default
    if len(value) == 6 and all(c in "0123456789abcdefABCDEF" for c in value):
        return value.lower()
    return PALETTE.get(value.removeprefix("bright"), default)
