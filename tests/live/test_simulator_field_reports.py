"""The simulator's field-report switches (tests/fakes/families.py) that test_simulator_rules.py does not cover,
each checked with the real SDK as reported and as documented: late pongs, a resume refused while the session's
earlier socket is open, and 3.1's silent turns."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from google import genai
from google.genai import errors, types
from websockets.exceptions import ConnectionClosed

from tests.fakes.live_server import FakeLiveServer, FakeSession
from tests.fakes.models import MODEL, echo_model
from tests.live.test_simulator_rules import KEY, events, turn

pytestmark = pytest.mark.slow  # the simulator's field switches, through the real SDK: `make test`, not the inner loop

AS = pytest.mark.parametrize("field_reports", [True, False], ids=["as-reported", "as-documented"])


@pytest.fixture
async def server() -> AsyncIterator[FakeLiveServer]:
    async with FakeLiveServer(api_key=KEY) as srv:
        yield srv
        srv.raise_errors()


def connect(server: FakeLiveServer, model: str = MODEL, ws: dict[str, Any] | None = None, **config: Any) -> Any:
    options = server.http_options()
    assert options.async_client_args is not None
    options.async_client_args.update(ws or {})
    client = genai.Client(api_key=KEY, http_options=options)
    return client.aio.live.connect(model=model, config=types.LiveConnectConfig(**config))


@AS
async def test_pongs_come_late_so_a_short_keepalive_kills_a_healthy_session(
    server: FakeLiveServer, field_reports: bool
) -> None:
    """aicc2025/sip-to-ai#14: pongs after 8-30 s tripped websockets' 20 s keepalive (1011). Compressed here: pongs
    after 1.5 s against a client that waits 0.5 s for them."""
    server.model = echo_model
    server.field_reports = field_reports
    server.pong_delay_s = (1.5, 1.5)
    keepalive = {"ping_interval": 0.2, "ping_timeout": 0.5}
    async with connect(server, ws=keepalive, response_modalities=["AUDIO"], output_audio_transcription={}) as live:
        session = await server.wait_session()
        if field_reports:
            with pytest.raises((errors.APIError, ConnectionClosed)):
                await events(live)  # nothing asked: only the keepalive can end this
            await server.wait_until(lambda: session.closed)
            assert (session.close_code, session.close_reason) == (1011, "keepalive ping timeout"), "the client's own"
            assert session.pings == 1
        else:
            await server.wait_until(lambda: session.pings >= 3, timeout=10)  # pongs came back at once
            await live.send_client_content(turns=turn("still there?"), turn_complete=True)
            assert "turn_complete" in await events(live)


async def _handle_of(live: Any, session: FakeSession) -> str:
    """Ask something and return the handle the service issues once the answer is complete."""
    await live.send_client_content(turns=turn("remember 7"), turn_complete=True)
    handle: str | None = None
    async with asyncio.timeout(10):
        while handle is None:
            async for m in live.receive():
                update = m.session_resumption_update
                if update and update.resumable and update.new_handle and session.turns and session.turns.model_turns:
                    handle = update.new_handle
                    break
    return handle


@AS
async def test_a_resume_is_refused_while_the_earlier_socket_is_open(
    server: FakeLiveServer, field_reports: bool
) -> None:
    """aicc2025/sip-to-ai#14: "Gemini rejects a resume with 1011 while an earlier socket of the same session is
    still open"; closing it first lets the same handle resume."""
    server.model = echo_model
    server.field_reports = field_reports
    resumable = types.SessionResumptionConfig()
    async with connect(server, session_resumption=resumable) as first:
        handle = await _handle_of(first, await server.wait_session())
        again = types.SessionResumptionConfig(handle=handle)
        if field_reports:
            with pytest.raises((errors.APIError, ConnectionClosed)):
                async with connect(server, session_resumption=again) as second:
                    await events(second)  # connect() returns on the close; the next read raises
            await server.wait_until(lambda: server.sessions[1].closed)
            assert server.sessions[1].close_code == 1011 and server.resumes_refused_open == 1
        else:
            async with connect(server, session_resumption=again):
                await server.wait_until(lambda: server.sessions[1].accepted)
                assert server.sessions[1].resumed
    await server.wait_until(lambda: server.sessions[0].closed)
    async with connect(server, session_resumption=types.SessionResumptionConfig(handle=handle)):
        resumed = await server.wait_session(n=3)
        await server.wait_until(lambda: resumed.accepted or resumed.closed)
        assert resumed.resumed, "with the old socket closed, the handle resumes"


@pytest.mark.slow  # three spoken replies
@AS
async def test_on_3_1_every_other_request_gets_a_silent_turn(server: FakeLiveServer, field_reports: bool) -> None:
    """python-genai#2117, livekit/agents-js#1544: about half the turns on 3.1 complete with no content."""
    server.model = echo_model
    server.field_reports = field_reports
    heard: list[list[str]] = []
    async with connect(server, model="gemini-3.1-flash-live-preview", output_audio_transcription={}) as live:
        await live.send_client_content(turns=turn("one"), turn_complete=True)  # only history may be client content
        heard.append(await events(live))
        for text in ("two", "three"):
            await live.send_realtime_input(text=text)
            heard.append(await events(live))
    silent = [not {"audio", "said"} & set(h) for h in heard]
    assert silent == ([False, True, False] if field_reports else [False, False, False])
