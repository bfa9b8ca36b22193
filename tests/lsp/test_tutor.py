"""Tutor mode through the daemon over stdio, as a learner meets it: a failing run of a real program gets a
question (no fix), "Give me a hint" twice climbs the ladder, "Show me the fix" gives the verified quick fix; the
learner's own fix is praised; the recap lists the concept; the log stays on this machine."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from pathlib import Path

import pytest
from lsprotocol import types as lsp

from livepair import scenario
from tests.lsp.harness import EditorClient, start_editor

AVERAGE_PY = 'scores = [3, 4, 5]\ntotal = sum(scores)\nprint("average:", totl / len(scores))\n'
FIXED_LINE = 'print("average:", total / len(scores))'
LINE = 2  # 0-based: the line that uses the misspelled name
DOCS = "https://docs.python.org/3/"


@pytest.fixture
def settings() -> dict[str, object]:
    return {"digestDebounceMs": 20, "mode": "tutor", "learnerLevel": "beginner"}  # no key: the offline advisor


async def run(editor: EditorClient, workspace: Path, name: str) -> int:
    """Run the learner's program for real and tell the daemon what the terminal showed."""
    command = f"{sys.executable} {name}"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, name, cwd=workspace, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode is not None
    editor.send_terminal(command, out.decode(), proc.returncode)
    return proc.returncode


async def action_titles(editor: EditorClient, uri: str) -> list[str]:
    """Every action's title, a command-only action included (the client may read it back as a bare Command)."""
    rng = lsp.Range(lsp.Position(LINE, 0), lsp.Position(LINE, 1))
    result = await editor.lsp.text_document_code_action_async(
        lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri=uri), rng, lsp.CodeActionContext(diagnostics=[]))
    )
    return [a.title for a in result or []]


def tutor_note(editor: EditorClient, uri: str) -> str:
    return next((d.message for d in editor.livepair_diagnostics(uri) if d.range.start.line == LINE), "")


async def start_failing(editor: EditorClient, workspace: Path) -> str:
    (workspace / "average.py").write_text(AVERAGE_PY)
    uri = editor.open("average.py")
    result = await editor.command("livepair.start")
    assert result["backend"] == "offline"
    status = await editor.wait_state("listening")
    assert status.get("mode") == "tutor", "the status says LivePair (tutor)"
    assert await run(editor, workspace, "average.py") == 1
    await editor.wait_for(lambda: "?" in tutor_note(editor, uri), what="the guiding question")
    return uri


async def test_a_failure_gets_a_question_then_hints_then_the_fix(editor: EditorClient, workspace: Path) -> None:
    uri = await start_failing(editor, workspace)
    first = tutor_note(editor, uri)
    assert "Names must be defined before use" in first and DOCS in first, first
    assert "'totl'" in first and "(Words: name:" in first, "beginner wording defines its terms"
    assert "total /" not in first and FIXED_LINE not in first, "the first advice holds no code that fixes it"
    severities = {d.severity for d in editor.livepair_diagnostics(uri) if d.range.start.line == LINE}
    assert severities == {lsp.DiagnosticSeverity.Error}, "the line the program crashed on is an Error, not a hint"
    actions = await editor.code_actions(uri, LINE)
    assert not [a for a in actions if a.edit], "no quick fix until the learner asks for it"
    titles = await action_titles(editor, uri)
    assert "Give me a hint" in titles and "Show me the fix" in titles, titles
    assert any(t["role"] == "model" and "?" in t["text"] for t in editor.transcripts), "asked in the panel too"

    await editor.command("livepair.hint", uri, LINE)
    await editor.wait_for(lambda: tutor_note(editor, uri).startswith("Hint 1 of 3"), what="hint 1")
    await editor.command("livepair.hint", uri, LINE)
    await editor.wait_for(lambda: tutor_note(editor, uri).startswith("Hint 2 of 3"), what="hint 2")
    assert tutor_note(editor, uri) != first and FIXED_LINE not in tutor_note(editor, uri)

    await editor.command("livepair.showFix", uri, LINE)

    await editor.wait_for(
        lambda: any(d.code == "fix" for d in editor.livepair_diagnostics(uri)), what="the fix on the line"
    )
    actions = await editor.code_actions(uri, LINE)
    new_texts = [e.changes[uri][0].new_text for a in actions if (e := a.edit) is not None and e.changes]
    assert new_texts and FIXED_LINE in new_texts[0], new_texts
    assert "Give me a hint" not in await action_titles(editor, uri), "the ladder ends with the fix"

    recap = (await editor.command("livepair.whatDidILearn"))["markdown"]
    assert "Names must be defined before use" in recap and "hints used 2" in recap and "fix shown 1" in recap


async def test_the_learners_own_fix_is_praised_within_a_second(editor: EditorClient, workspace: Path) -> None:
    uri = await start_failing(editor, workspace)
    (workspace / "average.py").write_text(AVERAGE_PY.replace("totl /", "total /"))  # the learner fixes it alone
    editor.replace_line(uri, LINE, FIXED_LINE)
    began = time.monotonic()
    assert await run(editor, workspace, "average.py") == 0
    sent = time.monotonic()
    praise = await editor.wait_for(
        lambda: next((t["text"] for t in editor.transcripts if "fixed it yourself" in t["text"]), None),
        what="praise",
    )
    assert time.monotonic() - sent < 1.0, "acknowledged within a second of the passing run"
    assert "Names must be defined before use" in praise and praise.count("?") <= 1
    assert began <= sent

    recap = (await editor.command("livepair.whatDidILearn"))["markdown"]
    assert "## This session" in recap and "fixed alone 1×" in recap and DOCS in recap

    log = Path(os.environ["LIVEPAIR_STATE_DIR"]) / "learning.jsonl"
    records = [json.loads(line) for line in log.read_text().splitlines()]
    names = [r["event"] for r in records if r["concept"] == "Names must be defined before use"]
    assert names == ["met", "solved"]
    assert [r["alone"] for r in records if r["event"] == "solved"] == [True]
    await editor.command("livepair.clearLearningLog")
    assert "Nothing yet" in (await editor.command("livepair.whatDidILearn"))["markdown"]


async def test_switching_modes_with_the_command(editor: EditorClient, workspace: Path) -> None:
    await editor.command("livepair.start")
    await editor.wait_state("listening")
    assert (await editor.command("livepair.setMode", {"mode": "pair"}))["mode"] == "pair"
    await editor.wait_for(lambda: "mode" not in editor.statuses[-1], what="the status without (tutor)")
    (workspace / "average.py").write_text(AVERAGE_PY)
    uri = editor.open("average.py")
    await run(editor, workspace, "average.py")
    await editor.wait_for(lambda: "'totl'" in tutor_note(editor, uri), what="pair advice")
    assert "?" not in tutor_note(editor, uri), "pair mode answers"
    # pair mode offers the fix unasked, once its re-run (in the sandbox where there is one) gets past the error
    await editor.wait_for(lambda: any(a["fix"] for a in editor.advice if a["uri"] == uri), what="the checked fix")
    assert [a for a in await editor.code_actions(uri, LINE) if a.edit], "pair mode offers the fix unasked"
    assert (await editor.command("livepair.setMode", "tutor"))["mode"] == "tutor"
    await editor.wait_for(lambda: editor.statuses[-1].get("mode") == "tutor", what="the status with (tutor)")


async def test_a_plain_lsp_client_switches_to_tutor_by_configuration(workspace: Path) -> None:
    env = {"LIVEPAIR_STATE_DIR": str(workspace.parent / "plain-state")}
    editor = await start_editor(workspace, env, {"digestDebounceMs": 20}, client_name=None)
    try:
        logs = lambda: [m.message for m in editor.lsp.log_messages]  # noqa: E731
        await editor.wait_for(lambda: any("listening (offline)" in m for m in logs()), what="the auto-started session")
        editor.lsp.workspace_did_change_configuration(
            lsp.DidChangeConfigurationParams(settings={"livepair": {"mode": "tutor", "learnerLevel": "intermediate"}})
        )
        await editor.wait_for(lambda: any("(offline) (tutor)" in m for m in logs()), what="the status in tutor mode")
        (workspace / "average.py").write_text(AVERAGE_PY)
        uri = editor.open("average.py")
        assert await run(editor, workspace, "average.py") == 1
        await editor.wait_for(lambda: "?" in tutor_note(editor, uri), what="the guiding question")
        assert "Words:" not in tutor_note(editor, uri), "intermediate wording"
        assert "Give me a hint" in await action_titles(editor, uri)
        await editor.command("livepair.whatDidILearn")
        shown = await editor.wait_for(
            lambda: [m.message for m in editor.lsp.messages if "What did I learn?" in m.message], what="the recap"
        )
        assert "Names must be defined before use" in shown[0]
    finally:
        await editor.lsp.shutdown_session()


async def test_before_anything_runs_the_tutor_asks_instead_of_fixing(editor: EditorClient, workspace: Path) -> None:
    uri = editor.open("f.py")  # the classic: a relative open() and a placeholder key, looked at on open
    await editor.command("livepair.start")
    open_line, key_line = scenario.MISSING_FILE_LINE - 1, scenario.API_KEY_LINE - 1

    def notes() -> dict[int, str]:
        return {d.range.start.line: d.message for d in editor.livepair_diagnostics(uri)}

    await editor.wait_for(lambda: {open_line, key_line} <= set(notes()), what="the on-open questions")
    assert notes()[open_line].startswith("Relative paths and the working directory. This line opens a file")
    assert (
        notes()[key_line].startswith("API keys belong in the environment.") and "os.environ[" not in notes()[key_line]
    )
    for line in (open_line, key_line):
        actions = await editor.code_actions(uri, line)
        assert not [a for a in actions if a.edit], "no fix before the learner asks"

    proc = await asyncio.create_subprocess_exec(sys.executable, "f.py", cwd=workspace, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(proc.communicate(), 30)
    editor.send_terminal(f"{sys.executable} f.py", err.decode(), proc.returncode)
    await editor.wait_for(
        lambda: "Where does Python look for 'data/config.json'" in notes().get(open_line, ""), what="the run's question"
    )
