"""The fake Live server against the real, unmodified google-genai SDK (and raw websockets for edge cases).

These tests pin both the fake's API and the SDK behaviours the daemon relies on (google-genai 3.6.1):

* A bad API key: the fake reads setup, then closes 1008. The SDK's ``connect()`` reads exactly one reply
  before yielding the session, so ``google.genai.errors.APIError`` (code 1008, the base class, not
  ``ClientError``: close codes are not HTTP codes) is raised on *entering* ``async with connect(...)``,
  not from ``receive()``.
* Any close during ``receive()`` raises ``APIError`` with ``code`` = the close code (1011, and 1001 when
  the server shuts down).
* A server message without a recognised top-level key makes ``receive()`` raise ``TypeError``: the SDK
  calls ``APIError.raise_error(response.get("code"), ...)`` with ``None`` and compares ``400 <= None``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from google import genai
from google.genai import errors, types
from google.genai.live import AsyncSession
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.fakes.live_server import FakeLiveServer, FakeSession, SessionClosed, echo_model
from tests.fakes.models import MODEL
from tests.fakes.wire import ProtocolViolation

pytestmark = pytest.mark.slow  # the simulator itself, through the real SDK: `make test`, not the inner loop

API_KEY = "test-key-123"
SDK_PATH = "//ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
REPO = Path(__file__).resolve().parents[2]
RECEIVE_TIMEOUT = 5.0


@pytest.fixture
async def server() -> AsyncIterator[FakeLiveServer]:
    async with FakeLiveServer(api_key=API_KEY) as srv:
        yield srv
        srv.raise_errors()  # tests that provoke errors clear them after asserting


def sdk_client(server: FakeLiveServer, api_key: str = API_KEY) -> genai.Client:
    return genai.Client(api_key=api_key, http_options=server.http_options())


async def first_message(
    session: AsyncSession, predicate: Callable[[types.LiveServerMessage], Any]
) -> types.LiveServerMessage:
    """Next SDK message matching ``predicate`` (bounded); ``receive()`` ends at each turnComplete: loop."""
    async with asyncio.timeout(RECEIVE_TIMEOUT):
        while True:
            async for message in session.receive():
                if predicate(message):
                    return message


@contextlib.asynccontextmanager
async def raw_client(server: FakeLiveServer, path: str = SDK_PATH) -> AsyncIterator[ClientConnection]:
    """A bare websocket client, for frames the SDK would never send."""
    url = f"wss://127.0.0.1:{server.port}{path}"
    headers = {"x-goog-api-key": API_KEY}
    async with ws_connect(url, ssl=server.client_ssl_context(), additional_headers=headers, proxy=None) as ws:
        yield ws


def text_turn(text: str) -> types.Content:
    return types.Content(role="user", parts=[types.Part(text=text)])


async def spoken(session: AsyncSession) -> tuple[str, types.LiveServerToolCall | None]:
    """What the model said until its turn ended or it called a tool (an audio model: its transcription)."""
    words: list[str] = []
    async with asyncio.timeout(RECEIVE_TIMEOUT + 10):
        async for message in session.receive():  # ends at turnComplete
            sc = message.server_content
            if sc and sc.output_transcription and sc.output_transcription.text:
                words.append(sc.output_transcription.text)
            if message.tool_call:
                return "".join(words), message.tool_call
    return "".join(words), None


async def test_setup_records_model_tools_system_instruction_and_key(server: FakeLiveServer) -> None:
    config = types.LiveConnectConfig(
        response_modalities=[types.Modality.AUDIO],
        system_instruction="You are a senior developer.",
        output_audio_transcription=types.AudioTranscriptionConfig(),
        tools=[
            types.Tool(
                function_declarations=[
                    types.FunctionDeclaration(
                        name="read_file",
                        description="Read a file of the workspace.",
                        parameters=types.Schema(
                            type=types.Type.OBJECT,
                            properties={"file_path": types.Schema(type=types.Type.STRING)},
                            required=["file_path"],
                        ),
                    )
                ]
            )
        ],
    )
    async with sdk_client(server).aio.live.connect(model=MODEL, config=config) as live:
        assert live.setup_complete is not None
        session = await server.wait_session()

    (setup,) = server.setups()
    assert session.setup == setup
    assert setup["model"] == f"models/{MODEL}"
    assert setup["generationConfig"]["responseModalities"] == ["AUDIO"]
    assert setup["systemInstruction"]["parts"][0]["text"] == "You are a senior developer."
    assert "outputAudioTranscription" in setup
    (declaration,) = setup["tools"][0]["functionDeclarations"]
    assert declaration["name"] == "read_file"
    assert declaration["parameters"]["properties"] == {"file_path": {"type": "STRING"}}  # user names kept
    assert session.accepted
    # No trailing slash on our base URL, so one slash here; the default base URL ends in "/" and gives "//ws".
    assert session.path == SDK_PATH.removeprefix("/")
    assert session.headers["x-goog-api-key"] == API_KEY
    assert server.headers == [session.headers]
    assert API_KEY not in session.path  # the key travels in a header only
    await session.wait_closed()
    assert session.close_code == 1000


async def test_client_content_and_realtime_input_arrive_decoded(server: FakeLiveServer) -> None:
    pcm = bytes([0xFF, 0xFE, 0xFB, 0x00]) * 100  # encodes with '-' and '_' in the URL-safe alphabet
    async with sdk_client(server).aio.live.connect(model=MODEL) as live:
        await live.send_client_content(turns=text_turn("explain this function"), turn_complete=True)
        await live.send_realtime_input(audio=types.Blob(data=pcm, mime_type="audio/pcm;rate=16000"))
        await live.send_realtime_input(text="and make it faster")
        await server.wait_until(lambda: len(server.messages) == 4)

    assert server.texts_sent() == ["explain this function", "and make it faster"]
    assert server.audio_received() == pcm
    assert [m.kind for m in server.messages] == ["setup", "clientContent", "realtimeInput", "realtimeInput"]
    assert server.messages[1].body["turnComplete"] is True
    assert all(m.session_index == 0 for m in server.messages)
    assert len(server.frames) == 4


async def test_scripted_reply_and_tool_call_round_trip(server: FakeLiveServer) -> None:
    tool_results: asyncio.Future[list[dict[str, Any]]] = asyncio.get_running_loop().create_future()

    async def model(session: FakeSession) -> None:
        question = await session.next_text()
        await session.send_text(f"Seen: {question}", turn_complete=False)
        ids = await session.send_tool_call([{"name": "read_file", "args": {"file_path": "src/app.py"}}])
        tool_results.set_result(await session.wait_tool_response(ids))
        await session.send_text("Done.")

    server.model = model
    async with sdk_client(server).aio.live.connect(model=MODEL) as live:
        await live.send_client_content(turns=text_turn("why is it slow?"))
        said, tool_call = await spoken(live)
        assert said == "Seen: why is it slow?"
        assert tool_call is not None and tool_call.function_calls
        (call,) = tool_call.function_calls
        assert (call.id, call.name, call.args) == ("call-1", "read_file", {"file_path": "src/app.py"})
        response = types.FunctionResponse(id=call.id, name=call.name, response={"output": "def main(): ..."})
        await live.send_tool_response(function_responses=[response])

        (result,) = await asyncio.wait_for(tool_results, 5)
        assert result == {"id": "call-1", "name": "read_file", "response": {"output": "def main(): ..."}}
        assert server.tool_responses() == [result]
        assert await spoken(live) == ("Done.", None)


async def test_server_message_helpers_parse_in_the_sdk(server: FakeLiveServer) -> None:
    pcm = b"\x01\x02" * 240

    async def model(session: FakeSession) -> None:
        await session.next_text()
        await session.send_input_transcript("hello there")
        await session.send_audio(pcm)
        await session.send_output_transcript("Hi!", finished=True)
        await session.send({"usageMetadata": {"promptTokenCount": 10, "responseTokenCount": 5, "totalTokenCount": 15}})
        await session.send_server_content(interrupted=True)  # raw: the shapes the SDK parses, not the rules
        await session.send_tool_call_cancellation(["call-9"])
        await session.send_resumption_update("handle-1")
        await session.send_go_away("30s")
        await session.send_server_content(turnComplete=True)

    server.model = model
    async with sdk_client(server).aio.live.connect(model=MODEL) as live:
        await live.send_client_content(turns=text_turn("hi"))
        async with asyncio.timeout(5):
            got = [m async for m in live.receive()]  # ends at turnComplete

    assert len(got) == 9
    assert got[0].server_content and got[0].server_content.input_transcription
    assert got[0].server_content.input_transcription.text == "hello there"
    assert got[1].data == pcm
    assert got[2].server_content and got[2].server_content.output_transcription
    assert got[2].server_content.output_transcription.finished is True
    assert got[3].usage_metadata and got[3].usage_metadata.total_token_count == 15
    assert got[4].server_content and got[4].server_content.interrupted is True
    assert got[5].tool_call_cancellation and got[5].tool_call_cancellation.ids == ["call-9"]
    assert got[6].session_resumption_update and got[6].session_resumption_update.new_handle == "handle-1"
    assert got[7].go_away and got[7].go_away.time_left == "30s"
    assert got[8].server_content and got[8].server_content.turn_complete is True


async def test_wrong_api_key_raises_api_error_1008_on_connect(server: FakeLiveServer) -> None:
    with pytest.raises(errors.APIError) as caught:
        async with sdk_client(server, api_key="wrong-key").aio.live.connect(model=MODEL):
            pytest.fail("connect() must not yield a session for a bad key")
    assert type(caught.value) is errors.APIError
    assert caught.value.code == 1008
    assert "API key not valid" in str(caught.value)

    session = await server.wait_session()
    await session.wait_closed()
    assert not session.accepted
    assert session.setup is not None and session.setup["model"] == f"models/{MODEL}"
    assert session.close_code == 1008


async def test_unknown_server_message_makes_receive_raise_type_error(server: FakeLiveServer) -> None:
    async def model(session: FakeSession) -> None:
        await session.send_unknown()

    server.model = model
    async with sdk_client(server).aio.live.connect(model=MODEL) as live:
        with pytest.raises(TypeError):
            await first_message(live, lambda m: True)


@pytest.mark.parametrize("crash", [False, True], ids=["close-1011", "script-raises"])
async def test_close_1011_raises_api_error_1011(server: FakeLiveServer, crash: bool) -> None:
    async def model(session: FakeSession) -> None:
        await session.next_message("clientContent")
        if crash:
            raise RuntimeError("model script bug")
        await session.close(1011, "Internal error encountered.")

    server.model = model
    async with sdk_client(server).aio.live.connect(model=MODEL) as live:
        await live.send_client_content(turns=text_turn("go"))
        with pytest.raises(errors.APIError) as caught:
            await first_message(live, lambda m: True)
    assert caught.value.code == 1011
    assert "Internal error encountered." in str(caught.value)
    if crash:
        assert [type(e) for e in server.errors] == [RuntimeError]
        server.errors.clear()


async def test_stop_closes_open_sessions_with_1001(server: FakeLiveServer) -> None:
    async with sdk_client(server).aio.live.connect(model=MODEL) as live:
        session = await server.wait_session()
        stopping = asyncio.create_task(server.stop())
        with pytest.raises(errors.APIError) as caught:
            await first_message(live, lambda m: True)
        await asyncio.wait_for(stopping, 5)
    assert caught.value.code == 1001
    assert session.closed and session.close_code == 1001


async def test_model_is_replaceable_between_sessions(server: FakeLiveServer) -> None:
    async def greeter(session: FakeSession) -> None:
        await session.send_text("first")

    client = sdk_client(server)
    server.model = greeter
    async with client.aio.live.connect(model=MODEL) as live:
        await live.send_client_content(turns=text_turn("hello"))
        assert await spoken(live) == ("first", None)
    server.model = None  # idle: ends each turn it is given, empty
    async with client.aio.live.connect(model=MODEL) as live:
        await live.send_client_content(turns=text_turn("anyone?"))
        second = await server.wait_session(n=2)
        assert (await second.next_message()).texts() == ["anyone?"]
        assert second.sent[0] == {"setupComplete": {}}
        assert not any("modelTurn" in m.get("serverContent", {}) for m in second.sent), "idle: says nothing"
    assert [s.index for s in server.sessions] == [0, 1]


async def test_next_message_is_bounded_and_ends_when_client_leaves(server: FakeLiveServer) -> None:
    loop = asyncio.get_running_loop()
    timed_out: asyncio.Future[None] = loop.create_future()
    outcome: asyncio.Future[BaseException] = loop.create_future()

    async def model(session: FakeSession) -> None:
        with pytest.raises(TimeoutError, match="no toolResponse"):
            await session.next_message("toolResponse", timeout=0.05)
        timed_out.set_result(None)
        try:
            await session.next_message("toolResponse", timeout=30)
        except SessionClosed as exc:
            outcome.set_result(exc)
            raise  # a script ended by the client hanging up is not recorded as an error

    server.model = model
    async with sdk_client(server).aio.live.connect(model=MODEL) as live:
        await asyncio.wait_for(timed_out, 5)
        await live.send_client_content(turns=text_turn("bye"))
    assert isinstance(await asyncio.wait_for(outcome, 5), SessionClosed)
    assert server.errors == []


async def test_raw_frames_any_casing_and_base64_alphabet_are_normalised(server: FakeLiveServer) -> None:
    secret_image = b"\xfb\xffSECRET-IN-IMAGE"
    unpadded_urlsafe = base64.urlsafe_b64encode(secret_image).decode().rstrip("=")
    messages: list[dict[str, Any]] = [
        {"realtimeInput": {"audio": {"mimeType": "audio/pcm", "data": "+/8="}}},  # standard, padded
        {"realtime_input": {"video": {"mime_type": "image/jpeg", "data": unpadded_urlsafe}}},
        {
            "client_content": {
                "turns": [{"role": "user", "parts": [{"text": "héllo"}]}],
                "turn_complete": True,
            }
        },
        {
            "tool_response": {
                "function_responses": [{"id": "c1", "name": "f", "response": {"snake_key": {"data": "x"}}}]
            }
        },
    ]
    setup_frame = json.dumps({"setup": {"model": MODEL, "generation_config": {"response_modalities": ["AUDIO"]}}})
    async with raw_client(server, SDK_PATH.replace("v1beta", "v1alpha")) as ws:
        await ws.send(setup_frame.encode())  # binary frames are accepted too
        assert json.loads(await ws.recv()) == {"setupComplete": {}}
        for message in messages:
            await ws.send(json.dumps(message))
        await server.wait_until(lambda: len(server.messages) == 1 + len(messages))

    setup, audio, video, content, tool = server.messages
    assert setup.binary and setup.body == {
        "model": MODEL,
        "generationConfig": {"responseModalities": ["AUDIO"]},
    }
    assert audio.body["audio"]["data"] == b"\xfb\xff"
    assert video.body["video"] == {"mimeType": "image/jpeg", "data": secret_image}
    assert server.images_received() == [secret_image]
    assert content.body["turnComplete"] is True and server.texts_sent() == ["héllo"]
    # User payloads stay verbatim: no re-casing, no base64 decoding of a "data" key.
    assert tool.body["functionResponses"][0]["response"] == {"snake_key": {"data": "x"}}
    everything = server.all_text()
    assert "SECRET-IN-IMAGE" in everything and "héllo" in everything
    assert "SECRET-IN-IMAGE" not in "".join(server.frames)  # only visible once decoded


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent", None),
        ("//ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent", None),
        ("//ws/google.ai.generativelanguage.v1.GenerativeService.BidiGenerateContent", 404),
        ("/v1beta/models", 404),
    ],
)
async def test_only_live_paths_are_served(server: FakeLiveServer, path: str, expected: int | None) -> None:
    url = f"wss://127.0.0.1:{server.port}{path}"
    if expected is None:
        async with ws_connect(url, ssl=server.client_ssl_context(), proxy=None):
            await server.wait_session()
        return
    with pytest.raises(InvalidStatus) as caught:
        async with ws_connect(url, ssl=server.client_ssl_context(), proxy=None):
            pass
    assert caught.value.response.status_code == expected
    assert server.sessions == []


SETUP_FRAME = json.dumps({"setup": {"model": f"models/{MODEL}"}})


@pytest.mark.parametrize(
    "frames",
    [
        ['{"client_content": {"turns": []}}'],  # setup must come first
        ["not json"],
        ['{"setup": {}, "extra": 1}'],  # unknown top-level field
        [SETUP_FRAME, '{"realtime_input": {"audio": {"mime_type": "audio/pcm", "data": "***"}}}'],
        [SETUP_FRAME, SETUP_FRAME],  # setup only once
    ],
    ids=["not-setup-first", "not-json", "unknown-field", "bad-base64", "second-setup"],
)
async def test_protocol_violations_close_1007_and_are_recorded(server: FakeLiveServer, frames: list[str]) -> None:
    async with raw_client(server) as ws:
        for frame in frames:
            await ws.send(frame)
        with pytest.raises(ConnectionClosed) as caught:
            async with asyncio.timeout(5):
                while True:
                    assert json.loads(await ws.recv()) == {"setupComplete": {}}
    assert caught.value.rcvd is not None and caught.value.rcvd.code == 1007
    assert server.frames == frames
    assert [type(e) for e in server.errors] == [ProtocolViolation]
    server.errors.clear()


async def test_env_var_route_in_a_subprocess(server: FakeLiveServer) -> None:
    server.model = echo_model
    script = (
        "import asyncio, sys\n"
        "from google import genai\n"
        "from google.genai import types\n"
        "async def main():\n"
        "    client = genai.Client()\n"
        "    async with client.aio.live.connect(model='gemini-3.8-live') as live:\n"
        "        turn = types.Content(role='user', parts=[types.Part(text=sys.argv[1])])\n"
        "        await live.send_client_content(turns=turn)\n"
        "        said = []\n"
        "        async for message in live.receive():\n"
        "            sc = message.server_content\n"
        "            if sc and sc.output_transcription and sc.output_transcription.text:\n"
        "                said.append(sc.output_transcription.text)\n"
        "        print('reply:', ''.join(said))\n"
        "asyncio.run(main())\n"
    )
    venv_python = REPO / ".venv" / "bin" / "python"
    python = str(venv_python if venv_python.exists() else Path(sys.executable))
    env = server.subprocess_env()
    assert env["GOOGLE_GEMINI_BASE_URL"] == server.url and env["SSL_CERT_FILE"] == str(server.ca_file)
    assert not any(k.lower().endswith("_proxy") for k in env)
    proc = await asyncio.create_subprocess_exec(
        python,
        "-c",
        script,
        "from the env",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, stderr.decode()
    assert stdout.decode().strip() == "reply: echo: from the env"
    assert server.texts_sent() == ["from the env"]
    assert server.headers[0]["x-goog-api-key"] == API_KEY
    assert server.setups()[0]["model"] == f"models/{MODEL}"
