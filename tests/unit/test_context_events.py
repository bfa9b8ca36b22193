"""The context store tells its listeners what changed as typed events carrying the data (context/events.py)."""

from __future__ import annotations

from pathlib import Path

from livepair.context.events import (
    ContextEvent,
    DiagnosticsChanged,
    DocumentChanged,
    EditorStateChanged,
    RootChanged,
    TerminalRunFinished,
)
from livepair.context.store import ContextStore
from livepair.model import Diagnostic, DiagnosticSeverity, EditorState, Position, Range, TerminalRun

URI = "file:///ws/f.py"


def listening() -> tuple[ContextStore, list[ContextEvent]]:
    store = ContextStore(lambda uri: None)
    heard: list[ContextEvent] = []
    store.on_change(heard.append)
    return store, heard


def test_each_change_is_one_event_with_its_data(tmp_path: Path) -> None:
    store, heard = listening()
    error = Diagnostic(Range.lines(2, 2), "boom", DiagnosticSeverity.ERROR, "pyright")
    run = TerminalRun("pytest -q", "1 failed", 1, str(tmp_path))
    state = EditorState(uri=URI, selection=Range(Position(2, 4), Position(2, 4)))
    store.root = tmp_path
    store.set_diagnostics(URI, [error])
    store.add_terminal_run(run)
    store.set_editor_state(state)
    store.set_diagnostics(URI, [])
    assert heard == [
        RootChanged(tmp_path),
        DiagnosticsChanged(URI, (error,)),
        TerminalRunFinished(run),
        EditorStateChanged(state),
        DiagnosticsChanged(URI, ()),  # the document has none any more
    ]
    finished = heard[2]
    assert isinstance(finished, TerminalRunFinished) and finished.run is run  # the run itself, not a re-read


def test_documents_say_how_they_changed_and_only_an_edit_is_the_last_edited() -> None:
    store, heard = listening()
    store.document_changed(URI, "opened")
    assert store.last_edited is None
    store.document_changed(URI, "edited")
    store.document_changed("file:///ws/g.py", "saved")
    store.document_changed("file:///ws/g.py", "closed")
    assert [(e.uri, e.how) for e in heard if isinstance(e, DocumentChanged)] == [
        (URI, "opened"),
        (URI, "edited"),
        ("file:///ws/g.py", "saved"),
        ("file:///ws/g.py", "closed"),
    ]
    assert store.last_edited == URI and len(heard) == 4


def test_an_event_keeps_what_was_reported_when_the_store_moves_on() -> None:
    store, heard = listening()
    first = TerminalRun("make", "error: no rule", 2)
    store.add_terminal_run(first)
    store.add_terminal_run(TerminalRun("make", "ok", 0))
    assert isinstance(heard[0], TerminalRunFinished) and heard[0].run == first  # a listener acting late sees its run
    assert store.last_run() != first


def test_unsubscribed_listeners_hear_nothing_more() -> None:
    store = ContextStore(lambda uri: None)
    heard: list[ContextEvent] = []
    unsubscribe = store.on_change(heard.append)
    store.document_changed(URI, "edited")
    unsubscribe()
    store.document_changed(URI, "edited")
    assert len(heard) == 1
