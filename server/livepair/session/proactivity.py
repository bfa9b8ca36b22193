"""The interruption dial (`livepair.proactivity`): how eager the senior dev is to speak.

Each mode maps to the Live API's turn-taking options (`config.TURN_TAKING`) and is also enforced here on the client,
because a model told to be quiet still sometimes speaks: the client decides whether an unprompted turn is heard.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from livepair.config import Proactivity

Purpose = Literal["ask", "speech", "explain", "failure"]  # what a model turn answers (backends say)


class RemarkPolicy:
    """Decides whether the model may be heard when nobody asked.

    quiet: never unprompted. balanced: not while the user types or speaks, at most one remark per interval.
    chatty: anything except talking over the user's speech. (Each problem is raised once: session/attention.py.)
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
        self.suppressed = 0  # unprompted turns that were kept silent

    # -- what the user does -------------------------------------------------------------------------
    def typed(self) -> None:
        self._typed_at = self._clock()

    def speaking(self, on: bool) -> None:
        self._speaking = on

    def prompted(self) -> None:
        """The user asked (voice turn, push-to-talk, ask): the next reply is wanted."""
        self._prompts = min(self._prompts + 1, 4)

    # -- what the model does ------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._speaking or self._clock() - self._typed_at < self.typing_quiet_s

    def may_remark(self) -> bool:
        """Whether an unprompted remark is allowed now."""
        if self.mode == "quiet":
            return False
        if self.mode == "chatty":
            return not self._speaking
        return not self.busy and self._clock() - self._last_remark >= self.interval_s

    def admit_turn(self, purpose: Purpose | None = None) -> bool:
        """Called at the first audio of a model turn: play it or keep it silent (its text still shows).

        `purpose` is what the turn answers when the backend says (None: judge by the user's prompts)."""
        if purpose == "explain":
            return False  # the user hovered: they are reading, not listening
        if purpose != "failure" and self._prompts:
            self._prompts -= 1
            return True
        if purpose in ("ask", "speech"):
            return True
        if self.may_remark():
            self._last_remark = self._clock()
            return True
        self.suppressed += 1
        return False

    def turn_ended(self, had_audio: bool, purpose: Purpose | None = None) -> None:
        """A turn that answered a prompt without speaking still used the prompt up."""
        if not had_audio and self._prompts and purpose not in ("explain", "failure"):
            self._prompts -= 1
