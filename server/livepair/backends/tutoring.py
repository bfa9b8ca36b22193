"""What a backend that can teach offers the session in tutor mode (the offline advisor keeps a ladder of hints per
problem). Optional, like `WatchesDocuments`: a backend without it (Gemini) is asked in words (session/prompt.py)
and answers with the `give_hint` and `record_concept` tools."""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

LearnerAsk = Literal["hint", "fix"]


@runtime_checkable
class Teaches(Protocol):
    def set_tutor(self, level: str | None) -> None:
        """Teach at this learner level from now on; None: advise as a pair again."""
        ...

    def learner_asks(self, action: LearnerAsk, path: str | None, line: int | None) -> None:
        """The next hint, or the fix, for a problem on a line (1-based; None: the latest problem)."""
        ...

    def tell(self, text: str) -> None:
        """Say something of the session's own (praise for a fix), as a turn; spoken unless the dial says quiet."""
        ...
