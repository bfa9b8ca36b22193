"""The model's hands over the real daemon: search_workspace, open_location and apply_edit — each happy, given bad
arguments (an error the model can read) and refused (private files, the user's no)."""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types as lsp

from livepair.lsp.edits import previews_edits
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession
from tests.keys import API_KEY, GOOGLE_KEY
from tests.lsp.harness import VSCODE_CAPABILITIES, EditorClient


def calling(calls: Sequence[dict[str, Any]], results: list[dict[str, Any]], done: asyncio.Event) -> Any:
    """A model that, asked anything, makes these calls and keeps what the editor answered."""

    async def model(session: FakeSession) -> None:
        await session.next_message(predicate=starts_turn)
        ids = await session.send_tool_call(list(calls))
        results.extend(r["response"] for r in await session.wait_tool_response(ids, timeout=30))
        done.set()
        await session.wait_closed(timeout=60)

    return model


async def run(editor: EditorClient, fake: FakeLiveServer, calls: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    done = asyncio.Event()
    fake.model = calling(calls, results, done)
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await editor.wait_state("listening")
    await editor.command("livepair.ask", "Have a look.")
    await asyncio.wait_for(done.wait(), 30)
    return results


@pytest.fixture
def planted(workspace: Path) -> Path:
    """A git work tree with a private .env, an ignored build folder and a .livepairignore'd notes folder."""
    subprocess.run(["git", "init", "-q"], cwd=workspace, check=True)
    (workspace / ".gitignore").write_text("build/\n")
    (workspace / "build").mkdir()
    (workspace / "build" / "gen.py").write_text("config = 'generated'\n")
    (workspace / ".env").write_text(f"config_key={GOOGLE_KEY}\n")
    (workspace / "notes").mkdir()
    (workspace / "notes" / "todo.md").write_text("config: move it\n")
    (workspace / ".livepairignore").write_text("notes/\n")
    return workspace


async def test_search_workspace(editor: EditorClient, fake: FakeLiveServer, planted: Path) -> None:
    found, empty, bad_regex, too_long = await run(
        editor,
        fake,
        [
            {"name": "search_workspace", "args": {"query": "CONFIG.json"}},
            {"name": "search_workspace", "args": {"query": "  "}},
            {"name": "search_workspace", "args": {"query": "open(", "regex": True}},
            {"name": "search_workspace", "args": {"query": "x" * 500}},
        ],
    )
    assert found["count"] == 1 and 'f.py:8: with open("data/config.json") as fh:' in found["matches"]
    everything = await_search_text(fake)
    assert "generated" not in everything and "move it" not in everything and GOOGLE_KEY not in everything
    assert empty == {"error": "'query' must be a non-empty string"}
    assert "not a valid regular expression" in bad_regex["error"]
    assert "too long (500 chars, max 200)" in too_long["error"]


def await_search_text(fake: FakeLiveServer) -> str:
    return "\n".join(str(r) for r in fake.tool_responses())


async def test_search_skips_private_and_ignored_files(
    editor: EditorClient, fake: FakeLiveServer, planted: Path
) -> None:
    (found,) = await run(editor, fake, [{"name": "search_workspace", "args": {"query": "config"}}])
    files = {line.split(":", 1)[0] for line in found["matches"].splitlines()[1:-1]}
    assert files == {"f.py"}  # not .env, build/gen.py (.gitignore) nor notes/todo.md (.livepairignore)
    assert found["count"] == 4  # lines 1, 8, 9 and 11


async def test_open_location(editor: EditorClient, fake: FakeLiveServer, planted: Path) -> None:
    opened, outside, private, wrong_line = await run(
        editor,
        fake,
        [
            {"name": "open_location", "args": {"path": "f.py", "line": 8}},
            {"name": "open_location", "args": {"path": "../elsewhere.py", "line": 1}},
            {"name": "open_location", "args": {"path": ".env", "line": 1}},
            {"name": "open_location", "args": {"path": "f.py", "line": 0}},
        ],
    )
    assert opened == {"ok": True, "opened": "f.py:8"}
    (shown,) = editor.shown
    assert shown.uri == (planted / "f.py").as_uri() and shown.selection is not None
    assert shown.selection.start.line == 7 and shown.take_focus
    assert "outside the workspace" in outside["error"]
    assert "'.env' is private" in private["error"]
    assert wrong_line == {"error": "'line' must be a positive integer (1-based)"}


EDIT = {
    "edits": [
        {"path": "f.py", "start_line": 3, "end_line": 3, "new_text": "import json\nfrom pathlib import Path"},
        {
            "path": "f.py",
            "start_line": 8,
            "end_line": 8,
            "new_text": 'with open(Path(__file__).parent / "src" / "data" / "config.json") as fh:',
        },
        {"path": "helper.py", "start_line": 1, "end_line": 0, "new_text": "# shared helpers"},
    ],
    "reason": "Open the config next to f.py.",
}


@pytest.mark.parametrize("apply", [True, False], ids=["applied", "discarded"])
async def test_apply_edit_is_a_preview_applied_only_on_yes(
    editor: EditorClient, fake: FakeLiveServer, workspace: Path, apply: bool
) -> None:
    (workspace / "helper.py").write_text("X = 1\n")
    before = (workspace / "f.py").read_text()
    editor.answer_edits = apply
    (result,) = await run(editor, fake, [{"name": "apply_edit", "args": EDIT}])

    (shown,) = editor.edits
    annotation = (shown.edit.change_annotations or {})["livepair-edit"]
    assert annotation.needs_confirmation and annotation.label == "LivePair: Open the config next to f.py."
    changes = [c for c in shown.edit.document_changes or [] if isinstance(c, lsp.TextDocumentEdit)]
    assert {c.text_document.uri for c in changes} == {(workspace / n).as_uri() for n in ("f.py", "helper.py")}
    assert all(isinstance(e, lsp.AnnotatedTextEdit) for c in changes for e in c.edits)
    if apply:
        assert result == {"applied": True, "files": ["f.py", "helper.py"]}
        proc = await asyncio.create_subprocess_exec(
            "python3", "f.py", cwd=workspace, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        out = (await asyncio.wait_for(proc.communicate(), 60))[0].decode()
        assert "line 12" in out and "FileNotFoundError" not in out and "NameError" not in out  # past the error
        assert (workspace / "helper.py").read_text() == "# shared helpers\nX = 1\n"
    else:
        assert result == {"error": "the user did not apply the edit", "files": ["f.py", "helper.py"]}
        assert (workspace / "f.py").read_text() == before


async def test_apply_edit_refuses_unchecked_private_and_malformed_edits(
    editor: EditorClient, fake: FakeLiveServer, planted: Path
) -> None:
    before = (planted / "f.py").read_text()

    def edit(**change: Any) -> dict[str, Any]:
        return {"edits": [{**unimported, **change}], "reason": "-"}

    unimported = {"path": "f.py", "start_line": 8, "end_line": 8, "new_text": EDIT["edits"][1]["new_text"]}
    results = await run(
        editor,
        fake,
        [
            {"name": "apply_edit", "args": {"edits": [unimported], "reason": "pathlib"}},
            {"name": "apply_edit", "args": {"edits": [{**unimported, "path": ".env"}], "reason": "x"}},
            {
                "name": "apply_edit",
                "args": {"edits": [{**unimported, "start_line": 40, "end_line": 41}], "reason": "-"},
            },
            {"name": "apply_edit", "args": {"edits": [unimported, unimported], "reason": "twice"}},
            {"name": "apply_edit", "args": {"edits": "f.py", "reason": "x"}},
            {"name": "apply_edit", "args": {"edits": [unimported]}},
        ],
    )
    errors = [r["error"] for r in results]
    assert errors[0] == "edit not offered: f.py: the fix would use 'Path', which nothing in the file defines"
    assert "'.env' is private" in errors[1]
    assert "lines 40-41 are outside the file (1-12)" in errors[2]
    assert "edits overlap at line 8" in errors[3]
    assert "'edits' must be a non-empty list" in errors[4]
    assert errors[5] == "'reason' must be a non-empty string"
    assert editor.edits == [] and (planted / "f.py").read_text() == before  # no preview was ever shown


def test_an_editor_that_would_apply_without_asking_gets_no_edit() -> None:
    assert previews_edits(VSCODE_CAPABILITIES)
    assert not previews_edits(lsp.ClientCapabilities())  # e.g. a client without change-annotation support
