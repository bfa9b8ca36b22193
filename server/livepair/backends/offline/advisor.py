"""OfflineBackend: a Backend that answers from the error catalogue and the workspace, instantly and locally.

It speaks the same events as the Gemini backend — annotate / propose_fix tool calls, text, turn ends — so the
session, the advice store and the editor treat its advice exactly like the model's. It reads the editor's context
through the read-only `ContextView` it is handed (backend.py), never the store itself.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from livepair.aio import TaskOwner
from livepair.backends.backend import (
    AudioOut,
    BackendClosed,
    BackendEvent,
    Capabilities,
    ContextView,
    ExplainRequest,
    Failure,
    Interrupted,
    Status,
    Text,
    ToolCall,
    Transcript,
    TurnComplete,
)
from livepair.backends.offline import ask, triage
from livepair.backends.offline.catalogue import DIAGNOSTIC_FAMILIES, Catalogue
from livepair.backends.offline.edits import Fix
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.judges import finding
from livepair.backends.offline.listen import MAX_BYTES, CommandRecognizer, action_for
from livepair.backends.offline.onopen import check_document
from livepair.backends.offline.recheck import Rerun, RerunPort, checked_by_rerun, plan
from livepair.backends.offline.scope import Scope, language
from livepair.backends.offline.speech import Speech
from livepair.backends.offline.teaching import OfflineTeacher
from livepair.backends.offline.workspace import Place, workspace_files
from livepair.backends.tutoring import LearnerAsk
from livepair.model import TerminalRun
from livepair.uris import uri_to_path

log = logging.getLogger(__name__)
READY = "Offline advisor: explains errors from the terminal and diagnostics; nothing leaves this machine."
DOCUMENT_CHECK_DELAY_S = 0.3  # a burst of edits is looked at once, when it pauses
MAX_FILES_ON_START = 200  # the workspace's Python files looked at when the session starts
NOTHING_TO_EXPLAIN = "I see no error to explain: no failed run in the terminal and no diagnostic at the cursor."
NOTHING_SAID = "I have not said anything yet."
QUIET = "OK, I'll stay quiet until you ask."


class OfflineBackend:
    name = "offline"
    capabilities = Capabilities(local=True)

    def __init__(
        self,
        context: ContextView,
        catalogue: Catalogue | None = None,
        speech: Speech | None = None,
        listener: CommandRecognizer | None = None,
        quiet: bool = False,
        tutor: str | None = None,  # the learner's level in tutor mode (teaching.py); None: advise as a pair
        rerun: RerunPort | None = None,  # re-runs a fixed program safely (recheck.py); None: fixes checked statically
    ) -> None:
        self._ctx = context
        self._catalogue = catalogue or Catalogue()
        self._speech = speech  # None: text only (no voice wanted)
        self._listener = listener  # None: no voice commands
        self.quiet = quiet  # no unprompted speech (proactivity quiet, or the user said "be quiet")
        self._turns: asyncio.Queue[tuple[str, bool]] = asyncio.Queue()  # (text, speak), spoken in order
        self._utterance = bytearray()
        self._tasks = TaskOwner("offline")
        self._speaker: asyncio.Task[None] | None = None
        self._last_advice = ""
        self._run_finding: tuple[TerminalRun, Finding | None] | None = None  # a failed run and what it means
        self._events: asyncio.Queue[BackendEvent] = asyncio.Queue(maxsize=256)
        self._ids = itertools.count(1)
        self._closed = False
        self._document_check: asyncio.TimerHandle | None = None
        self._looked_at_workspace = False
        # (path, line, its text, message) of on-open findings already given: the same finding on a rewritten line
        # is new; an undo brings the old hint back by itself (the advice store restores it)
        self._said: set[tuple[str, int, str, str]] = set()
        self.teacher: OfflineTeacher | None = None
        self.set_tutor(tutor)
        self._scope = Scope()  # another language's failure: said once per session what the advisor covers
        self._rerun = rerun

    # -- Backend interface ------------------------------------------------------------------------
    async def start(self) -> None:
        notes = [x.reason for x in (self._speech, self._listener) if x is not None and x.reason]
        for note in notes:
            log.warning("%s", note)
        self._emit(Status("connected", " ".join([READY, *notes])))
        self._speaker = self._tasks.spawn("turns", self._speak_turns())
        self._tasks.spawn("warm", asyncio.to_thread(triage.warm_lookups))  # the first error need not pay for them

    async def next_event(self) -> BackendEvent:
        if self._closed and self._events.empty():
            raise BackendClosed
        return await self._events.get()

    def send_context(self, text: str) -> None:
        return None  # the digest is for a remote model; the advisor reads the workspace when it advises

    def notice_failure(self, failure: Failure) -> None:
        if failure.run is None:
            return
        found = self.advise_run(failure.run)
        self._run_finding = (failure.run, found)
        if found is None:
            return
        rerun = self._rerun_of(failure.run, found)
        if rerun is None:
            self._say(found, prompted=False, severity="error")  # it crashed: an error, not a risk
            return
        # The hint now; its fix only once the program, re-run with it, gets past its error.
        self._say(replace(found, fix=None), prompted=False, severity="error")
        self._tasks.spawn("recheck", self._offer_if_past(found, rerun))

    def _rerun_of(self, run: TerminalRun, found: Finding) -> Rerun | None:
        root, tried = self._ctx.root, found.fix or found.trial  # a possible cause's fix is a trial (probation.py)
        if self._rerun is None or tried is None or root is None or (self.teacher and found.fix):
            return None  # in tutor mode the fix comes last, when the learner asks for it (a trial's once proven)
        return plan(run.command, run.output, root, Path(run.cwd or root), replace(found, fix=tried), self._read)

    async def _offer_if_past(self, found: Finding, rerun: Rerun) -> None:
        """The fix once its re-run gets past the error; a trial only then (not when no re-run could be had), and
        from then on it is the run's finding's fix, for what is said of it later."""
        tried = found.fix or found.trial
        assert self._rerun is not None and tried is not None and found.place is not None
        fix = await checked_by_rerun(self._rerun, rerun, tried, proven=found.fix is None)
        root = self._ctx.root
        if fix is not None and root is not None and not self._closed and found.place.path.is_relative_to(root):
            if found.fix is None and self._run_finding is not None and self._run_finding[1] is found:
                self._run_finding = (self._run_finding[0], replace(found, fix=fix))
            path = str(found.place.path.relative_to(root))
            if self.teacher is None or not self.teacher.proven(path, found.place.line, fix):
                self._propose(path, fix)  # in tutor mode, a lesson's learner gets it with the answer

    def notice_documents(self) -> None:
        if self._document_check is None:
            loop = asyncio.get_running_loop()
            self._document_check = loop.call_later(DOCUMENT_CHECK_DELAY_S, self.check_documents)

    def check_documents(self) -> None:
        """On-open checks (onopen.py) of the active and last edited documents, and the workspace at first."""
        self._document_check = None
        root = self._ctx.root
        if root is None or self._closed:
            return
        paths = [uri_to_path(u) for u in (self._ctx.editor.uri, self._ctx.last_edited) if u]
        if not self._looked_at_workspace:
            self._looked_at_workspace = True
            paths += list(itertools.islice(workspace_files(root, {".py"}), MAX_FILES_ON_START))
        said = False
        for path in dict.fromkeys(p for p in paths if p is not None):
            text = self._ctx.text(path.as_uri()) or ""
            lines = text.splitlines()
            for found in check_document(path, text, root):
                line = found.place.line if found.place else 0
                key = (str(path), line, lines[line - 1] if 0 < line <= len(lines) else "", found.message)
                if key not in self._said:
                    self._said.add(key)
                    self._say(found, prompted=False, turn=False, severity="info")  # a risk, quietly: nothing ran
                    said = True
        if said:
            self._emit(TurnComplete())  # hints without words: a turn of their own, so the next reply is judged alone

    def send_text(self, text: str) -> None:
        if action_for(text) in ("hint", "fix"):  # typed as a question: the same as said
            self.command(text)
            return
        self._emit(Text(ask.answer(text, self._known())))
        self._emit(TurnComplete())

    def _known(self) -> ask.Known:
        """What an answer to a question may draw on: the last failure and its cause, the findings in view."""
        root = self._ctx.root
        if root is None:
            return ask.Known(Path("/"))
        run, found = self._run_finding or (None, None)
        if run is not self._ctx.last_run():
            run, found = self._ctx.last_run(), None
        path = uri_to_path(self._ctx.editor.uri) if self._ctx.editor.uri else None
        findings = tuple(check_document(path, self._ctx.text(path.as_uri()) or "", root)) if path else ()
        return ask.Known(root, run, found, path, findings)

    def explain(self, request: ExplainRequest) -> None:
        found = self.advise_diagnostic(request)
        if found is None:
            self._turn(
                f"I have no offline explanation for “{request.message}”. "
                "With a Gemini API key the senior dev can explain it."
            )
            return
        self._say(found)

    def send_audio(self, pcm16k: bytes) -> None:
        if self._listener is not None and len(self._utterance) <= MAX_BYTES:  # longer is not a command
            self._utterance += pcm16k

    def send_activity_start(self) -> None:
        self._utterance.clear()

    def send_activity_end(self) -> None:
        self._hear()

    def send_audio_stream_end(self) -> None:
        self._hear()

    def send_video(self, jpeg: bytes) -> None:
        return None  # the advisor does not look at the screen (and the session does not capture for it)

    def send_tool_response(self, call_id: str, name: str, response: dict[str, Any]) -> None:
        if "error" in response:
            log.warning("offline advice %s was refused: %s", name, response["error"])

    async def close(self) -> None:
        if self._document_check is not None:
            self._document_check.cancel()
        await self._tasks.cancel_all()
        self._closed = True
        self._emit(Status("closed", "Offline advisor stopped."))

    # -- analysis ---------------------------------------------------------------------------------
    def _facts(self, cwd: str | None, output: str = "") -> Facts | None:
        root = self._ctx.root
        if root is None:
            return None
        return Facts(root, Path(cwd) if cwd else root, self._read, output)

    def _read(self, path: Path) -> str | None:
        return self._ctx.text(path.as_uri()) if path.exists() else None

    def advise_run(self, run: TerminalRun) -> Finding | None:
        facts = self._facts(run.cwd, run.output)
        if facts is not None and language(run.command, run.output):
            return self._scope.note(run.command, run.output, facts.root, facts.cwd)
        return None if facts is None else triage.advise(run.command, facts, self._catalogue)

    def advise_diagnostic(self, request: ExplainRequest) -> Finding | None:
        facts = self._facts(None)
        match = self._catalogue.match(request.message, DIAGNOSTIC_FAMILIES)
        if facts is None or match is None:
            return None
        path = Path(self._ctx.relative(request.uri))
        place = Place(path if path.is_absolute() else facts.root / path, request.line + 1)
        found = finding(match, place, facts)
        # The explanation belongs on the diagnostic's own line, wherever the enrichment looked.
        fix = found.fix if found.place == place else None
        return Finding(found.message, place, fix, match=found.match, headline=found.headline)

    # -- voice commands (listen.py) ---------------------------------------------------------------
    def _hear(self) -> None:
        pcm, self._utterance = bytes(self._utterance), bytearray()
        if self._listener is not None and pcm:
            self._tasks.spawn("hear", self._decode(self._listener, pcm))

    async def _decode(self, listener: CommandRecognizer, pcm: bytes) -> None:
        phrase = await asyncio.to_thread(listener.recognise, pcm)  # ~20 ms of CPU: never on the loop
        if phrase is None:
            log.info("offline voice: no command in %.1f s of speech", len(pcm) / 32_000)
        else:
            self.command(phrase)

    def command(self, phrase: str) -> None:
        """Act on a recognised command phrase (the user's voice turn)."""
        action = action_for(phrase)
        if action is None:
            return
        self._emit(Transcript("user", phrase, True))
        if action == "explain":
            found = self._last_run_finding() or self._at_cursor()
            if found is None:
                self._turn(NOTHING_TO_EXPLAIN)
            else:
                self._say(found)
        elif action == "repeat":
            self._turn(self._last_advice or NOTHING_SAID)
        elif action in ("hint", "fix"):
            self.learner_asks(action, None, None)
        elif action == "stop":
            while not self._turns.empty():  # what was still to be said is dropped with what is playing
                self._turns.get_nowait()
            self._emit(Interrupted())
        else:
            self.quiet = True
            self._turn(QUIET, speak=False)

    def _last_run_finding(self) -> Finding | None:
        """What the last terminal run's failure means, while it is still the last run."""
        if self._run_finding is None or self._run_finding[0] is not self._ctx.last_run():
            return None
        return self._run_finding[1]

    def _at_cursor(self) -> Finding | None:
        """The advisor's finding for a diagnostic on the cursor's line (errors first)."""
        state = self._ctx.editor
        if state.uri is None or state.selection is None:
            return None
        line = state.selection.start.line
        here = [d for d in self._ctx.diagnostics.get(state.uri, []) if d.range.start.line == line]
        for d in sorted(here, key=lambda d: d.severity or 4):
            found = self.advise_diagnostic(ExplainRequest(state.uri, line, d.message, d.source, "", ""))
            if found is not None:
                return found
        return None

    # -- tutor mode (teaching.py; the session's side is session/tutor.py) ------------------------------
    def set_tutor(self, level: str | None) -> None:
        self.teacher = None if level is None else OfflineTeacher(level, self._call, self._teach_turn)
        if self._listener is not None:
            self._listener.tutor = level is not None  # "give me a hint" is listened for only when it can be given

    def learner_asks(self, action: LearnerAsk, path: str | None, line: int | None) -> None:
        if self.teacher is None:
            self._turn("Hints come in tutor mode: switch with 'LivePair: Set Mode (pair or tutor)'.")
        else:
            self.teacher.ask(action, path, line)

    def tell(self, text: str) -> None:
        self._turn(text, speak=not self.quiet)

    def _teach_turn(self, text: str, prompted: bool) -> None:
        self._turn(text, speak=prompted or not self.quiet)

    def _teach(self, found: Finding, path: str, prompted: bool, turn: bool, severity: str) -> bool:
        run = self._ctx.last_run()
        cwd = run.cwd if run is not None and run.cwd else str(self._ctx.root)
        failed, of_run = self._run_finding or (None, None)
        same = of_run is not None and (of_run.message, of_run.place) == (found.message, found.place)  # fix held back
        output = failed.output if failed is not None and same else ""  # Node lessons read Node's words
        return self.teacher is not None and self.teacher.teach(found, path, cwd, prompted, turn, output, severity)

    # -- output -----------------------------------------------------------------------------------
    def _say(self, found: Finding, prompted: bool = True, turn: bool = True, severity: str = "warning") -> None:
        """Advice on its line (with its fix) and as a turn; advice with no file also goes to the status."""
        if found.place is None:
            self._emit(Status("connected", f"Offline advisor: {found.message}", resumed=True))
        root = self._ctx.root
        if found.place is not None and root is not None:
            path = str(found.place.path.relative_to(root)) if found.place.path.is_relative_to(root) else ""
            if path and self._teach(found, path, prompted, turn, "error" if severity == "error" else "info"):
                return
            if path:
                args = {"path": path, "line": found.place.line, "message": found.message, "severity": severity}
                self._call("annotate", args | ({"headline": found.headline} if found.headline else {}))
                if found.fix is not None:
                    self._propose(path, found.fix)
        if turn:
            self._turn(found.message, speak=prompted or not self.quiet)

    def _propose(self, path: str, fix: Fix) -> None:
        self._call(
            "propose_fix",
            {
                "path": path,
                "range": {"start_line": fix.start_line, "end_line": fix.end_line},
                "new_text": fix.new_text,
                "explanation": fix.explanation,
            },
        )

    def _turn(self, text: str, speak: bool = True) -> None:
        """One reply turn: its text, then (when a voice is wanted) the same words spoken, then its end."""
        if text not in (NOTHING_SAID, QUIET):
            self._last_advice = text
        if self._speaker is not None and not self._speaker.done():
            self._turns.put_nowait((text, speak))
        else:  # not started: text only, at once
            self._emit(Text(text))
            self._emit(TurnComplete())

    async def _speak_turns(self) -> None:
        while True:
            text, speak = await self._turns.get()
            self._emit(Text(text))
            if speak and self._speech is not None and self._speech.available:
                try:
                    pcm = await self._speech.synthesise(text)
                except Exception:
                    log.exception("offline speech failed")
                    pcm = b""
                if pcm:
                    self._emit(AudioOut(pcm, self._speech.rate))
            self._emit(TurnComplete())

    def _call(self, name: str, args: dict[str, Any]) -> None:
        self._emit(ToolCall(f"offline-{next(self._ids)}", name, args))

    def _emit(self, event: BackendEvent) -> None:
        try:
            self._events.put_nowait(event)
        except asyncio.QueueFull:
            log.warning("offline advisor event queue full; dropping %s", type(event).__name__)
