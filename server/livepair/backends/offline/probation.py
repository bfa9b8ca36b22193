"""A diagnosis is earned: a kind of claim speaks as a cause only once it has proven itself on fresh failures.

The record that decides: every blind batch's development cases, each judged by the advisor as it stood before that
batch was read (`python -m tests.corpora.first_seen --claims`; docs/advisor-first-scores.md). On those, the
advisor's diagnoses were right about half the time, while each rule was right on nearly all of the cases it was
built from: a rule's own cases say little about the next failure. So a kind of claim diagnoses only when it was
right at least twice on unseen cases and on at least nine in ten of those it spoke on (`earned`, its record beside
each use). Every other claim keeps its words, its line and its evidence, as a possible cause: it says what it
could not tell, and its fix becomes a trial, proposed only once the program, re-run with it in the sandbox, gets
past its error (advisor.py, recheck.py). A claim earns its way by later batches' records, never by a patch.
Only development cases count; the frozen test set never chose a rule here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from typing import ParamSpec, TypeVar, cast

from livepair.backends.offline.enrich import Finding, headline
from livepair.backends.offline.honest import DEEPER, HONEST

P = ParamSpec("P")
R = TypeVar("R", Finding, Finding | None)
POSSIBLE = "Possible cause:"
EARN_RIGHT = 2  # right at least this often on unseen cases,
EARN_SHARE = 0.9  # and on at least this share of the unseen cases it spoke on
UNPROVEN = "the code fits it, and that is all I checked"


def possible(found: Finding, unknown: str) -> Finding:
    """`found` as an honest hint: its words as a cause to check, on its line, with what could not be told; its fix
    kept only as a trial, for a re-run to prove."""
    if HONEST in found.message:
        return found
    where = f" (line {found.place.line})" if found.place else ""
    said = found.message.rstrip().rstrip(".")
    end = "" if said.endswith(("?", "!")) and not where else "."
    message = f"{POSSIBLE} {said}{where}{end} {HONEST} for sure: {unknown}. {DEEPER}"
    cause = found.headline  # the inline hint says it is a guess too, or falls back to the message's start
    brief = headline(f"{POSSIBLE} {cause}", f"Possibly: {cause}") if cause else ""
    trial = found.fix or found.trial
    return replace(found, message=message, fix=None, tentative=True, earned=False, trial=trial, headline=brief)


def proven(found: Finding) -> Finding:
    """`found` as a diagnosis its kind of claim has earned (a hint stays a hint)."""
    return found if HONEST in found.message or found.tentative else replace(found, earned=True)


def unless_earned(found: Finding | None) -> Finding | None:
    """The advisor's last word on a run: a diagnosis whose kind has not earned one is said as a possible cause."""
    if found is None or found.earned or HONEST in found.message:
        return found
    return possible(found, UNPROVEN)


def earned(right: int, spoken: int) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A detector whose claims have earned a diagnosis: right on `right` of the `spoken` unseen cases."""
    if right < EARN_RIGHT or right < EARN_SHARE * spoken:
        raise ValueError(f"right on {right} of {spoken} unseen cases has not earned a diagnosis")
    return _each_finding(proven)


def on_probation(unknown: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A detector whose diagnoses become `possible` causes; `unknown` says what it cannot check."""
    return _each_finding(lambda found: possible(found, unknown))


def _each_finding(said: Callable[[Finding], Finding]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A detector decorator: each finding the detector makes goes through `said`."""

    def wrap(detect: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(detect)
        def detector(*args: P.args, **kwargs: P.kwargs) -> R:
            found = detect(*args, **kwargs)
            return found if found is None else cast(R, said(found))

        return detector

    return wrap
