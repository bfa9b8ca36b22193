"""Vertex AI mode against the simulator: the SDK's Vertex wire path (LlmBidiService, the model as a resource name),
bearer auth, and transparent resumption — the service says which client message each handle includes, and after a
drop exactly what it did not consume is sent again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from livepair.backends.gemini_setup import VERTEX_TOKEN_ENV
from livepair.backends.reconnect import TIME_SCALE_ENV
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import MODEL, starts_turn
from tests.fakes.session import FakeSession
from tests.live.test_faults import answered, answering, asked, question_of
from tests.lsp.harness import EditorClient, settings_for, start_editor

pytestmark = pytest.mark.slow  # the Vertex AI route end to end: `make test`, not the inner loop

PROJECT, LOCATION = "team-project", "europe-west4"


async def vertex_editor(workspace: Path, fake: FakeLiveServer, token: str | None) -> EditorClient:
    env = fake.subprocess_env() | {TIME_SCALE_ENV: "0.1"} | ({VERTEX_TOKEN_ENV: token} if token else {})
    for name in ("GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL"):
        env.pop(name)
    settings = settings_for(fake, vertex=True, vertexProject=PROJECT, vertexLocation=LOCATION)
    return await start_editor(workspace, env, settings)


@pytest.fixture
async def editor(workspace: Path, fake: FakeLiveServer) -> AsyncIterator[EditorClient]:
    client = await vertex_editor(workspace, fake, fake.access_token)
    yield client
    await client.lsp.shutdown_session()


async def test_vertex_session_uses_bearer_auth_and_resource_names(editor: EditorClient, fake: FakeLiveServer) -> None:
    fake.model = answering
    editor.open("f.py")
    await editor.command("livepair.start")  # no API key: Vertex authenticates with the bearer token
    await editor.wait_state("listening")
    await editor.command("livepair.ask", "hello from vertex?")
    await answered(editor, "hello from vertex?")
    (session,) = fake.sessions
    assert "google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent" in session.path
    assert session.headers["Authorization"] == f"Bearer {fake.access_token}"
    assert "x-goog-api-key" not in session.headers
    setup = fake.setups()[0]
    assert setup["model"] == f"projects/{PROJECT}/locations/{LOCATION}/publishers/google/models/{MODEL}"
    assert setup["sessionResumption"] == {"transparent": True}


async def test_a_token_handed_over_in_start_authenticates_and_a_bad_one_is_refused_clearly(
    workspace: Path, fake: FakeLiveServer
) -> None:
    """The Neovim plugin hands Vertex's token over in `livepair.start` (never in the daemon's environment)."""
    editor = await vertex_editor(workspace, fake, None)
    try:
        fake.model = answering
        editor.open("f.py")
        with pytest.raises(Exception, match="vertexAccessToken"):
            await editor.command("livepair.start", {"vertexAccessToken": 42})
        await editor.command("livepair.start", {"vertexAccessToken": f"{fake.access_token}\n"})
        await editor.wait_state("listening")
        await editor.command("livepair.ask", "hello over a handed token?")
        await answered(editor, "hello over a handed token?")
        (session,) = fake.sessions
        assert session.headers["Authorization"] == f"Bearer {fake.access_token}", "the token, trimmed"
    finally:
        await editor.lsp.shutdown_session()


async def test_a_drop_resends_exactly_what_the_service_did_not_consume(
    editor: EditorClient, fake: FakeLiveServer
) -> None:
    async def first(session: FakeSession) -> None:
        await answering_until(session, "drop")
        await session.close(1011, "Internal error encountered.")

    fake.model = first
    editor.open("f.py")
    await editor.command("livepair.start")
    await editor.wait_state("listening")
    await editor.command("livepair.ask", "first?")
    await answered(editor, "first?")
    fake.model = answering
    await editor.command("livepair.ask", "drop, then answer?")
    await answered(editor, "drop, then answer?")
    first_session, last = fake.sessions[0], fake.sessions[-1]
    indexes = [m["sessionResumptionUpdate"].get("lastConsumedClientMessageIndex") for m in first_session.sent
               if "sessionResumptionUpdate" in m]  # fmt: skip
    assert indexes and all(isinstance(i, int) for i in indexes)
    assert last.resumed and asked(last, "first?") == 1 and asked(last, "drop, then answer?") == 1
    # Nothing the handle already held came again: the resumed connection got only the unanswered question.
    assert [question_of("".join(m.texts())) for m in last.messages if m.texts()] == ["drop, then answer?"]


async def answering_until(session: FakeSession, word: str) -> None:
    while True:
        message = await session.next_message(predicate=starts_turn)
        question = question_of("".join(message.texts()))
        if word in question:
            return
        await session.send_text(f"Answer: {question}")


async def test_a_wrong_token_stops_and_says_so(workspace: Path, fake: FakeLiveServer) -> None:
    editor = await vertex_editor(workspace, fake, "not-the-token")
    try:
        editor.open("f.py")
        await editor.command("livepair.start")
        status = await editor.wait_state("error")
        assert "401" in status["message"] and "permission" not in status["message"].lower()
    finally:
        await editor.lsp.shutdown_session()
