"""The interruption dial (`livepair.proactivity`): how eager the senior dev is to speak.

Each mode maps to the Live API's turn-taking options (`config.TURN_TAKING`) and is also enforced here on the client,
because a model told to be quiet still sometimes speaks: the client decides whether an unprompted turn is heard.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from lsprotocol import types as lsp

from livepair.advice.store import diagnostic_key
from livepair.config import Proactivity
from livepair.context.digest import format_diagnostic
from livepair.context.store import ContextStore

Topic = tuple[str, str]  # (diagnostic key, redacted description)
REMARK_PROMPT = (
    "Nobody asked, but this problem just appeared in the editor: {problem}. If it is worth interrupting for, say "
    "one short sentence about it; if not, say nothing. Do not repeat earlier remarks."
)


class RemarkPolicy:
    """Decides whether the model may be heard when nobody asked.

    quiet: never unprompted. balanced: not while the user types or speaks, at most one remark per interval, never
    twice about the same topic (a diagnostic). chatty: anything except talking over the user's speech.
    """

    def __init__(
        self,
        mode: Proactivity,
        interval_s: float,
        typing_quiet_s: float = 3.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.mode = mode
        self.interval_s = interval_s
        self.typing_quiet_s = typing_quiet_s
        self._clock = clock
        self._typed_at = float("-inf")
        self._last_remark = float("-inf")
        self._speaking = False
        self._prompts = 0  # user requests whose reply turn has not ended
        self._topics: set[str] = set()
        self.suppressed = 0  # unprompted turns that were kept silent

    # -- what the user does -------------------------------------------------------------------------
    def typed(self) -> None:
        self._typed_at = self._clock()

    def speaking(self, on: bool) -> None:
        self._speaking = on

    def prompted(self) -> None:
        """The user asked (voice turn, push-to-talk, ask, explain): the next reply is wanted."""
        self._prompts = min(self._prompts + 1, 4)

    # -- what the model does ------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._speaking or self._clock() - self._typed_at < self.typing_quiet_s

    def may_remark(self, topic: str | None = None) -> bool:
        """Whether an unprompted remark (about `topic`) is allowed now."""
        if self.mode == "quiet":
            return False
        if self.mode == "chatty":
            return not self._speaking
        if self.busy or self._clock() - self._last_remark < self.interval_s:
            return False
        return topic is None or topic not in self._topics

    def is_new(self, topic: str) -> bool:
        return topic not in self._topics

    def remarked(self, topic: str | None = None) -> None:
        self._last_remark = self._clock()
        if topic is not None:
            self._topics.add(topic)

    def admit_turn(self) -> bool:
        """Called at the first audio of a model turn: play it or keep it silent (its text still shows)."""
        if self._prompts:
            self._prompts -= 1
            return True
        if self.may_remark():
            self.remarked()
            return True
        self.suppressed += 1
        return False

    def turn_ended(self, had_audio: bool) -> None:
        """A turn that answered a prompt without speaking still used the prompt up."""
        if not had_audio and self._prompts:
            self._prompts -= 1


def error_topics(context: ContextStore, redact: Callable[[str], str]) -> list[Topic]:
    """Errors the senior dev may speak up about, oldest document first, each described as the model sees it."""
    return [
        (diagnostic_key(uri, d), redact(format_diagnostic(context.relative(uri), d)))
        for uri, diagnostics in list(context.diagnostics.items())
        for d in diagnostics
        if d.severity == lsp.DiagnosticSeverity.Error
    ]
