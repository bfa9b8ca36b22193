"""The offline advisor is handed a read-only view of the editor's context (backend.ContextView), not the store:
a plain snapshot with no way to change anything is enough for it to advise."""

from __future__ import annotations

import ast
import asyncio
import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from livepair.backends.backend import BackendEvent, Failure, Status, Text, ToolCall, TurnComplete
from livepair.backends.offline import advisor as advisor_module
from livepair.backends.offline.advisor import OfflineBackend
from livepair.model import Diagnostic, DiagnosticSeverity, EditorState, Position, Range, TerminalRun


@dataclass(frozen=True)
class Snapshot:
    """The context as the view protocol describes it, and nothing more."""

    root: Path | None
    editor: EditorState = field(default_factory=EditorState)
    last_edited: str | None = None
    diagnostics: Mapping[str, Sequence[Diagnostic]] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    run: TerminalRun | None = None

    def text(self, uri: str) -> str | None:
        return self.texts.get(uri)

    def relative(self, uri: str) -> str:
        assert self.root is not None
        return str(Path(uri.removeprefix("file://")).relative_to(self.root))

    def last_run(self) -> TerminalRun | None:
        return self.run


async def turn(backend: OfflineBackend) -> list[BackendEvent]:
    out: list[BackendEvent] = []
    while not out or not isinstance(out[-1], TurnComplete):
        event = await asyncio.wait_for(backend.next_event(), 10)
        if not isinstance(event, Status):
            out.append(event)
    return out


async def test_explain_at_the_cursor_reads_the_views_editor_and_diagnostics(tmp_path: Path) -> None:
    uri = (tmp_path / "f.py").as_uri()
    unbound = Diagnostic(Range.lines(3, 3), '"result" is possibly unbound', DiagnosticSeverity.WARNING, "Pylance")
    view = Snapshot(
        tmp_path,
        EditorState(uri=uri, selection=Range(Position(3, 2), Position(3, 2))),
        diagnostics={uri: [unbound]},
        texts={uri: "def f(x):\n    if x:\n        result = 1\n    return result\n"},
    )
    backend = OfflineBackend(view)
    await backend.start()
    backend.command("explain this error")
    events = await turn(backend)
    said = " ".join(e.text for e in events if isinstance(e, Text))
    assert "'result' is only assigned on some paths" in said
    (annotate,) = [e for e in events if isinstance(e, ToolCall) and e.name == "annotate"]
    assert (annotate.args["path"], annotate.args["line"]) == ("f.py", 4)  # the cursor's line, 1-based
    await backend.close()


async def test_a_failed_run_is_explained_from_the_view(tmp_path: Path) -> None:
    (tmp_path / "f.py").write_text("print(1 / 0)\n")
    output = (
        'Traceback (most recent call last):\n  File "f.py", line 1, in <module>\n    print(1 / 0)\n'
        "ZeroDivisionError: division by zero\n"
    )
    run = TerminalRun("python f.py", output, 1, str(tmp_path))
    backend = OfflineBackend(Snapshot(tmp_path, run=run))
    await backend.start()
    backend.notice_failure(Failure("run", output, run))
    said = " ".join(e.text for e in await turn(backend) if isinstance(e, Text))
    assert "zero" in said.lower()
    await backend.close()


def test_the_advisor_imports_neither_the_context_store_nor_the_session() -> None:
    tree = ast.parse(inspect.getsource(advisor_module))
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert imported and not [m for m in imported if m.startswith(("livepair.context", "livepair.session"))]
