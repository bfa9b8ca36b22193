"""The Live service simulator in its own process, for the soak: its records grow with the session (it keeps every
frame), so the client's memory is measured apart from it.

`python -m tests.fakes.soak_server CAP_S` prints one JSON line `{"url", "ca"}` and serves until stdin closes. The
model answers every request; a question containing "drop" is cut off once by an internal error (1011) mid-answer,
and every connection ends at the connection cap (compressed from the service's ~10 minutes): `goAway` a fifth of
the cap before, then the close.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time

from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession, ModelScript, SessionClosed

API_KEY = "soak-key"


def soak_model(cap_s: float) -> ModelScript:
    dropped: set[str] = set()

    async def model(session: FakeSession) -> None:
        opened = time.monotonic()
        warned = False
        with contextlib.suppress(SessionClosed):
            while True:
                age = time.monotonic() - opened
                if age >= cap_s:
                    await session.close(1011, "Deadline expired: connection time limit.")
                    return
                warn_at = cap_s * 0.8
                timeout = (warn_at if not warned else cap_s) - age
                try:
                    message = await session.next_message(predicate=starts_turn, timeout=max(0.01, timeout))
                except TimeoutError:
                    if not warned:
                        warned = True
                        await session.send_go_away(f"{cap_s - time.monotonic() + opened:.1f}s")
                    continue
                question = "".join(message.texts()).strip().split("\n\n")[-1]
                if "drop" in question and question not in dropped:
                    dropped.add(question)
                    await session.send_text("Let me", turn_complete=False)
                    await session.close(1011, "Internal error encountered.")
                    return
                await session.send_text(f"Answer: {question}")

    return model


async def main(cap_s: float) -> None:
    async with FakeLiveServer(api_key=API_KEY, session_timeout=24 * 3600) as server:
        server.model = soak_model(cap_s)
        print(json.dumps({"url": server.url, "ca": str(server.ca_file)}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1])))
