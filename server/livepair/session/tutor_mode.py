"""Tutor mode in a running session: switching it on and off, the learner's requests routed to whichever backend
teaches, the learner's own fix noticed, and fixes shown counted (tutor.py keeps the problems and the log)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from livepair.backends.backend import Backend, Failure
from livepair.backends.tutoring import LearnerAsk, Teaches
from livepair.context.store import ContextStore, OutsideWorkspace
from livepair.model import TerminalRun
from livepair.session.editor_port import EditorPort
from livepair.session.learning_log import LearningLog
from livepair.session.prompt import learner_request, mode_switch
from livepair.session.tools.toolbox import Tools
from livepair.session.tutor import Tutor

OFF = "Tutor mode is off: switch with 'LivePair: Set Mode (pair or tutor)' (livepair.setMode)."
FIXING_TOOLS = frozenset({"propose_fix", "apply_edit"})


@runtime_checkable
class _AnswersInWords(Protocol):
    """A model backend that knows whether its replies are text or speech (Gemini: the response modality)."""

    @property
    def speaks_text(self) -> bool: ...


def praise_request(praise: str) -> str:
    """The model says the praise in its own voice (the text is already on screen); no tool, nothing more."""
    return (
        "The learner fixed the problem on their own and their program runs now. Say this to them aloud, warmly, "
        f"in at most two short sentences, without calling any tool: {praise}"
    )


class TutorMode:
    def __init__(
        self,
        backend: Backend,
        context: ContextStore,
        editor: EditorPort,
        tools: Tools,
        ask: Callable[[str], None],  # the user's words to the model (session.ask)
        changed: Callable[[], None],  # the status shows the mode
    ) -> None:
        self._backend = backend
        self._ctx = context
        self._editor = editor
        self._tools = tools
        self._ask = ask
        self._changed = changed
        self.tutor: Tutor | None = None

    @property
    def mode(self) -> str:
        return "tutor" if self.tutor is not None else "pair"

    def set(self, mode: str, level: str, announce: bool = True) -> None:
        if mode == "tutor" and self.tutor is not None:
            self.tutor.level = level
        elif mode == "tutor":
            self.tutor = Tutor(level, self._last_failed_run, LearningLog())
        elif self.tutor is not None:
            self.tutor.log.close()
            self.tutor = None
        self._tools.tutor = self.tutor
        if isinstance(self._backend, Teaches):
            self._backend.set_tutor(level if self.tutor is not None else None)
        elif announce:
            self._ask(mode_switch(mode, level))
        if announce:
            self._changed()

    def ask(self, action: LearnerAsk, uri: str | None, line: int | None) -> None:
        """The learner asked for a hint or the fix, on a line (0-based) or for the latest problem."""
        if self.tutor is None:
            self._editor.unplaced(OFF)
            return
        if isinstance(self._backend, Teaches):
            path = self._ctx.relative(uri) if uri is not None else None
            self._backend.learner_asks(action, path, line + 1 if line is not None and path else None)
        else:
            known = uri is not None and line is not None
            where = f"{self._ctx.relative(uri)}:{(line or 0) + 1}" if uri is not None and known else "the last failure"
            self._ask(learner_request(action, where))

    def run_finished(self, run: TerminalRun) -> None:
        """Within the event that reports the passing run: praise it at once (well inside a second)."""
        text = self.tutor.run_finished(run) if self.tutor is not None else None
        if not text:
            return
        if isinstance(self._backend, Teaches):
            self._backend.tell(text)  # a turn of its own, spoken unless the dial says quiet
            return
        self._editor.transcript("model", text, True)  # on screen at once, well inside a second
        self._editor.unplaced(text)
        if isinstance(self._backend, _AnswersInWords) and not self._backend.speaks_text:
            # A voice session: the model says it too, when it may take a turn; whether it is heard is the
            # proactivity dial's call, as for any remark the user did not ask for.
            self._backend.notice_failure(Failure(f"praise:{run.command}", praise_request(text), run))

    def tool_called(self, name: str, args: dict[str, Any]) -> None:
        if self.tutor is not None and name == "record_concept" and self._editor.capabilities.sources:
            self._show_source(args.get("name"), args.get("source"))
        if self.tutor is not None and name == "annotate":  # in tutor mode hints are give_hint: this is the answer
            line = args.get("line")
            if isinstance(path := args.get("path"), str) and isinstance(line, int) and line >= 1:
                self._fixed(path, line - 1)
        if self.tutor is None or name not in FIXING_TOOLS:
            return
        paths = [args.get("path")] + [e.get("path") for e in args.get("edits") or [] if isinstance(e, dict)]
        for path in paths:
            if isinstance(path, str):
                self._fixed(path, None)

    def _show_source(self, title: object, source: object) -> None:
        """The why's documentation page, in the panel next to the question (livepair/sources)."""
        if isinstance(source, str) and source.startswith("https://") and isinstance(title, str):
            self._editor.sources(((title[:120], source),), ())

    def _fixed(self, path: str, line: int | None) -> None:
        if self.tutor is None:
            return
        try:
            self.tutor.fix_shown(self._ctx.resolve(path).as_uri(), line)
        except OutsideWorkspace:
            return

    def close(self) -> None:
        if self.tutor is not None:
            self.tutor.log.close()

    def _last_failed_run(self) -> TerminalRun | None:
        run = self._ctx.last_run()
        return run if run is not None and run.failed else None
