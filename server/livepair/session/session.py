"""A pairing session: ties one backend to the editor context, the tools and the advice store.

It owns five kinds of background work: the backend's event loop, a debounced context pump, the attention loop
(failures it looks at by itself), the fallback of an explanation that got no annotation, and one task per tool call
(tool_calls.py). What a model turn says is gathered in model_turn.py. The editor is reached only through
`EditorPort`; the parts (backend, voice, screen) are built by `session/factory.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from livepair.advice.store import AdviceStore, diagnostic_key
from livepair.aio import TaskOwner
from livepair.backends.backend import (
    AudioOut,
    Backend,
    BackendClosed,
    BackendEvent,
    ExplainRequest,
    Interrupted,
    Reconnects,
    Sources,
    Status,
    Text,
    ToolCall,
    ToolCallCancelled,
    Transcript,
    TurnComplete,
    TurnStarted,
    Usage,
    WatchesDocuments,
)
from livepair.config import Settings
from livepair.context.digest import DigestBuilder, DigestLimits, format_diagnostic
from livepair.context.events import ContextEvent, DiagnosticsChanged, DocumentChanged, TerminalRunFinished
from livepair.context.gate import WorkspaceGate
from livepair.context.pacing import Pacer
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.model import Diagnostic, SessionState, StatusSnapshot
from livepair.session.allowlist import AllowList
from livepair.session.attention import Attention
from livepair.session.audit import AuditLog
from livepair.session.editor_port import EditorPort
from livepair.session.hands import Hands
from livepair.session.meter import Meter
from livepair.session.model_turn import ModelTurn
from livepair.session.prompt import explain_request
from livepair.session.tool_calls import ToolCalls
from livepair.session.tools.catalogue import REGISTRY
from livepair.session.tools.toolbox import Tools
from livepair.session.tutor_mode import TutorMode

if TYPE_CHECKING:
    from livepair.media.screen import ScreenStreamer
    from livepair.session.voice import VoiceController

log = logging.getLogger(__name__)
# While the user keeps typing, the model still hears of it this often (the screen counts on it: media/sampler.py).
CONTEXT_MAX_WAIT_S = 1.0
ATTENTION_CHECK_S = 0.25  # while a failure waits for the user to stop typing or speaking
StatusPublisher = Callable[[], None]
VoiceFactory = Callable[[StatusPublisher], "VoiceController"]
ScreenFactory = Callable[[StatusPublisher], "ScreenStreamer"]


class PairSession:
    def __init__(
        self,
        backend: Backend,
        context: ContextStore,
        advice: AdviceStore,
        redactor: Redactor,
        settings: Settings,
        editor: EditorPort,
        voice: VoiceFactory | None = None,
        screen: ScreenFactory | None = None,
    ) -> None:
        self.backend = backend
        self._ctx = context
        self._advice = advice
        self._redactor = redactor
        self._settings = settings
        self._editor = editor
        self.audit = AuditLog(redactor)
        hands = Hands(
            context, redactor, editor.approve, editor, AllowList(), self.audit, env_allow=settings.command_env_allow
        )
        self.gate = WorkspaceGate(context, settings.screen_exclude, settings.screen_gitignore)
        self.tools = Tools(
            context,
            advice,
            redactor,
            on_advice=lambda a: editor.advice_changed(a.uri, a),
            approve=editor.approve,
            hands_=hands,
            gate=self.gate,
            editor=editor,
        )
        limits = DigestLimits(settings.excerpt_lines, settings.terminal_tail_lines, settings.max_diagnostics)
        self.digest = DigestBuilder(context, redactor, limits, gate=self.gate)
        self.state: SessionState = "idle"
        self.message = ""
        self.meter = Meter(settings)
        self._linked = False
        self._dirty = asyncio.Event()
        self._pacer = Pacer(settings.digest_debounce_ms / 1000, CONTEXT_MAX_WAIT_S)
        self._tasks = TaskOwner("session")
        self._tool_calls = ToolCalls(self._tasks, self.tools, backend, advice, editor)
        self._turn = ModelTurn()
        self._explaining: deque[str] = deque()  # diagnostic keys whose explain turns are in flight
        self.voice = voice(self._publish_status) if voice is not None else None
        self.screen = screen(self._publish_status) if screen is not None else None
        self.attention = Attention(context, redactor, self._user_busy) if settings.look_at_failures else None
        self._attend = asyncio.Event()
        self.teaching = TutorMode(backend, context, editor, self.tools, self.ask, self._publish_status)
        self.teaching.set(settings.mode, settings.learner_level, announce=False)
        self._unsubscribe = context.on_change(self._context_changed)

    # -- lifecycle --------------------------------------------------------------------------------
    async def start(self) -> None:
        self._set_state("connecting", "Connecting…")
        await self.backend.start()
        self._tasks.spawn("events", self._event_loop())
        self._tasks.spawn("context", self._context_pump())
        if self.attention is not None:
            self.attention.seen_now()  # errors already on screen are not news; a failed last run is
            if (run := self._ctx.last_run()) is not None:
                self.attention.run_finished(run)
            self._tasks.spawn("attention", self._attention_loop())
            self._attend.set()
        self._notice_documents()  # what is wrong before anything runs
        if self.voice is not None:
            await self.voice.start()
        if self.screen is not None:
            await self.screen.start()

    async def stop(self) -> None:
        self._unsubscribe()
        for key in list(self._explaining):
            self._advice.abandon(key)
        if self.voice is not None:
            await self.voice.stop()
        if self.screen is not None:
            await self.screen.stop()
        await self.backend.close()
        await self._tasks.cancel_all()  # the tool tasks are among them (their processes are killed)
        self.audit.close()
        self.teaching.close()
        self._set_state("idle", "Session stopped.")

    def retry_now(self) -> bool:
        """Reconnect now instead of at the next scheduled attempt; False when the backend has no link."""
        if not isinstance(self.backend, Reconnects):
            return False
        self.backend.retry_now()
        return True

    @property
    def active(self) -> bool:
        return self.state not in ("idle", "error")

    # -- requests from the user -------------------------------------------------------------------
    def ask(self, question: str) -> None:
        self._editor.transcript("user", question, True)
        self._flush_context()
        if self.voice is not None:
            self.voice.user_interrupts()  # the question cuts the senior dev off (the service does too)
            self.voice.prompted()
        self.backend.send_text(self._redactor.redact(question))
        self._set_state("thinking")

    def explain(self, uri: str, diagnostic: Diagnostic) -> str:
        """Ask the model to explain a diagnostic; returns its key (the advice store resolves waiting hovers).

        The user is reading: the answer is shown, not played, and it waits for the senior dev to finish."""
        key = diagnostic_key(uri, diagnostic)
        line = diagnostic.range.start.line
        text = self._ctx.text(uri) or ""
        lines = text.splitlines()
        line_text = lines[line] if line < len(lines) else ""
        name = self._ctx.relative(uri)
        prompt = explain_request(f"{name}:{line + 1}", format_diagnostic(name, diagnostic), line_text)
        self._flush_context()
        self.backend.explain(
            ExplainRequest(uri, line, diagnostic.message, diagnostic.source, line_text, self._redactor.redact(prompt))
        )
        self._advice.expect(key, uri, line)
        self._explaining.append(key)
        self._set_state("thinking")
        return key

    # -- background work --------------------------------------------------------------------------
    def _context_changed(self, event: ContextEvent) -> None:
        self._pacer.poke(time.monotonic())
        self._dirty.set()
        if isinstance(event, TerminalRunFinished):
            self.teaching.run_finished(event.run)  # the learner's own fix, praised at once
        match event:
            case DocumentChanged():  # opened, edited, saved or closed: the user is at work
                self._notice_documents()
                if self.voice is not None:
                    self.voice.typed()  # balanced proactivity: never speak up while the user types
                if self.attention is not None:
                    self.attention.typed()
            case TerminalRunFinished(run=run) if self.attention is not None:
                self.attention.run_finished(run)
            case DiagnosticsChanged(uri=uri, diagnostics=diagnostics) if self.attention is not None:
                self.attention.diagnostics_changed(uri, diagnostics)
            case _:
                pass
        if self.attention is not None:
            self._attend.set()

    def _user_busy(self) -> bool:
        return self.voice is not None and (self.voice.user_speaking or self.voice.ptt_down)

    async def _attention_loop(self) -> None:
        """Hand each failure to the backend as soon as the user is not typing or speaking."""
        assert self.attention is not None
        while True:
            await self._attend.wait()
            self._attend.clear()
            while self.attention.pending:
                failure = self.attention.due()
                if failure is None:
                    await asyncio.sleep(ATTENTION_CHECK_S)
                    continue
                self._flush_context()  # the model sees the code as it is now, before the failure
                self.backend.notice_failure(failure)

    def _notice_documents(self) -> None:
        if isinstance(self.backend, WatchesDocuments):
            self.backend.notice_documents()

    async def _context_pump(self) -> None:
        while True:
            await self._dirty.wait()
            # A burst of keystrokes becomes one update, and a long one an update every CONTEXT_MAX_WAIT_S.
            while (due := self._pacer.due_at()) is not None and due > time.monotonic():
                self._dirty.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._dirty.wait(), due - time.monotonic())
            self._dirty.clear()
            self._pacer.sent()
            self._flush_context()

    def _flush_context(self) -> None:
        if not self._linked:
            return
        text = self.digest.update()
        if text:
            self.backend.send_context(text)

    async def _event_loop(self) -> None:
        while True:
            try:
                event = await self.backend.next_event()
            except BackendClosed:
                return
            try:
                self._on_event(event)
            except Exception:  # one bad event must not end the session
                log.exception("failed to handle %s", type(event).__name__)

    def _on_event(self, event: BackendEvent) -> None:
        match event:
            case Status():
                self._on_status(event)
            case Text(text=text):
                self._turn.said(text)
                self._editor.transcript("model", text, False)
                self._set_state("speaking")
            case Transcript(role=role, text=text, final=final):
                if role == "model":
                    self._turn.said(text)
                    self._set_state("speaking")
                self._editor.transcript(role, text, final)
            case AudioOut(pcm=pcm, rate=rate):
                if self.voice is None or self.voice.play(pcm, rate):
                    self._set_state("speaking")
            case ToolCall():
                if REGISTRY.places_advice(event.name):
                    self._turn.placed_advice()
                self.teaching.tool_called(event.name, event.args)
                self._tool_calls.start(event)
            case ToolCallCancelled(ids=ids):
                self._tool_calls.cancel(ids)
            case TurnStarted(purpose=purpose):
                if self.voice is not None:
                    self.voice.turn_started(purpose)
            case Interrupted(cut_off=cut_off):
                if self.voice is not None:
                    self.voice.interrupted()  # silence first: interruption beats everything
                self._end_turn(interrupted=True, cut_off=cut_off)
            case TurnComplete():
                if self.voice is not None:
                    self.voice.turn_complete()
                self._end_turn(interrupted=False)
            case Usage():
                self.meter.add(event)
                self._publish_status()
            case Sources(links=links, queries=queries):
                self._turn.grounded(links, queries)

    def _on_status(self, event: Status) -> None:
        self._linked = event.state == "connected"
        if event.state == "connected":
            if not event.resumed:
                self.digest.reset()  # a fresh model session knows nothing yet
                if self.screen is not None and self.state == "reconnecting":
                    self.screen.refresh()  # the new model session has not seen the screen
            self._dirty.set()
            self._set_state("listening", event.message)
        elif event.state in ("connecting", "reconnecting"):
            self._set_state(event.state, event.message)
        elif event.state == "error":
            self._set_state("error", event.message)
            for key in list(self._explaining):
                self._advice.abandon(key)
            self._explaining.clear()

    def _end_turn(self, interrupted: bool, cut_off: bool = False) -> None:
        turn = self._turn.end(cut_off, self._redactor.redact)
        text = turn.text
        if text:
            self._editor.transcript("model", text, True)
            if not turn.placed and not interrupted:
                self._editor.unplaced(text)
            if turn.links and self._editor.capabilities.sources:
                self._editor.sources(turn.links, turn.queries)  # next to the answer they ground
        if self._explaining and not interrupted:
            key = self._explaining.popleft()
            if text:
                self._tasks.spawn("explain-fallback", self._explain_fallback(key, text))
        if self.state in ("speaking", "thinking"):
            self._set_state("listening")

    async def _explain_fallback(self, key: str, text: str) -> None:
        """An explain turn ended in prose: once its tool calls ran, attach the prose if no annotation answered."""
        await self._tool_calls.settled()
        item = self._advice.explain_from_reply(key, text)
        if item is not None:
            self._editor.advice_changed(item.uri, item)

    # -- status -----------------------------------------------------------------------------------
    def _set_state(self, state: SessionState, message: str | None = None) -> None:
        if state == self.state and message is None:
            return
        self.state = state
        if message is not None:
            self.message = message
        self._publish_status()

    def _publish_status(self) -> None:
        self._editor.status(
            StatusSnapshot(
                state=self.state,
                backend=self.backend.name,
                message=self.message,
                usage=self.meter.totals(),
                screen=self.screen.state if self.screen is not None else "off",
                voice=self.voice.status() if self.voice is not None else None,
                mode=self.teaching.mode,
            )
        )
