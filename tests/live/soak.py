"""A long Live session, time compressed: the real backend and SDK against the simulator in its own process.

Mic audio (100 ms chunks), screen frames (1 fps), edits and diagnostics (context updates), a question every few
seconds, ten of them cut off by an internal error, and every connection ended by the (compressed) connection cap
with a goAway first. Measured in this process: RSS, asyncio tasks and open fds after warm-up; and every question
answered exactly once. `python -m tests.live.soak` runs `LIVEPAIR_SOAK_S` seconds (default 3600: `make soak`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from livepair.backends.backend import Interrupted, Status, Transcript, TurnComplete
from livepair.backends.gemini import GeminiBackend
from livepair.backends.reconnect import TIME_SCALE_ENV
from livepair.config import Settings
from tests.fakes.models import MODEL
from tests.fakes.soak_server import API_KEY

ROOT = Path(__file__).resolve().parents[2]
FORCED_DROPS = 10
QUIET_PCM = b"\x01\x00" * 1600  # 100 ms at 16 kHz, far below speech: streamed and billed, never a turn


@dataclass
class Report:
    seconds: float
    questions: list[str] = field(default_factory=list)
    answers: dict[str, int] = field(default_factory=dict)
    reconnects: int = 0
    connections: int = 0
    rss_kb: list[tuple[float, int]] = field(default_factory=list)
    tasks: list[tuple[float, int]] = field(default_factory=list)
    fds: list[tuple[float, int]] = field(default_factory=list)

    def after(self, samples: list[tuple[float, int]], start: float) -> list[int]:
        return [v for t, v in samples if t >= start]

    def summary(self) -> str:
        warm = self.seconds * 0.25
        rss = self.after(self.rss_kb, warm)
        return (
            f"{self.seconds:.0f} s: {len(self.questions)} questions, {sum(self.answers.values())} answers, "
            f"{self.connections} connections ({self.reconnects} after a failure); RSS after warm-up "
            f"{min(rss) / 1024:.1f}-{max(rss) / 1024:.1f} MB (growth {100 * (rss[-1] / rss[0] - 1):+.1f}%), "
            f"tasks {self.after(self.tasks, warm)[0]}->{self.tasks[-1][1]}, fds {self.after(self.fds, warm)[0]}->"
            f"{self.fds[-1][1]}"
        )


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def soak(seconds: float, cap_s: float | None = None) -> Report:
    cap = cap_s or max(6.0, seconds / 12)  # the ~10-minute connection cap, compressed
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakes.soak_server",
        str(cap),
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert server.stdout is not None and server.stdin is not None
    try:
        info = json.loads(await server.stdout.readline())
        saved = {k: os.environ.get(k) for k in ("SSL_CERT_FILE", TIME_SCALE_ENV)}
        os.environ.update({"SSL_CERT_FILE": info["ca"], TIME_SCALE_ENV: "0.1"})
        try:
            settings = Settings(base_url=info["url"], model=MODEL, response_modality="text")
            backend = GeminiBackend(settings, API_KEY, [], "You are a senior developer.")
            return await _drive(backend, seconds)
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
    finally:
        server.stdin.close()
        try:
            async with asyncio.timeout(10):
                await server.wait()
        except TimeoutError:
            server.kill()


async def _drive(backend: GeminiBackend, seconds: float) -> Report:
    report = Report(seconds)
    answered = asyncio.Event()
    turn_text: list[str] = []

    async def events() -> None:
        while True:
            event = await backend.next_event()
            if isinstance(event, Transcript) and event.role == "model":
                turn_text.append(event.text)
            elif isinstance(event, TurnComplete):
                text = "".join(turn_text).strip()
                turn_text.clear()
                if text.startswith("Answer: "):
                    key = text.removeprefix("Answer: ")
                    report.answers[key] = report.answers.get(key, 0) + 1
                    answered.set()
            elif isinstance(event, Status) and event.state == "connected":
                report.connections += 1
            elif isinstance(event, Status) and event.state == "reconnecting" and "next try" in event.message:
                report.reconnects += 1
            elif isinstance(event, Interrupted):
                turn_text.clear()  # a reply cut off (and marked so by the session) is never glued to the next

    async def senses() -> None:
        tick = 0
        while True:
            backend.send_audio(QUIET_PCM)
            if tick % 10 == 0:
                backend.send_video(bytes([tick % 256]) * 20_000)  # a ~20 kB frame each second
            if tick % 5 == 0:
                backend.send_context(f"--- f.py, lines now ---\n{tick}: x = {tick}\nDiagnostics: {tick % 3} errors")
            tick += 1
            await asyncio.sleep(0.1)

    await backend.start()
    loop = asyncio.get_running_loop()
    start = loop.time()
    drop_every = max(1, int(seconds / 4 / FORCED_DROPS))  # questions come every ~4 s
    runners = [asyncio.create_task(events()), asyncio.create_task(senses())]

    async def sample() -> None:
        while True:
            now = loop.time() - start
            report.rss_kb.append((now, rss_kb()))
            report.tasks.append((now, len(asyncio.all_tasks())))
            report.fds.append((now, len(os.listdir("/proc/self/fd"))))
            await asyncio.sleep(max(1.0, seconds / 100))

    runners.append(asyncio.create_task(sample()))
    try:
        n = 0
        while loop.time() - start < seconds:
            n += 1
            drops = n // drop_every if n % drop_every == 0 and n // drop_every <= FORCED_DROPS else 0
            question = f"q{n} drop" if drops else f"q{n}"
            answered.clear()
            backend.send_text(question)
            report.questions.append(question)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(60):
                    while question not in report.answers:
                        await answered.wait()
                        answered.clear()
            await asyncio.sleep(3.0)
    finally:
        await backend.close()
        for task in runners:
            task.cancel()
        await asyncio.gather(*runners, return_exceptions=True)
    return report


if __name__ == "__main__":
    result = asyncio.run(soak(float(os.environ.get("LIVEPAIR_SOAK_S", "3600"))))
    print(result.summary())
