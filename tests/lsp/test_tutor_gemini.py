"""Tutor mode with Gemini, against the Live service simulator (its turn rules): the tutor's instruction and tools
in the setup, the model's question and hints placed on the line through `record_concept` / `give_hint`, the
learner's "Give me a hint" reaching the model as their turn, and the private learning log never sent."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.live_server import FakeLiveServer
from tests.fakes.session import FakeSession
from tests.keys import API_KEY
from tests.lsp.harness import EditorClient, settings_for

AVERAGE_PY = 'scores = [3, 4, 5]\ntotal = sum(scores)\nprint("average:", totl / len(scores))\n'
LINE = 2
DOCS = "https://docs.python.org/3/reference/executionmodel.html#naming-and-binding"
MARKER = "ZEBRA-CONCEPT-4471"  # a concept only the learning log holds


@pytest.fixture
def earlier_log(private_state: Path) -> Path:
    """A learning log from an earlier session, with a concept nothing else in the test mentions."""
    private_state.mkdir(parents=True, exist_ok=True)
    log = private_state / "learning.jsonl"
    log.write_text(
        json.dumps({"session": "earlier", "event": "met", "concept": MARKER, "source": "https://docs.python.org/3/"})
        + "\n"
    )
    return log


@pytest.fixture
def settings(fake: FakeLiveServer) -> dict[str, Any]:
    return settings_for(fake, mode="tutor", learnerLevel="beginner")


def text_of(path: Path) -> str:
    return path.read_text()


def said(message: Any) -> str:
    return "".join(message.texts())


async def first_rung(session: FakeSession) -> None:
    """What a tutor does on the failed run of average.py: the concept of line 3 and its first hint."""
    await session.next_message(predicate=lambda m: "just failed" in said(m), timeout=30)
    ids = await session.send_tool_call(
        [
            {
                "name": "record_concept",
                "args": {"name": "Names", "source": DOCS, "path": "average.py", "line": 3, "check": "Why?"},
            },
            {"name": "give_hint", "args": {"path": "average.py", "line": 3, "level": 1, "hint": "Where is totl set?"}},
        ]
    )
    await session.wait_tool_response(ids)


async def tutor_model(session: FakeSession) -> None:
    """A model that follows the tutor instruction: concept and question first, then hints when asked."""
    await first_rung(session)
    await session.send_text("Where does totl get its value?")
    await session.next_message(predicate=lambda m: "Give me a hint" in said(m), timeout=30)
    ids = await session.send_tool_call(
        [{"name": "give_hint", "args": {"path": "average.py", "line": 3, "level": 2, "hint": "Compare line 2."}}]
    )
    await session.wait_tool_response(ids)
    await session.send_text("Compare the spelling with line 2.")
    await asyncio.Event().wait()  # idle: the session stays open


async def test_the_model_teaches_and_the_log_stays_here(
    editor: EditorClient, fake: FakeLiveServer, workspace: Path, earlier_log: Path
) -> None:
    fake.model = tutor_model
    (workspace / "average.py").write_text(AVERAGE_PY)
    uri = editor.open("average.py")
    await editor.command("livepair.start", {"apiKey": API_KEY})
    status = await editor.wait_state("listening")
    assert status.get("mode") == "tutor"
    (setup,) = fake.setups()
    system = setup["systemInstruction"]["parts"][0]["text"]
    assert "Tutor mode" in system and "define every technical term" in system
    names = {f["name"] for t in setup["tools"] for f in t.get("functionDeclarations", [])}
    assert {"give_hint", "record_concept", "propose_fix"} <= names

    proc = await asyncio.create_subprocess_exec(
        sys.executable, "average.py", cwd=workspace, stderr=asyncio.subprocess.PIPE
    )
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    editor.send_terminal(f"{sys.executable} average.py", err.decode(), proc.returncode)

    def note() -> str:
        return next((d.message for d in editor.livepair_diagnostics(uri) if d.range.start.line == LINE), "")

    await editor.wait_for(lambda: note() == "Where is totl set?", timeout=30, what="the model's question")
    shown = await editor.wait_for(lambda: editor.sources, what="the concept's page in the panel")
    assert shown[0]["sources"] == [{"title": "Names", "uri": DOCS}]
    await editor.command("livepair.hint", uri, LINE)
    await editor.wait_for(lambda: note() == "Compare line 2.", timeout=30, what="the model's second rung")
    # The learner fixes it alone and runs again: praised at once, with the model's check question, once.
    editor.replace_line(uri, LINE, 'print("average:", total / len(scores))')
    editor.send_terminal(f"{sys.executable} average.py", "average: 4.0\n", 0)
    praise = await editor.wait_for(
        lambda: [t["text"] for t in editor.transcripts if "fixed it yourself" in t["text"]], what="praise"
    )
    assert praise == ["You fixed it yourself: it runs now. You learned about Names. Why?"]

    recap = (await editor.command("livepair.whatDidILearn"))["markdown"]
    assert MARKER in recap and f"[Names]({DOCS})" in recap and "hints used 1" in recap and "fixed alone 1×" in recap

    sent = [m.raw for s in fake.sessions for m in s.messages] + [json.dumps(s.setup) for s in fake.sessions]
    assert not [raw for raw in sent if MARKER in raw or "hints used" in raw], "the learning log is never sent"
    assert not [raw for raw in sent if "fixed the problem on their own" in raw], "a text session is not asked to speak"
    assert not [raw for raw in sent if str(earlier_log.parent) in raw or earlier_log.name in raw]
    kept = text_of(earlier_log)
    assert MARKER in kept and '"event":"hint"' in kept  # kept here, on this machine
