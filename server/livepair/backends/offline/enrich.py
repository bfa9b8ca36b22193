"""The advisor's findings and what judges work from: a catalogue match made specific to this workspace.

Judges (`judges.py`) look at the error's fields, the failing line and the workspace, and may propose a patched
file. Every proposal goes through `advice/verify.py` in `checked`, once: a fix that does not parse or adds an
undefined name is dropped, and the hint says why instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from livepair.advice.store import HEADLINE_CHARS
from livepair.advice.verify import check_fix
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.catalogue import Match
from livepair.backends.offline.edits import Fix, as_fix, line_of


@dataclass(frozen=True)
class Proposal:
    """A whole patched file for the finding's place; `enrich.finding` checks it and makes the Fix."""

    original: str
    patched: str
    explanation: str


@dataclass(frozen=True)
class Finding:
    """What the advisor has to say: the advice, where (if it knows), and a checked fix (if one is safe)."""

    message: str
    place: ws.Place | None = None
    fix: Fix | None = None
    proposal: Proposal | None = field(default=None, compare=False, repr=False)
    match: Match | None = field(default=None, compare=False, repr=False)  # the catalogue entry (tutor lessons)
    concept: str = field(default="", compare=False)  # a lesson's concept without a catalogue entry (on-open checks)
    headline: str = field(default="", compare=False)  # the cause in a few words, written where it is known (inline)
    # a possible cause (probation.py): its fix is a `trial`, offered only once a sandbox re-run gets past the error
    tentative: bool = field(default=False, compare=False)
    earned: bool = field(default=False, compare=False)  # its kind of claim has earned a diagnosis (probation.py)
    trial: Fix | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Facts:
    root: Path
    cwd: Path
    read: Callable[[Path], str | None]
    output: str = ""  # the whole terminal output of the run (empty for a diagnostic)
    # what the detectors worked out once for this run (py_crash.py): it lives as long as one piece of advice
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Case:
    """One error to judge: the match, where it happened, and the file as it is."""

    match: Match
    finding: Finding
    facts: Facts

    @property
    def place(self) -> ws.Place | None:
        return self.finding.place

    @property
    def text(self) -> str | None:
        return self.facts.read(self.place.path) if self.place else None

    @property
    def line(self) -> str | None:
        text = self.text
        return line_of(text, self.place.line) if text is not None and self.place else None

    def field(self, name: str) -> str:
        return self.match.fields.get(name, "")

    def say(
        self, more: str, proposal: Proposal | None = None, place: ws.Place | None = None, headline: str = ""
    ) -> Finding:
        message = f"{self.finding.message} {more}".strip()
        return Finding(message, place or self.place, None, proposal, headline=headline)

    def propose(self, more: str, patched: str | None, explanation: str, headline: str = "") -> Finding:
        """Say `more`, with the patched file as the fix (if the edit applied)."""
        text = self.text
        if patched is None or text is None:
            return self.say(more, headline=headline)
        return self.say(more, Proposal(text, patched, explanation), headline=headline)


def headline(*candidates: str) -> str:
    """The first candidate that fits the inline hint whole (HEADLINE_CHARS); "" (the message's first clause is
    cut instead) when none does: a headline is never cut mid-cause."""
    return next((c for c in candidates if c and len(c) <= HEADLINE_CHARS), "")


Judge = Callable[[Case], Finding]


# Files no static check here can judge (verify.py reads Python): their fixes are trials, as a possible cause's are
UNCHECKED = {".js", ".mjs", ".cjs"}


def checked(found: Finding) -> Finding:
    """Turn a proposal into a fix if the checker accepts it; otherwise keep the hint and say why."""
    p = found.proposal
    if p is None or found.place is None:
        return found
    verdict = check_fix(found.place.path.name, p.original, p.patched)
    fix = as_fix(p.original, p.patched, p.explanation) if verdict.ok else None
    if found.tentative or found.place.path.suffix in UNCHECKED:  # only a re-run can prove it (advisor.py)
        return replace(found, trial=fix, proposal=None)
    if fix is None:
        why = verdict.reason or "it changes nothing"
        return replace(found, message=f"{found.message} (No quick fix: {why}.)", proposal=None)
    return replace(found, fix=fix, proposal=None)
