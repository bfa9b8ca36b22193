"""OfflineBackend: a Backend that answers from the error catalogue and the workspace, instantly and locally.

It speaks the same events as the Gemini backend — annotate / propose_fix tool calls, text, turn ends — so the
session, the advice store and the editor treat its advice exactly like the model's.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from livepair.context.store import ContextStore
from livepair.live.backend import (
    BackendClosed,
    BackendEvent,
    ExplainRequest,
    Status,
    Text,
    ToolCall,
    TurnComplete,
)
from livepair.live.offline.catalogue import DIAGNOSTIC_FAMILIES, Catalogue
from livepair.live.offline.enrich import Facts, Finding, finding
from livepair.live.offline.workspace import Place, last_frame_in
from livepair.lsp.protocol import TerminalRun

log = logging.getLogger(__name__)
READY = "Offline advisor: explains errors from the terminal and diagnostics; nothing leaves this machine."
NO_CHAT = (
    "I'm the offline advisor: I explain errors from the terminal and the diagnostics. "
    "For a conversation, set a Gemini API key."
)


class OfflineBackend:
    name = "offline"

    def __init__(self, context: ContextStore, catalogue: Catalogue | None = None) -> None:
        self._ctx = context
        self._catalogue = catalogue or Catalogue()
        self._events: asyncio.Queue[BackendEvent] = asyncio.Queue(maxsize=256)
        self._ids = itertools.count(1)
        self._reviewed: TerminalRun | None = None
        self._closed = False
        self._unsubscribe: Callable[[], None] | None = None

    # -- Backend interface ------------------------------------------------------------------------
    async def start(self) -> None:
        # React to a finished command at once: local advice needs no debounce (the digest pump has one).
        self._unsubscribe = self._ctx.on_change(lambda what: self._review() if what == "terminal" else None)
        self._emit(Status("connected", READY))
        self._review()

    async def next_event(self) -> BackendEvent:
        if self._closed and self._events.empty():
            raise BackendClosed
        return await self._events.get()

    def send_context(self, text: str) -> None:
        return None  # the advisor reads the context store directly (see start)

    def _review(self) -> None:
        run = self._ctx.last_run()
        if run is None or run is self._reviewed:
            return
        self._reviewed = run
        if run.exit_code not in (None, 0) or "Traceback" in run.output:
            found = self.advise_run(run)
            if found is not None:
                self._say(found)

    def send_text(self, text: str) -> None:
        self._emit(Text(NO_CHAT))
        self._emit(TurnComplete())

    def explain(self, request: ExplainRequest) -> None:
        found = self.advise_diagnostic(request)
        if found is None:
            self._emit(
                Text(
                    f"I have no offline explanation for “{request.message}”. "
                    "With a Gemini API key the senior dev can explain it."
                )
            )
            self._emit(TurnComplete())
            return
        self._say(found)

    def send_audio(self, pcm16k: bytes) -> None:
        return None  # offline voice commands arrive with the voice issue

    def send_activity_start(self) -> None:
        return None

    def send_activity_end(self) -> None:
        return None

    def send_audio_stream_end(self) -> None:
        return None

    def send_video(self, jpeg: bytes) -> None:
        return None  # the advisor does not look at the screen (and the session does not capture for it)

    def send_tool_response(self, call_id: str, name: str, response: dict[str, Any]) -> None:
        if "error" in response:
            log.warning("offline advice %s was refused: %s", name, response["error"])

    async def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._closed = True
        self._emit(Status("closed", "Offline advisor stopped."))

    # -- analysis ---------------------------------------------------------------------------------
    def _facts(self, cwd: str | None) -> Facts | None:
        root = self._ctx.root
        if root is None:
            return None
        return Facts(root, Path(cwd) if cwd else root, self._read)

    def _read(self, path: Path) -> str | None:
        return self._ctx.text(path.as_uri()) if path.exists() else None

    def advise_run(self, run: TerminalRun) -> Finding | None:
        facts = self._facts(run.cwd)
        hit = self._catalogue.match_output(run.output)
        if facts is None or hit is None:
            return None
        match, _line = hit
        return finding(match, last_frame_in(run.output, facts.root, facts.cwd), facts)

    def advise_diagnostic(self, request: ExplainRequest) -> Finding | None:
        facts = self._facts(None)
        match = self._catalogue.match(request.message, DIAGNOSTIC_FAMILIES)
        if facts is None or match is None:
            return None
        path = Path(self._ctx.relative(request.uri))
        place = Place(path if path.is_absolute() else facts.root / path, request.line + 1)
        found = finding(match, place, facts)
        # The explanation belongs on the diagnostic's own line, wherever the enrichment looked.
        return Finding(found.message, place, found.fix if found.place == place else None)

    # -- output -----------------------------------------------------------------------------------
    def _say(self, found: Finding) -> None:
        root = self._ctx.root
        if found.place is not None and root is not None:
            path = str(found.place.path.relative_to(root)) if found.place.path.is_relative_to(root) else ""
            if path:
                self._call(
                    "annotate",
                    {"path": path, "line": found.place.line, "message": found.message, "severity": "warning"},
                )
                if found.fix is not None:
                    self._call(
                        "propose_fix",
                        {
                            "path": path,
                            "range": {"start_line": found.fix.line, "end_line": found.fix.line},
                            "new_text": found.fix.new_text,
                            "explanation": found.fix.explanation,
                        },
                    )
        self._emit(Text(found.message))
        self._emit(TurnComplete())

    def _call(self, name: str, args: dict[str, Any]) -> None:
        self._emit(ToolCall(f"offline-{next(self._ids)}", name, args))

    def _emit(self, event: BackendEvent) -> None:
        try:
            self._events.put_nowait(event)
        except asyncio.QueueFull:
            log.warning("offline advisor event queue full; dropping %s", type(event).__name__)
