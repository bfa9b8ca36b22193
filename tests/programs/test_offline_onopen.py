"""On-open checks: the seed's two errors are hinted, with checked fixes, before anything runs; each once."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from livepair import scenario
from livepair.advice.verify import patch_lines
from livepair.backends.backend import BackendClosed, ToolCall
from livepair.backends.offline.advisor import OfflineBackend
from livepair.backends.offline.onopen import check_document
from livepair.context.store import ContextStore


async def _calls(backend: OfflineBackend, count: int) -> list[ToolCall]:
    calls: list[ToolCall] = []
    while len(calls) < count:
        event = await asyncio.wait_for(backend.next_event(), 5)
        if isinstance(event, ToolCall):
            calls.append(event)
    return calls


async def test_seed_errors_are_hinted_on_open_with_fixes(tmp_path: Path) -> None:
    f_py = scenario.write_workspace(tmp_path)
    store = ContextStore(lambda uri: None)
    store.root = tmp_path
    backend = OfflineBackend(store)
    await backend.start()
    backend.notice_documents()
    calls = await _calls(backend, 4)  # per finding: annotate, then propose_fix
    notes = {c.args["line"]: c.args["message"] for c in calls if c.name == "annotate"}
    assert set(notes) == {scenario.API_KEY_LINE, scenario.MISSING_FILE_LINE}
    assert "YOUR_API_KEY" in notes[scenario.API_KEY_LINE] and 'os.environ["API_KEY"]' in notes[scenario.API_KEY_LINE]
    assert "src/data/config.json" in notes[scenario.MISSING_FILE_LINE]
    fixes: list[dict[str, Any]] = [c.args for c in calls if c.name == "propose_fix"]
    path_fix = next(f for f in fixes if "Path(__file__)" in f["new_text"])
    fixed = patch_lines(
        f_py.read_text(), path_fix["range"]["start_line"], path_fix["range"]["end_line"], path_fix["new_text"]
    )
    (tmp_path / "elsewhere").mkdir()
    f_py.write_text(fixed)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, str(f_py), cwd=tmp_path / "elsewhere", stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(proc.communicate(), 30)
    assert (
        proc.returncode != 0 and "FileNotFoundError" not in stderr.decode()
    )  # past its first error, from any folder (then the network)
    f_py.write_text(scenario.F_PY)
    backend.check_documents()  # the same findings again: nothing is said twice
    await backend.close()
    rest: list[object] = []
    while True:
        try:
            rest.append(await asyncio.wait_for(backend.next_event(), 1))
        except (BackendClosed, TimeoutError):
            break
    assert rest and not [e for e in rest if isinstance(e, ToolCall)]


def test_key_fix_uses_the_variable_the_sdk_reads(tmp_path: Path) -> None:
    text = 'from google import genai\n\nclient = genai.Client(api_key="AIzaSyD-made-up-key-000000000000000000")\n'
    (found,) = check_document(tmp_path / "chat.py", text, tmp_path)
    assert found.place is not None and found.place.line == 3 and "GEMINI_API_KEY" in found.message
    assert found.fix is not None and 'api_key=os.environ["GEMINI_API_KEY"]' in found.fix.new_text
    assert found.fix.new_text.startswith("import os\n")


def test_ordinary_code_raises_nothing(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    text = 'import os\n\nKEY = os.environ["API_KEY"]\ntoken_count = 3\nprint(open("notes.txt").read())\n'
    assert check_document(tmp_path / "ok.py", text, tmp_path) == []
