"""Google Search grounding: on where the model takes it with function calls, the sources of a grounded answer
reach the editor as links next to the answer, and off (with a note) where the model refuses the combination."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from livepair.backends.grounding import sources_of
from tests.fakes.families import Refusal, check_setup
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import searching_model
from tests.keys import API_KEY
from tests.lsp.harness import EditorClient, settings_for, start_editor

ANSWER = "Python 3.14, says python.org."  # short: the fake speaks it in real time
SOURCES = [("Python Release Python 3.14.0", "https://www.python.org/downloads/release/python-3140/")]
QUESTION = "What is the latest Python release?"


def tools_of(setup: dict[str, Any]) -> list[dict[str, Any]]:
    return setup.get("tools") or []


async def ask(editor: EditorClient, question: str, reply: str) -> None:
    await editor.command("livepair.ask", question)
    await editor.wait_for(
        lambda: any(t["role"] == "model" and t["final"] and reply in t["text"] for t in editor.transcripts),
        what=f"the answer to {question!r}",
    )
    await editor.wait_state("listening")  # sent after the turn's sources, if any: they have arrived by now


async def test_a_grounded_answer_shows_its_sources(editor: EditorClient, fake: FakeLiveServer) -> None:
    fake.model = searching_model(ANSWER, SOURCES)
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await editor.wait_state("listening")
    (setup,) = fake.setups()
    assert any("googleSearch" in t for t in tools_of(setup)) and any(
        "functionDeclarations" in t for t in tools_of(setup)
    )

    await ask(editor, "What does f.py do?", "From memory")  # nothing current: no search, no sources
    assert editor.sources == []
    await ask(editor, QUESTION, ANSWER)
    (shown,) = await editor.wait_for(lambda: editor.sources, what="livepair/sources")
    assert shown == {"sources": [{"title": t, "uri": u} for t, u in SOURCES], "queries": [QUESTION]}
    system = setup["systemInstruction"]["parts"][0]["text"]
    assert "say where the answer comes from" in system  # spoken answers name their source


async def test_search_can_be_turned_off(workspace: Path, fake: FakeLiveServer) -> None:
    fake.model = searching_model(ANSWER, SOURCES)
    editor = await start(workspace, fake, {"googleSearch": False})
    try:
        await editor.command("livepair.start", {"apiKey": API_KEY})
        await editor.wait_state("listening")
        await ask(editor, QUESTION, ANSWER)
        (setup,) = fake.setups()
        assert not any("googleSearch" in t for t in tools_of(setup))
        assert editor.sources == []  # the model could not search: no sources to show
    finally:
        await editor.lsp.shutdown_session()


async def test_a_model_that_refuses_search_with_tools_gets_no_search(workspace: Path, fake: FakeLiveServer) -> None:
    fake.model = searching_model(ANSWER, SOURCES)
    editor = await start(workspace, fake, {"model": "gemini-3.1-flash-live-preview"})
    try:
        await editor.command("livepair.start", {"apiKey": API_KEY})
        status = await editor.wait_state("listening")
        (setup,) = fake.setups()
        assert not any("googleSearch" in t for t in tools_of(setup))  # else the service closes with 1007
        assert "Web search is off" in status["message"]
    finally:
        await editor.lsp.shutdown_session()


async def start(workspace: Path, fake: FakeLiveServer, extra: dict[str, Any]) -> EditorClient:
    env = fake.subprocess_env()
    env.pop("GEMINI_API_KEY")
    env.pop("GOOGLE_GEMINI_BASE_URL")
    return await start_editor(workspace, env, settings_for(fake, **extra))


def test_only_web_links_are_kept_and_bounded() -> None:
    from google.genai import types

    chunks = [
        types.GroundingChunk(web=types.GroundingChunkWeb(uri="javascript:alert(1)", title="x")),
        types.GroundingChunk(web=types.GroundingChunkWeb(uri="file:///etc/passwd", title="y")),
        *(
            types.GroundingChunk(web=types.GroundingChunkWeb(uri=f"https://e.org/{i}", title=f"t{i}"))
            for i in range(30)
        ),
        types.GroundingChunk(web=types.GroundingChunkWeb(uri="https://e.org/0", title="again")),
    ]
    found = sources_of(types.GroundingMetadata(grounding_chunks=chunks, web_search_queries=["q"]))
    assert found is not None and len(found.links) == 10 and found.links[0] == ("t0", "https://e.org/0")
    assert sources_of(types.GroundingMetadata()) is None


def test_the_simulator_refuses_search_with_tools_where_the_model_does() -> None:
    tools = [{"googleSearch": {}}, {"functionDeclarations": [{"name": "annotate"}]}]
    with pytest.raises(Refusal) as refused:
        check_setup({"model": "models/gemini-3.1-flash-live-preview", "tools": tools})
    assert refused.value.code == 1007
    assert check_setup({"model": "models/gemini-3.8-live", "tools": tools}).name == "gemini-3.8-live"
