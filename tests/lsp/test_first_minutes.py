"""The seed's first minutes offline, through the real daemon over stdio: what the user sees on each line.

Checks on open are quiet Info; the failed run's hint is an Error on its line; each line's fix belongs to that
line's finding; an undo brings the on-open hint back; a hint's "Tell me more" (and `livepair.explain` on a line
with only our hint) gets the finding's longer explanation; an offline question is answered from what is known.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp

from livepair import scenario
from tests.lsp.harness import EditorClient

LINE = scenario.MISSING_FILE_LINE - 1  # 0-based: the open() line
KEY_LINE = scenario.API_KEY_LINE - 1


@pytest.fixture
def settings() -> dict[str, object]:
    return {"digestDebounceMs": 20, "hoverWaitMs": 5000}  # no key: the offline advisor


def on(editor: EditorClient, uri: str, line: int) -> lsp.Diagnostic | None:
    return next((d for d in editor.livepair_diagnostics(uri) if d.range.start.line == line), None)


def headline_of(d: lsp.Diagnostic) -> str:
    """The inline hint the editors show (`data.headline`): at most 60 characters, never cut with an ellipsis."""
    assert isinstance(d.data, dict), d
    text = d.data["headline"]
    assert isinstance(text, str) and len(text) <= 60 and "…" not in text, text
    return text


async def run_fpy(editor: EditorClient, workspace: Path) -> None:
    proc = await asyncio.create_subprocess_exec(sys.executable, "f.py", cwd=workspace, stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    editor.send_terminal(f"{sys.executable} f.py", stderr.decode(), proc.returncode)


async def test_on_open_is_info_the_crash_is_an_error_and_each_fix_stays_on_its_line(
    editor: EditorClient, workspace: Path
) -> None:
    uri = editor.open("f.py")
    editor.send_editor_state(uri, 0)
    await editor.command("livepair.start")
    await editor.wait_state("listening")
    both = await editor.wait_for(
        lambda: (a := on(editor, uri, LINE)) and (b := on(editor, uri, KEY_LINE)) and (a, b), what="the on-open hints"
    )
    assert all(d.severity == lsp.DiagnosticSeverity.Information for d in both), "nothing ran yet: quiet info"
    before = both[0].message
    # Each hint's headline is its cause, whole: where the file is; that the key is a placeholder.
    assert headline_of(both[0]) == "'data/config.json' is at src/data/config.json"
    assert headline_of(both[1]) == 'API_KEY is the placeholder "YOUR_API_KEY", not a key'

    # Each line offers its own finding's fix only: the key fix (which adds an import above) is not on open().
    open_fixes = [a.title for a in await editor.code_actions(uri, LINE) if a.edit]
    key_fixes = [a.title for a in await editor.code_actions(uri, KEY_LINE) if a.edit]
    assert open_fixes and key_fixes
    assert not any("key" in t.lower() or "environ" in t.lower() for t in open_fixes), open_fixes
    assert not any("config.json" in t for t in key_fixes), key_fixes

    # Rewrite the open() line (its hint goes), then undo: the hint is back without another run.
    original = scenario.F_PY.splitlines()[LINE]
    editor.replace_line(uri, LINE, "with open('elsewhere.json') as fh:")
    await editor.wait_for(lambda: on(editor, uri, LINE) is None or None, what="the edited line's hint gone")
    editor.replace_line(uri, LINE, original)
    back = await editor.wait_for(lambda: on(editor, uri, LINE), what="the on-open hint after the undo")
    assert back.message == before and back.severity == lsp.DiagnosticSeverity.Information

    await run_fpy(editor, workspace)
    crash = await editor.wait_for(
        lambda: (d := on(editor, uri, LINE)) and d.severity == lsp.DiagnosticSeverity.Error and d,
        what="the crash as an error",
    )
    assert "src/data/config.json" in crash.message
    # the cause, not the error again; said as possible (the program might be meant to run from another folder)
    assert headline_of(crash) == "Possibly: 'data/config.json' is at src/data/config.json"
    key = on(editor, uri, KEY_LINE)
    assert key is not None and key.severity == lsp.DiagnosticSeverity.Information, "the risk did not crash"
    ids = {d.data["adviceId"] for d in editor.livepair_diagnostics(uri) if isinstance(d.data, dict)}
    assert len(ids) == len(editor.livepair_diagnostics(uri)) == 2, "one finding per line, one id each"

    # The same after the run: the crash's hint comes back with its line.
    editor.replace_line(uri, LINE, "with open('elsewhere.json') as fh:")
    await editor.wait_for(lambda: on(editor, uri, LINE) is None or None, what="the edited line's hint gone")
    editor.replace_line(uri, LINE, original)
    again = await editor.wait_for(lambda: on(editor, uri, LINE), what="the crash's hint after the undo")
    assert again.message == crash.message and again.severity == lsp.DiagnosticSeverity.Error
