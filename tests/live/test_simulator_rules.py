"""The Live service simulator follows the service's documented rules (tests/fakes/turns.py, families.py), checked
with the real SDK: a script says what the model wants; the rules decide when it may, and what cuts it off."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import numpy as np
import pytest
from google import genai
from google.genai import errors, types
from google.genai.live import AsyncSession

from tests.fakes.live_server import FakeLiveServer, FakeSession
from tests.fakes.models import MODEL

# The simulator's own rules, through the real SDK (some in real-time audio): `make test`, not the inner loop.
pytestmark = pytest.mark.slow

KEY = "rules-key"
LONG = "This reply is long enough to be cut off by anything the client sends while it is still being spoken aloud."
# The Live models a user can choose today (tests/fakes/families.py simulates each; test_turn_taking.py drives the
# daemon against each).
CURRENT_MODELS = (
    "gemini-3.8-live",
    "gemini-3.8-live-extended-thinking",
    "gemini-3.1-flash-live-preview",
    "gemini-2.5-flash-native-audio-preview-12-2025",
)


@pytest.fixture
async def server() -> AsyncIterator[FakeLiveServer]:
    async with FakeLiveServer(api_key=KEY) as srv:
        yield srv
        srv.raise_errors()


def connect(server: FakeLiveServer, model: str = MODEL, **config: Any) -> Any:
    client = genai.Client(api_key=KEY, http_options=server.http_options())
    return client.aio.live.connect(model=model, config=types.LiveConnectConfig(**config))


def turn(text: str) -> types.Content:
    return types.Content(role="user", parts=[types.Part(text=text)])


async def events(live: AsyncSession, until: str = "turn_complete", timeout: float = 20) -> list[str]:
    """Names of what the service sent (`audio`, `said:<words>`, `interrupted`, ...) up to `until`."""
    out: list[str] = []
    async with asyncio.timeout(timeout):
        while True:
            async for m in live.receive():
                sc = m.server_content
                if sc and sc.model_turn:
                    out.append("audio")
                if sc and sc.output_transcription and sc.output_transcription.text:
                    out.append("said")
                for name in ("generation_complete", "interrupted", "turn_complete"):
                    if sc and getattr(sc, name):
                        out.append(name)
                if m.tool_call:
                    out.append("tool_call")
                if m.tool_call_cancellation:
                    out.append("tool_call_cancellation")
                if m.usage_metadata:
                    out.append("usage")
                if out and out[-1] == until:
                    return out


def speech(seconds: float, loud: bool = True) -> bytes:
    t = np.arange(int(16_000 * seconds)) / 16_000
    return (np.sin(2 * np.pi * 300 * t) * (8000 if loud else 0)).astype("<i2").tobytes()


def pcm(data: bytes) -> types.Blob:
    return types.Blob(data=data, mime_type="audio/pcm;rate=16000")


async def says(text: str, session: FakeSession) -> None:
    await session.send_text(text)


# -- rule 1: what starts a reply ---------------------------------------------------------------------------
async def test_content_without_turn_complete_gets_no_reply_until_a_turn_completing_one(server: FakeLiveServer) -> None:
    server.model = lambda s: says("Hello.", s)
    async with connect(server) as live:
        await live.send_client_content(turns=turn("context only"), turn_complete=False)
        session = await server.wait_session()
        await session.next_message("clientContent")
        assert session.turns is not None and session.turns.claimable() is None, "no generation was started"
        await live.send_client_content(turns=turn("now answer"), turn_complete=True)
        got = await events(live)
    assert got[0] == "audio" and got.index("generation_complete") < got.index("turn_complete")


async def test_end_of_speech_starts_a_reply_after_the_silence(server: FakeLiveServer) -> None:
    server.model = lambda s: says("Yes.", s)
    async with connect(server, realtime_input_config=types.RealtimeInputConfig(
        automatic_activity_detection=types.AutomaticActivityDetection(silence_duration_ms=500)
    )) as live:  # fmt: skip
        session = await server.wait_session()
        await live.send_realtime_input(audio=pcm(speech(0.6)))
        await live.send_realtime_input(audio=pcm(noise(0.3)))
        await session.next_message("realtimeInput")
        assert session.turns is not None and session.turns.claimable() is None, "300 ms of silence is not the end"
        await live.send_realtime_input(audio=pcm(noise(0.3)))
        assert "turn_complete" in await events(live)


async def test_audio_stream_end_ends_speech_and_activity_end_when_detection_is_off(server: FakeLiveServer) -> None:
    server.model = lambda s: says("Yes.", s)
    async with connect(server, model="gemini-3.1-flash-live-preview") as live:  # 3.8: see the field report below
        await live.send_realtime_input(audio=pcm(speech(0.4)))
        await live.send_realtime_input(audio_stream_end=True)
        assert "turn_complete" in await events(live)
    manual = types.RealtimeInputConfig(automatic_activity_detection=types.AutomaticActivityDetection(disabled=True))
    async with connect(server, realtime_input_config=manual) as live:
        await live.send_realtime_input(activity_start=types.ActivityStart())
        await live.send_realtime_input(audio=pcm(speech(0.4)))
        await live.send_realtime_input(activity_end=types.ActivityEnd())
        assert "turn_complete" in await events(live)


@pytest.mark.parametrize("field_reports", [True, False], ids=["as-reported", "as-documented"])
async def test_on_3_8_only_trailing_audio_ends_the_users_turn(server: FakeLiveServer, field_reports: bool) -> None:
    """Field report (openclaw/openclaw#152830): 3.8 ignores audioStreamEnd, and exact-zero samples are no audio to
    its VAD; only trailing audio with some signal lets it hear the end of speech. 3.1 ends the turn on both."""
    server.model = lambda s: says("Yes.", s)
    server.field_reports = field_reports
    quick = types.RealtimeInputConfig(
        automatic_activity_detection=types.AutomaticActivityDetection(silence_duration_ms=300)
    )
    cases = (("gemini-3.8-live", not field_reports), ("gemini-3.1-flash-live-preview", True))
    for n, (model, ends_without_trailing_audio) in enumerate(cases, start=1):
        async with connect(server, model=model, realtime_input_config=quick) as live:
            session = await server.wait_session(n=n)
            await live.send_realtime_input(audio=pcm(speech(0.5)))
            await live.send_realtime_input(audio=pcm(speech(0.6, loud=False)))  # exact zeros
            await live.send_realtime_input(audio_stream_end=True)
            await server.wait_until(lambda s=session: len(s.history) >= 3)  # the service took all three
            granted = session.turns is not None and bool(session.turns.turns)
            assert granted == ends_without_trailing_audio, model
            await live.send_realtime_input(audio=pcm(noise(0.4)))  # the room's own noise: heard as silence
            assert "turn_complete" in await events(live)


def noise(seconds: float) -> bytes:
    return np.random.default_rng(7).integers(-3, 4, int(16_000 * seconds)).astype("<i2").tobytes()


async def test_explicit_activity_with_detection_on_is_refused(server: FakeLiveServer) -> None:
    async with connect(server) as live:
        await live.send_realtime_input(activity_start=types.ActivityStart())
        with pytest.raises(errors.APIError) as caught:
            await events(live)
    assert caught.value.code == 1007


async def test_a_blocking_call_holds_the_turn_until_its_response(server: FakeLiveServer) -> None:
    async def model(session: FakeSession) -> None:
        await session.send_tool_call([{"name": "read_file", "args": {"path": "a.py"}}])
        await session.send_text("Read it.")

    server.model = model
    decl = types.FunctionDeclaration(name="read_file", behavior=types.Behavior.BLOCKING)
    async with connect(server, tools=[types.Tool(function_declarations=[decl])]) as live:
        await live.send_client_content(turns=turn("read a.py"))
        assert await events(live, until="tool_call") == ["tool_call"]
        session = await server.wait_session()
        assert not session.sent[-1].get("serverContent"), "nothing said before the response"
        response = types.FunctionResponse(id="call-1", name="read_file", response={"text": "x = 1"})
        await live.send_tool_response(function_responses=[response])
        assert "said" in await events(live)


# -- rule 2: what interrupts it ----------------------------------------------------------------------------
async def test_any_client_content_during_a_reply_cuts_it_off(server: FakeLiveServer) -> None:
    server.model = lambda s: says(LONG, s)
    async with connect(server) as live:
        await live.send_client_content(turns=turn("talk"))
        assert await events(live, until="audio") == ["audio"]
        await live.send_client_content(turns=turn("the user typed a character"), turn_complete=False)
        got = await events(live)
    assert got[-3:] == ["interrupted", "turn_complete", "usage"] or got[-2:] == ["interrupted", "turn_complete"]
    assert "generation_complete" not in got, "an interrupted turn has no generationComplete"


@pytest.mark.slow
async def test_content_while_the_reply_is_still_being_played_cuts_it_off(server: FakeLiveServer) -> None:
    server.model = lambda s: says(LONG, s)
    async with connect(server) as live:
        await live.send_client_content(turns=turn("talk"))
        await events(live, until="generation_complete")  # generated, but still being delivered in real time
        await live.send_client_content(turns=turn("cursor moved"), turn_complete=False)
        assert "interrupted" in await events(live)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("handling", "interrupted"), [("START_OF_ACTIVITY_INTERRUPTS", True), ("NO_INTERRUPTION", False)]
)
async def test_user_speech_interrupts_only_under_start_of_activity_interrupts(
    server: FakeLiveServer, handling: str, interrupted: bool
) -> None:
    server.model = lambda s: says(LONG, s)
    config = types.RealtimeInputConfig(activity_handling=types.ActivityHandling(handling))
    async with connect(server, realtime_input_config=config) as live:
        await live.send_client_content(turns=turn("talk"))
        await events(live, until="audio")
        await live.send_realtime_input(audio=pcm(speech(0.3)))
        assert ("interrupted" in await events(live)) is interrupted


async def test_interrupting_a_pending_call_cancels_it(server: FakeLiveServer) -> None:
    async def model(session: FakeSession) -> None:
        await session.send_text("Let me look.", turn_complete=False)
        await session.send_tool_call([{"name": "read_file", "args": {}}])
        await session.send_text("Never said.")

    server.model = model
    decl = types.FunctionDeclaration(name="read_file", behavior=types.Behavior.BLOCKING)
    async with connect(server, tools=[types.Tool(function_declarations=[decl])]) as live:
        await live.send_client_content(turns=turn("look"))
        await events(live, until="tool_call")
        await live.send_client_content(turns=turn("never mind"), turn_complete=False)
        got = await events(live)
    assert got[:3] == ["interrupted", "tool_call_cancellation", "turn_complete"]


# -- rule 3 and 4: real-time delivery and usage ------------------------------------------------------------
@pytest.mark.slow
async def test_audio_arrives_at_about_real_time_and_usage_follows_each_turn(server: FakeLiveServer) -> None:
    words = " ".join(["word"] * 10)  # 4 s at 2.5 words a second
    server.model = lambda s: says(words, s)
    async with connect(server) as live:
        start = time.monotonic()
        await live.send_client_content(turns=turn("count"))
        usage: list[types.UsageMetadata] = []
        async with asyncio.timeout(20):
            async for m in live.receive():
                if m.usage_metadata:
                    usage.append(m.usage_metadata)
        while not usage:  # usage follows turnComplete
            async for m in live.receive():
                if m.usage_metadata:
                    usage.append(m.usage_metadata)
                    break
        took = time.monotonic() - start
    assert took >= 3.4, f"a 4-second answer took {took:.1f} s"
    (u,) = usage
    details = {d.modality.value: d.token_count for d in u.response_tokens_details or [] if d.modality}
    assert details["AUDIO"] == 128 and u.response_token_count == 128  # 4 s x 32 tokens
    assert u.prompt_token_count and u.prompt_token_count >= 1


# -- what each model family accepts ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("model", "config", "code"),
    [
        ("gemini-2.5-flash-native-audio-preview-09-2025", {}, 1008),  # retired
        ("gemini-live-2.5-flash-preview", {}, 1008),
        ("no-such-model", {}, 1008),
        (MODEL, {"response_modalities": [types.Modality.TEXT]}, 1007),  # native audio only
        (MODEL, {"proactivity": types.ProactivityConfig(proactive_audio=True)}, 1007),  # always on
        (
            MODEL,
            {"generation_config": types.GenerationConfig(thinking_config=types.ThinkingConfig(thinking_budget=0))},
            1007,
        ),
        ("gemini-3.1-flash-live-preview", {"proactivity": types.ProactivityConfig(proactive_audio=True)}, 1007),
        (
            "gemini-3.1-flash-live-preview",
            {
                "tools": [
                    types.Tool(
                        function_declarations=[
                            types.FunctionDeclaration(name="f", behavior=types.Behavior.NON_BLOCKING)
                        ]
                    )
                ]
            },
            1007,
        ),
    ],
)
async def test_what_a_model_refuses_closes_the_socket(
    server: FakeLiveServer, model: str, config: dict[str, Any], code: int
) -> None:
    with pytest.raises(errors.APIError) as caught:
        async with connect(server, model=model, **config) as live:
            await events(live)
    assert caught.value.code == code
    if code == 1008:
        assert "not found" in str(caught.value)


@pytest.mark.parametrize("model", CURRENT_MODELS)
async def test_every_current_model_accepts_a_plain_audio_setup(server: FakeLiveServer, model: str) -> None:
    server.model = lambda s: says("Ready.", s)
    async with connect(server, model=model, response_modalities=[types.Modality.AUDIO]) as live:
        await live.send_realtime_input(text="hello")
        assert "said" in await events(live)


async def test_a_model_that_takes_client_content_only_as_history_refuses_it_later(server: FakeLiveServer) -> None:
    server.model = lambda s: says("Hi.", s)
    async with connect(server, model="gemini-3.1-flash-live-preview") as live:
        await live.send_client_content(turns=turn("initial history"), turn_complete=False)
        await live.send_realtime_input(text="hello")
        await events(live)
        await live.send_client_content(turns=turn("later context"), turn_complete=False)
        with pytest.raises(errors.APIError) as caught:
            await events(live)
    assert caught.value.code == 1007


async def test_extended_thinking_marks_fillers_in_progress_and_the_end_idle(server: FakeLiveServer) -> None:
    """Field report (families.py): extended thinking's turnComplete carries interaction_status."""

    async def model(session: FakeSession) -> None:
        await session.send_filler("Let me check.")
        await session.send_text("Done.")

    server.model = model
    statuses: list[str] = []
    async with connect(server, model="gemini-3.8-live-extended-thinking", response_modalities=["AUDIO"]) as live:
        await live.send_client_content(turns=turn("think hard"), turn_complete=True)
        async with asyncio.timeout(20):
            while len(statuses) < 2:
                async for m in live.receive():
                    sc = m.server_content
                    if sc and sc.turn_complete:
                        statuses.append(str(sc.interaction_status.value if sc.interaction_status else None))
    assert statuses == ["IN_PROGRESS", "IDLE"]


@pytest.mark.parametrize("result", [{}, {"status": "no_results", "retryable": False}], ids=["empty", "informative"])
async def test_on_3_8_an_empty_tool_result_makes_the_model_call_again(
    server: FakeLiveServer, result: dict[str, Any]
) -> None:
    """Field report (Vertex migration guide): 3.8 repeats a call 2-5 times when the tool returns an empty result."""

    async def model(session: FakeSession) -> None:
        await session.send_tool_call([{"name": "lookup", "args": {"q": "x"}}])
        await session.wait_closed(timeout=30)

    server.model = model
    tools = [types.Tool(function_declarations=[types.FunctionDeclaration(name="lookup", description="Look up.")])]
    answered = 0
    async with connect(server, tools=tools) as live:
        await live.send_client_content(turns=turn("look it up"), turn_complete=True)
        session = await server.wait_session()
        async with asyncio.timeout(10):
            while True:
                call: types.FunctionCall | None = None
                async for message in live.receive():
                    if message.tool_call and message.tool_call.function_calls:
                        call = message.tool_call.function_calls[0]
                        break
                assert call is not None and call.name == "lookup" and call.args == {"q": "x"}
                response = types.FunctionResponse(id=call.id, name="lookup", response=result)
                await live.send_tool_response(function_responses=[response])
                answered += 1
                await server.wait_until(
                    lambda n=answered: sum(1 for m in session.history if m.kind == "toolResponse") >= n
                )
                assert session.turns is not None
                if session.turns.repeated < answered:
                    break  # the service took the answer: no call again
    assert answered == (4 if not result else 1), "three repeats of an empty result; none of an informative one"


async def test_a_silent_turn_completes_with_no_content_and_the_next_request_is_answered(
    server: FakeLiveServer,
) -> None:
    """Field report (python-genai#2117, families.py): a request's turn completes with no content at all."""

    async def model(session: FakeSession) -> None:
        await session.send_text("Here it is.")

    server.model = model
    server.silent_turns = 1
    async with connect(server, response_modalities=["AUDIO"], output_audio_transcription={}) as live:
        await live.send_client_content(turns=turn("what is it?"), turn_complete=True)
        assert await events(live) == ["turn_complete"], "nothing at all, then the end of the turn"
        await live.send_client_content(turns=turn("what is it?"), turn_complete=True)
        answered = await events(live)
    assert "said" in answered and answered[-1] == "turn_complete"
