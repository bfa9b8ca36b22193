"""What a session may do to the editor: one port (`lsp/server.py` implements it; tests and benches bring their own),
and what this editor can do, as flags set from the client's capabilities when it connects.

Callers look at `capabilities` before asking for what not every editor offers (a terminal, an edit preview, a place
for sources); nobody probes the port's type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from livepair.advice.store import Advice
from livepair.model import CommandApproval, ProposedEdit, StatusSnapshot, TerminalRequest, ToolRunReport
from livepair.session.process import ProcessResult

EditOutcome = Literal["applied", "declined"]


@dataclass(frozen=True)
class EditorCapabilities:
    terminal: bool = False  # runs approved commands in a terminal the user sees (else the daemon runs them)
    edit_preview: bool = False  # shows a multi-file edit as a preview the user applies or discards
    sources: bool = False  # shows where a grounded answer came from
    message_requests: bool = False  # asks and tells through standard LSP messages only (a plain LSP client)


class EditorPort(Protocol):
    """What the session may do to the editor."""

    capabilities: EditorCapabilities

    def status(self, snapshot: StatusSnapshot) -> None: ...
    def transcript(self, role: Literal["user", "model"], text: str, final: bool) -> None: ...
    def advice_changed(self, uri: str, added: Advice | None) -> None: ...
    def unplaced(self, text: str) -> None: ...  # a reply that put nothing on a line (an answer, a mistyped command)
    def sources(self, links: tuple[tuple[str, str], ...], queries: tuple[str, ...]) -> None: ...  # if `sources`
    async def approve(self, request: CommandApproval) -> bool: ...
    async def run_in_terminal(self, request: TerminalRequest) -> ProcessResult: ...  # only if `terminal`
    def tool_run(self, report: ToolRunReport) -> None: ...  # a run's outcome, for the panel
    async def apply_edit(self, edit: ProposedEdit) -> EditOutcome: ...  # only if `edit_preview`
    async def show_document(self, uri: str, line: int) -> bool: ...  # False: the editor could not


class NullEditor:
    """An editor that shows nothing and offers nothing, for parts used without one (tests of the tools alone,
    benches): approved commands run in the daemon, approvals are refused."""

    capabilities = EditorCapabilities()

    def status(self, snapshot: StatusSnapshot) -> None:
        return None

    def transcript(self, role: Literal["user", "model"], text: str, final: bool) -> None:
        return None

    def advice_changed(self, uri: str, added: Advice | None) -> None:
        return None

    def unplaced(self, text: str) -> None:
        return None

    def sources(self, links: tuple[tuple[str, str], ...], queries: tuple[str, ...]) -> None:
        return None

    async def approve(self, request: CommandApproval) -> bool:
        return False

    async def run_in_terminal(self, request: TerminalRequest) -> ProcessResult:
        raise RuntimeError("this editor has no terminal")  # callers check `capabilities.terminal` first

    def tool_run(self, report: ToolRunReport) -> None:
        return None

    async def apply_edit(self, edit: ProposedEdit) -> EditOutcome:
        raise RuntimeError("this editor cannot preview edits")  # callers check `capabilities.edit_preview` first

    async def show_document(self, uri: str, line: int) -> bool:
        return False
