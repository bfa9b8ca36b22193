"""The Live link through a goAway, measured against the simulator (real backend, real SDK, TLS):

1. goAway -> the new session ready (setupComplete on the new socket), against the baseline of the first connect
   in the same run (cold: TLS, setup).
2. The gap in which input was held: mic audio streams in 20 ms chunks, each numbered; the gap is the time between
   the last chunk the old connection received and the first the new one received. Nothing may be lost: every
   chunk sent reaches the service (held ones are sent on the new connection).
3. Steady memory: RSS over a compressed session and its growth (tests/live/soak.py; `LIVEPAIR_BENCH_SOAK_S`).
"""

from __future__ import annotations

import asyncio
import os
import struct
import time
from typing import Any

from bench.stats import percentile, report
from livepair.backends.backend import Status
from livepair.backends.gemini import GeminiBackend
from livepair.config import Settings
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import MODEL
from tests.fakes.session import FakeSession, SessionClosed
from tests.fakes.wire import ClientMessage
from tests.live.soak import soak

KEY = "bench-key"
GO_AWAYS = 10
CHUNK_S = 0.02
SOAK_S = float(os.environ.get("LIVEPAIR_BENCH_SOAK_S", "60"))


class TimedServer(FakeLiveServer):
    """The simulator, noting when each client message arrived."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arrived: dict[int, float] = {}

    async def _receive(self, session: FakeSession, frame: str | bytes) -> ClientMessage | None:
        message = await super()._receive(session, frame)
        if message is not None:
            self.arrived[id(message)] = time.perf_counter()
        return message


def chunk(n: int) -> bytes:
    return struct.pack("<I", n) + b"\x00\x00" * 318  # 20 ms of near silence, numbered


async def go_aways() -> None:
    go_away_at: list[float] = []

    async def model(session: FakeSession) -> None:
        try:
            await session.wait_closed(timeout=3600)
        except SessionClosed:
            return

    async with TimedServer(api_key=KEY, model=model) as fake:
        os.environ["SSL_CERT_FILE"] = str(fake.ca_file)
        backend = GeminiBackend(Settings(base_url=fake.url, model=MODEL), KEY, [], "system")
        ready: list[float] = []
        started = time.perf_counter()

        async def events() -> None:
            while True:
                event = await backend.next_event()
                if isinstance(event, Status) and event.state == "connected":
                    ready.append(time.perf_counter())

        async def mic() -> None:
            n = 0
            while True:
                backend.send_audio(chunk(n))
                n += 1
                await asyncio.sleep(CHUNK_S)

        tasks = [asyncio.create_task(events()), asyncio.create_task(mic())]
        await backend.start()
        await fake.wait_until(lambda: len(ready) == 1, timeout=30)
        cold = ready[0] - started
        for i in range(GO_AWAYS):
            await asyncio.sleep(0.6)  # the service has issued a handle for what it consumed
            session = fake.sessions[-1]
            go_away_at.append(time.perf_counter())
            await session.send_go_away("10s")
            await fake.wait_until(lambda i=i: len(ready) == i + 2, timeout=30)
        await asyncio.sleep(0.3)
        for task in tasks:
            task.cancel()
        await backend.close()

        arrivals = [
            (m.session_index, struct.unpack("<I", blob[:4])[0], m) for m in fake.messages for blob in m.blobs("audio/")
        ]
        got = {n for _, n, _ in arrivals}
        sent = max(got) + 1
        gaps = []
        for index in range(1, GO_AWAYS + 1):
            before = [a for a in arrivals if a[0] == index - 1]
            after = [a for a in arrivals if a[0] == index]
            if before and after:
                gaps.append(fake.arrived[id(after[0][2])] - fake.arrived[id(before[-1][2])])
        to_ready = [(r - g) * 1000 for g, r in zip(go_away_at, ready[1:], strict=True)]
        lost = sorted(set(range(sent)) - got)
        report(
            "goAway -> new session ready",
            f"p50 {percentile(to_ready, 50):.0f} ms, max {max(to_ready):.0f} ms ({GO_AWAYS} goAways); "
            f"ratio to the cold first connect ({cold * 1000:.0f} ms): {percentile(to_ready, 50) / (cold * 1000):.2f}",
            "< 1 s",
            max(to_ready) < 1000,
        )
        gap_ms = [g * 1000 for g in gaps]
        report(
            "input held during the switch (audio gap on the wire)",
            f"p50 {percentile(gap_ms, 50):.0f} ms, max {max(gap_ms):.0f} ms; chunks sent {sent}, lost {len(lost)}",
            "< 1 s, nothing lost",
            bool(gap_ms) and max(gap_ms) < 1000 and not lost,
        )


async def steady_memory() -> None:
    result = await soak(SOAK_S)
    warm = SOAK_S * 0.25
    rss = result.after(result.rss_kb, warm)
    growth = rss[-1] / rss[0] - 1
    report(
        f"steady RSS over a {SOAK_S:.0f} s compressed session",
        f"{rss[0] / 1024:.1f} -> {rss[-1] / 1024:.1f} MB after warm-up ({100 * growth:+.1f}%; "
        f"{len(result.questions)} questions, {result.connections} connections)",
        "within 10%",
        abs(growth) <= 0.10,
    )


def run() -> None:
    asyncio.run(go_aways())
    asyncio.run(steady_memory())


if __name__ == "__main__":
    run()
