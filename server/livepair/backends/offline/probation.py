"""Kinds of claim that speak as a possible cause, not as a diagnosis, until they prove themselves on fresh failures.

The record that decides: every blind batch's development cases, each judged by the advisor as it stood before that
batch was read (`python -m tests.corpora.first_seen --claims`; docs/advisor-first-scores.md). A detector right on
fewer than three in four of the unseen cases it spoke on keeps its words, but as something to check: what it says,
where, and what it could not tell. Its fix is not offered as is: it becomes a trial, proposed only once the program,
re-run with it in the sandbox, gets past its error (advisor.py, recheck.py). The record is beside each use.

A patch does not lift probation: a narrower check written after a detector's wrong cases is a function of its own,
outside the wrapper, and the detector stays on probation until later batches' records say otherwise. Only
development cases count; the frozen test set never chose a rule here.
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


def possible(found: Finding, unknown: str) -> Finding:
    """`found` as an honest hint: its words as a cause to check, on its line, with what could not be told; its fix
    kept only as a trial, for a re-run to prove."""
    if HONEST in found.message:
        return found
    where = f" (line {found.place.line})" if found.place else ""
    message = f"{POSSIBLE} {found.message.rstrip().rstrip('.')}{where}. {HONEST} for sure: {unknown}. {DEEPER}"
    cause = found.headline  # the inline hint says it is a guess too, or falls back to the message's start
    brief = headline(f"{POSSIBLE} {cause}", f"Possibly: {cause}") if cause else ""
    return replace(found, message=message, fix=None, tentative=True, trial=found.fix, headline=brief)


def on_probation(unknown: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A detector whose diagnoses become `possible` causes; `unknown` says what it cannot check."""

    def wrap(detect: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(detect)
        def detector(*args: P.args, **kwargs: P.kwargs) -> R:
            found = detect(*args, **kwargs)
            return found if found is None else cast(R, possible(found, unknown))

        return detector

    return wrap
