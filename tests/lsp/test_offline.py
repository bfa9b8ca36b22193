"""With no API key the offline advisor answers through the same editor path: hints, hover, quick fix."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from livepair import scenario
from tests.lsp.harness import EditorClient

LINE = scenario.MISSING_FILE_LINE - 1


@pytest.fixture
def settings() -> dict[str, object]:
    return {"digestDebounceMs": 20, "hoverWaitMs": 5000}  # no baseUrl, no key: backend "auto" -> offline


async def test_fpy_without_a_key(editor: EditorClient, workspace: Path) -> None:
    uri = editor.open("f.py")
    editor.send_diagnostics(uri, scenario.diagnostics())
    # The real program's real output.
    proc = await asyncio.create_subprocess_exec(sys.executable, "f.py", cwd=workspace, stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert proc.returncode == 1
    editor.send_terminal(f"{sys.executable} f.py", stderr.decode(), proc.returncode)

    result = await editor.command("livepair.start")
    assert result["backend"] == "offline"
    await editor.wait_state("listening")
    diags = await editor.wait_for(lambda: editor.livepair_diagnostics(uri), what="offline hint")
    assert {d.range.start.line for d in diags} == {LINE}
    assert "'data/config.json' does not exist" in diags[0].message and "src/data/config.json" in diags[0].message

    assert "It exists at 'src/data/config.json'" in diags[0].message
    # The fix follows the hint once the program, re-run with it (in the sandbox where there is one), gets past it.
    await editor.wait_for(lambda: any(a["fix"] for a in editor.advice if a["uri"] == uri), what="the checked fix")
    # The editor's own hover shows the hint's message: ours adds what it lacks, never a second copy of it.
    hover = await editor.hover(uri, LINE)
    assert hover is not None and "It exists at" not in hover, "no second copy of the message"
    assert "**Evidence:**" in hover and 'with open("data/config.json")' in hover, "the line involved"
    assert "FileNotFoundError" in hover, "the failed run's own words are evidence"
    assert "**Fix:**" in hover and "Path(__file__).parent" in hover
    assert "[Tell me more](command:livepair.ask?" in hover
    fixes = [a for a in await editor.code_actions(uri, LINE) if a.edit]
    assert fixes and fixes[0].edit is not None and fixes[0].edit.changes is not None
    # Relative to the script, so it works from any folder; the fix brings the import it needs.
    new_text = fixes[0].edit.changes[uri][0].new_text
    assert 'with open(Path(__file__).parent / "src/data/config.json") as fh:\n' in new_text
    assert new_text.startswith("from pathlib import Path\n")

    # Hovering the placeholder-key warning asks the advisor, which points at the key and the variable to use.
    key_line = scenario.API_KEY_LINE - 1
    hover = await editor.hover(uri, key_line)
    assert hover is not None and 'os.environ["API_KEY"]' in hover and "YOUR_API_KEY" in hover

    # A question offline gets an honest answer, as a transcript.
    await editor.command("livepair.ask", "why is this slow?")
    await editor.wait_for(lambda: any("offline advisor" in t["text"] for t in editor.transcripts), what="reply")
