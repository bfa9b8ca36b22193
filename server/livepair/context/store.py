"""What the senior dev knows: diagnostics, terminal runs, editor state, and where the workspace is.

Documents themselves live in pygls' workspace; the store reads them through `read_text` so it also sees files
that are closed in the editor (for the model's `read_file`). Every change is told to the listeners as a typed event
(context/events.py); the session uses them to schedule a debounced context digest and to notice failures.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable
from pathlib import Path

from livepair.context.events import (
    ContextEvent,
    DiagnosticsChanged,
    DocumentChange,
    DocumentChanged,
    EditorStateChanged,
    RootChanged,
    TerminalRunFinished,
)
from livepair.model import MAX_TERMINAL_OUTPUT, Diagnostic, EditorState, TerminalRun
from livepair.uris import uri_to_path

MAX_FILE_BYTES = 2 * 1024 * 1024  # read_file refuses bigger files rather than shipping megabytes to the model
TERMINAL_HISTORY = 20
# Documents with diagnostics held at once (each capped at lsp/limits.MAX_DIAGNOSTICS): a workspace-wide linter run
# reports a few hundred files; beyond this the least recently reported are forgotten.
MAX_DIAGNOSED_DOCUMENTS = 2_000
Listener = Callable[[ContextEvent], None]


class OutsideWorkspace(ValueError):
    """A path the model asked for is outside the workspace."""


class ContextStore:
    def __init__(self, read_text: Callable[[str], str | None]) -> None:
        self._read_open = read_text
        self._root: Path | None = None
        self.diagnostics: dict[str, list[Diagnostic]] = {}
        self.terminal: deque[TerminalRun] = deque(maxlen=TERMINAL_HISTORY)
        self.editor = EditorState()
        self.last_edited: str | None = None
        self.revision = 0
        self._listeners: list[Listener] = []

    def on_change(self, listener: Listener) -> Callable[[], None]:
        """Subscribe to changes; returns the unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def _emit(self, event: ContextEvent) -> None:
        self.revision += 1
        for listener in self._listeners:
            listener(event)

    # -- updates from the editor -------------------------------------------------------------------
    @property
    def root(self) -> Path | None:
        return self._root

    @root.setter
    def root(self, root: Path | None) -> None:
        self._root = root
        self._emit(RootChanged(root))

    def set_diagnostics(self, uri: str, diagnostics: list[Diagnostic]) -> None:
        if diagnostics:
            self.diagnostics.pop(uri, None)  # the newest report goes last: the oldest documents go first
            self.diagnostics[uri] = diagnostics
            while len(self.diagnostics) > MAX_DIAGNOSED_DOCUMENTS:
                del self.diagnostics[next(iter(self.diagnostics))]
        else:
            self.diagnostics.pop(uri, None)
        self._emit(DiagnosticsChanged(uri, tuple(diagnostics)))

    def add_terminal_run(self, run: TerminalRun) -> None:
        if (output := whole_lines(run.output)) != run.output:
            run = dataclasses.replace(run, output=output)
        self.terminal.append(run)
        self._emit(TerminalRunFinished(run))

    def document_changed(self, uri: str, how: DocumentChange) -> None:
        """A document was opened, edited, saved or closed in the editor."""
        if how == "edited":
            self.last_edited = uri
        self._emit(DocumentChanged(uri, how))

    def edited(self, uri: str) -> None:
        """The user changed a document in the editor."""
        self.document_changed(uri, "edited")

    def set_editor_state(self, state: EditorState) -> None:
        self.editor = state
        self._emit(EditorStateChanged(state))

    # -- reads ------------------------------------------------------------------------------------
    def text(self, uri: str) -> str | None:
        """The document as the editor has it, else as it is on disk (bounded)."""
        text = self._read_open(uri)
        if text is not None:
            return text
        path = uri_to_path(uri)
        if path is None or not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            return None
        try:
            return path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            return None

    def resolve(self, path: str) -> Path:
        """A model-supplied path (relative to the root, absolute, or a file URI) inside the workspace."""
        if self.root is None:
            raise OutsideWorkspace("no workspace folder is open")
        candidate = uri_to_path(path) if path.startswith("file:") else Path(path)
        if candidate is None:
            raise OutsideWorkspace(f"{path!r} is not a file path")
        full = (candidate if candidate.is_absolute() else self.root / candidate).resolve()
        root = self.root.resolve()
        if full != root and root not in full.parents:
            raise OutsideWorkspace(f"{path!r} is outside the workspace")
        return full

    def relative(self, uri: str) -> str:
        """A short, workspace-relative name for a URI (what the model and the user read)."""
        path = uri_to_path(uri)
        if path is None:
            return uri
        if self.root is not None:
            try:
                return str(path.resolve().relative_to(self.root.resolve()))
            except ValueError:
                pass
        return str(path)

    def last_run(self) -> TerminalRun | None:
        return self.terminal[-1] if self.terminal else None


OMITTED = "[\u2026 earlier output omitted \u2026]\n"  # how the extension marks output it cut at its start


def whole_lines(output: str) -> str:
    """Terminal output that starts with a whole line. Long output keeps its tail: the extension marks where it cut,
    the Neovim plugin and the daemon cut at MAX_TERMINAL_OUTPUT. The cut can fall inside a secret, and a token's
    end without its prefix is no shape a rule knows, so redaction could not find it: the line it began in goes."""
    if output.startswith(OMITTED):
        rest = output[len(OMITTED) :]
    elif len(output) >= MAX_TERMINAL_OUTPUT:
        rest = output
    else:
        return output
    return OMITTED + rest[rest.find("\n") + 1 :] if "\n" in rest else OMITTED


def head_of(text: str, limit: int) -> str:
    """At most `limit` characters of text's start. A cut inside a word drops the word: half a token is no shape a
    rule knows, so redaction (which comes later, on what is kept) could not find it. A word longer than any token
    (over MAX_TOKEN characters: a run of one letter, a key body the key stream finds piecewise) keeps its start."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    if not text[limit].isspace() and not head[-1].isspace():
        start = max(head.rfind(c) for c in " \t\n\r") + 1
        if limit - start <= MAX_TOKEN:
            head = head[:start]
    return head.rstrip()


MAX_TOKEN = 2048  # longer than single-line secret formats (a JWT, a bearer token, an AWS session token)
