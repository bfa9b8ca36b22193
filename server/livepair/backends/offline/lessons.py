"""The tutor's lessons for the offline advisor: each catalogue entry's concept, its documentation page (shipped in
lessons.toml, never fetched), a guiding question and hints, each more pointed. The last rung, the answer and its
checked fix, is the advisor's own finding, so a lesson never says more than the advice it leads to.
Node failures have no catalogue entry: their lesson is chosen from Node's own words (lessons_node.toml).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from livepair.backends.offline.catalogue import Match

Level = str  # "beginner" | "intermediate" (config.LearnerLevel)


@dataclass(frozen=True)
class Concept:
    id: str
    title: str
    url: str
    summary: str
    question: str
    hints: tuple[str, ...]
    terms: dict[str, str]


@dataclass(frozen=True)
class Lesson:
    """One problem's ladder: the question first, then the hints; the fix follows them."""

    concept: Concept
    question: str  # names the concept, asks, links the page: no code that fixes it
    hints: tuple[str, ...]
    check: str  # one question to check understanding once the learner fixed it alone


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "it"


@cache
def _data() -> dict[str, Any]:
    return tomllib.loads((resources.files("livepair.backends.offline") / "lessons.toml").read_text())


@cache
def _node_data() -> dict[str, Any]:
    return tomllib.loads((resources.files("livepair.backends.offline") / "lessons_node.toml").read_text())


@cache
def concepts() -> dict[str, Concept]:
    raw = _data()["concept"] | _node_data()["concept"]
    return {
        cid: Concept(cid, c["title"], c["url"], c["summary"], c["question"], tuple(c["hints"]), dict(c["terms"]))
        for cid, c in raw.items()
    }


@cache
def _node_rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(r["pattern"]), r["concept"]) for r in _node_data()["node"])


def node_concepts() -> list[str]:
    """The concepts the Node rules lead to, in rule order."""
    return list(dict.fromkeys(cid for _, cid in _node_rules()))


def concept_of(entry_id: str) -> Concept | None:
    cid = _data()["entries"].get(entry_id)
    return concepts().get(cid) if cid else None


def lesson_for(match: Match, cwd: str, level: Level) -> Lesson | None:
    """The ladder for a catalogue match, worded for the learner's level; None for an entry without a concept."""
    concept = concept_of(match.entry.id)
    if concept is None:
        return None
    override = _data().get("override", {}).get(match.entry.id, {})
    return _worded(concept, match.fields | {"cwd": cwd}, level, override)


def node_lesson(output: str, cwd: str, level: Level) -> Lesson | None:
    """The ladder for a Node failure, from Node's words in the run's output; None when no rule knows them."""
    for pattern, cid in _node_rules():
        m = pattern.search(output)
        concept = concepts().get(cid) if m else None
        if m is not None and concept is not None:
            fields = {k: v for k, v in m.groupdict().items() if v is not None}
            return _worded(concept, fields | {"cwd": cwd}, level, {})
    return None


def _worded(concept: Concept, values: dict[str, str], level: Level, override: dict[str, Any]) -> Lesson:
    fields = _Blank(values)
    question = override.get("question", concept.question).format_map(fields)
    hints = tuple(h.format_map(fields) for h in override.get("hints", concept.hints))
    head = f"{concept.title}. {question}"
    if level == "beginner":
        head += define(concept, head + " " + " ".join(hints))
    first = f"{head} Read more: {concept.url}"
    check = "Quick check: in your own words, why did it fail before?"
    return Lesson(concept, first, hints, check)


def lesson_before_running(concept_id: str, level: Level) -> Lesson | None:
    """The ladder for an on-open check (nothing has run yet, so no error to quote): lessons.toml's [before_running]."""
    concept = concepts().get(concept_id)
    words = _data().get("before_running", {}).get(concept_id)
    if concept is None or words is None:
        return None
    head = f"{concept.title}. {words['question']}"
    hints = tuple(words["hints"])
    if level == "beginner":
        head += define(concept, head + " " + " ".join(hints))
    check = "Quick check: in your own words, why did this matter?"
    return Lesson(concept, f"{head} Read more: {concept.url}", hints, check)


def define(concept: Concept, text: str) -> str:
    """Beginner wording: one short definition of each of the concept's terms the text uses."""
    used = [f"{term}: {meaning}" for term, meaning in concept.terms.items() if _uses(text, term)]
    return f" (Words: {'; '.join(used)}.)" if used else ""


def _uses(text: str, term: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(term)}(?:e?s)?(?![\w-])", text, re.IGNORECASE) is not None
