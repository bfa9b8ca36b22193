"""Tutor mode on a Node.js program through the daemon over stdio: `node app.js` fails for real on a const assigned
again; the learner gets the concept and a guiding question with its MDN page (not the answer), "Give me a hint"
climbs the ladder, and the recap lists the concept with its page."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from lsprotocol import types as lsp

from tests.lsp.harness import EditorClient
from tests.tooling import tool_missing

pytestmark = pytest.mark.slow  # real Node runs through the daemon: `make test`, not the inner loop

APP_JS = "const clicks = 0;\nfunction click() {\n  clicks += 1;\n}\nclick();\nconsole.log(clicks);\n"
LINE = 0  # 0-based: the declaration, where the answer (declare it with let) belongs
CONCEPT = "const bindings cannot be reassigned"
MDN = "https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Errors/Invalid_const_assignment"


@pytest.fixture
def settings() -> dict[str, object]:
    return {"digestDebounceMs": 20, "mode": "tutor", "learnerLevel": "beginner"}  # no key: the offline advisor


def note_on(editor: EditorClient, uri: str, line: int) -> str:
    return next((d.message for d in editor.livepair_diagnostics(uri) if d.range.start.line == line), "")


async def test_a_node_failure_gets_a_question_with_its_mdn_page_then_hints(
    editor: EditorClient, workspace: Path
) -> None:
    node = shutil.which("node")
    if node is None:
        tool_missing("node is not installed (the Node.js corpus needs it too)")
    assert node is not None
    (workspace / "app.js").write_text(APP_JS)
    uri = editor.open("app.js")
    assert (await editor.command("livepair.start"))["backend"] == "offline"
    await editor.wait_state("listening")
    proc = await asyncio.create_subprocess_exec(
        node, "app.js", cwd=workspace, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 1 and b"Assignment to constant variable" in out
    editor.send_terminal("node app.js", out.decode(), proc.returncode)

    await editor.wait_for(lambda: CONCEPT in note_on(editor, uri, LINE), what="the concept on the declaration")
    first = note_on(editor, uri, LINE)
    assert MDN in first and "?" in first, first
    assert "let clicks" not in first and "(Words: const:" in first, "a question, not the answer; terms defined"
    rng = lsp.Range(lsp.Position(LINE, 0), lsp.Position(LINE, 1))
    actions = await editor.lsp.text_document_code_action_async(
        lsp.CodeActionParams(lsp.TextDocumentIdentifier(uri=uri), rng, lsp.CodeActionContext(diagnostics=[]))
    )
    titles = [a.title for a in actions or []]
    assert "Give me a hint" in titles and "Show me the fix" in titles, titles

    await editor.command("livepair.hint", uri, LINE)
    await editor.wait_for(lambda: note_on(editor, uri, LINE).startswith("Hint 1 of 3"), what="hint 1")
    assert "let" in note_on(editor, uri, LINE) or "const" in note_on(editor, uri, LINE)
    recap = (await editor.command("livepair.whatDidILearn"))["markdown"]
    assert f"[{CONCEPT}]({MDN})" in recap and "hints used 1" in recap
