"""What changed in the editor's context, each change carrying its data (esbonio's event source does the same).

The context store emits one of these per change; a listener dispatches on the type and reads what it needs from
the event instead of asking the store again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from livepair.model import Diagnostic, EditorState, TerminalRun

DocumentChange = Literal["opened", "edited", "saved", "closed"]


@dataclass(frozen=True)
class RootChanged:
    """The workspace folder was set (at initialize); None: no folder is open."""

    root: Path | None


@dataclass(frozen=True)
class DocumentChanged:
    """A document was opened, edited (typed in), saved or closed in the editor."""

    uri: str
    how: DocumentChange


@dataclass(frozen=True)
class DiagnosticsChanged:
    """The editor's diagnostics for one document now (empty: it has none any more)."""

    uri: str
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class TerminalRunFinished:
    """A command finished in the editor's terminal."""

    run: TerminalRun


@dataclass(frozen=True)
class EditorStateChanged:
    """What the user looks at changed: active file, cursor, visible ranges."""

    state: EditorState


ContextEvent = RootChanged | DocumentChanged | DiagnosticsChanged | TerminalRunFinished | EditorStateChanged
