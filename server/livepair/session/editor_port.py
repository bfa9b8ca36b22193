"""What a session may do to the editor: the one interface it reaches the editor through (`lsp/server.py` implements
it; tests and the headless demo bring their own)."""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

from livepair.advice.store import Advice
from livepair.model import CommandApproval, StatusSnapshot, TerminalRequest, ToolRunReport
from livepair.session.process import ProcessResult


class EditorPort(Protocol):
    """What the session may do to the editor."""

    def status(self, snapshot: StatusSnapshot) -> None: ...
    def transcript(self, role: Literal["user", "model"], text: str, final: bool) -> None: ...
    def advice_changed(self, uri: str, added: Advice | None) -> None: ...
    def unplaced(self, text: str) -> None: ...  # a reply that put nothing on a line (an answer, a mistyped command)
    async def approve(self, request: CommandApproval) -> bool: ...
    async def run_in_terminal(self, request: TerminalRequest) -> ProcessResult | None: ...  # None: no terminal
    def tool_run(self, report: ToolRunReport) -> None: ...  # a run's outcome, for the panel


@runtime_checkable
class ShowsSources(Protocol):
    """An editor that shows where a grounded answer came from (the extension's panel: links next to the answer)."""

    def sources(self, links: tuple[tuple[str, str], ...], queries: tuple[str, ...]) -> None: ...
