"""Tutor mode's parts without the daemon: every catalogue entry has a lesson with an official page, the ladder
climbs question -> hints -> fix with no fixing code before the fix, beginner wording defines its terms, the
private log's recap, and the settings and voice phrases that switch and climb it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from livepair.backends.offline.catalogue import Catalogue
from livepair.backends.offline.edits import Fix
from livepair.backends.offline.enrich import Finding
from livepair.backends.offline.lessons import concept_of, concepts, lesson_for, node_concepts, node_lesson
from livepair.backends.offline.listen import GRAMMAR, action_for, complete
from livepair.backends.offline.teaching import NOTHING_TO_HINT, OfflineTeacher
from livepair.backends.offline.workspace import Place
from livepair.config import parse_settings
from livepair.session.learning_log import LearningLog

OFFICIAL = ("https://docs.python.org/3/", "https://nodejs.org/", "https://www.gnu.org/software/bash/manual/")
CATALOGUE = Catalogue()


@pytest.mark.parametrize("entry", CATALOGUE.entries(), ids=lambda e: e.id)
def test_every_family_has_a_concept_a_question_three_hints_and_an_official_page(entry: Any) -> None:
    concept = concept_of(entry.id)
    assert concept is not None, f"{entry.id} has no concept in lessons.toml"
    assert concept.url.startswith(OFFICIAL) and len(concept.summary) > 80
    match = CATALOGUE.match(entry.example, (entry.family,)) if entry.example else None
    if match is None:
        return
    lesson = lesson_for(match, "/home/learner/project", "intermediate")
    assert lesson is not None
    assert lesson.question.startswith(concept.title) and concept.url in lesson.question and "?" in lesson.question
    assert len(lesson.hints) >= 3 and len(set(lesson.hints)) == len(lesson.hints)
    assert not any("{" in h and "}" in h and "${" not in h for h in (lesson.question, *lesson.hints)), "unfilled"


def test_concepts_are_written_here_and_each_is_used() -> None:
    used = {c.id for e in CATALOGUE.entries() if (c := concept_of(e.id)) is not None}
    assert not used & set(node_concepts()), "Node concepts are Node's own"
    assert set(concepts()) == used | set(node_concepts()), "a concept no entry and no Node rule uses"


# One run's words per Node rule, as Node prints them (the corpus runs them for real: tests/corpora/test_tutor_node.py).
NODE_WORDS = {
    "node-module-systems": "SyntaxError: Cannot use import statement outside a module",
    "node-esm-specifiers": "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/w/utils' imported from /w/a.mjs",
    "node-require-resolution": "Error: Cannot find module 'express'\nRequire stack:\n- /w/a.js",
    "js-undefined": "TypeError: Cannot read properties of undefined (reading 'map')",
    "js-json": "SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON",
    "node-ports": "Error: listen EADDRINUSE: address already in use 127.0.0.1:3000",
    "node-connections": "Error: connect ECONNREFUSED 127.0.0.1:9",
    "node-fs-paths": "Error: ENOENT: no such file or directory, open './data/geo.buf'",
    "js-const": "TypeError: Assignment to constant variable.",
    "js-await": "SyntaxError: await is only valid in async functions and the top level bodies of modules",
    "js-not-a-function": "TypeError: calc.multiply is not a function",
    "js-not-defined": "ReferenceError: totl is not defined",
    "js-syntax": "SyntaxError: Unexpected token ')'",
    "js-hashbang": 'node_modules/.bin/jp: 1: Syntax error: "(" unexpected',
    "node-errors": "Error: quota exceeded for job 7\n    at load (/w/job.js:2:9)",
}


@pytest.mark.parametrize("cid", node_concepts())
def test_every_node_concept_has_an_official_page_a_question_and_three_hints(cid: str) -> None:
    concept = concepts()[cid]
    assert concept.url.startswith(("https://nodejs.org/api/", "https://developer.mozilla.org/en-US/docs/Web/"))
    assert len(concept.summary) > 80 and len(concept.hints) >= 3
    lesson = node_lesson(f"/w/a.js:3\n\n{NODE_WORDS[cid]}\n\nNode.js v20.20.2\n", "/home/learner/app", "beginner")
    assert lesson is not None and lesson.concept.id == cid, "each rule leads to its own concept"
    assert lesson.question.startswith(concept.title) and concept.url in lesson.question and "?" in lesson.question
    assert len(set(lesson.hints)) == len(lesson.hints) >= 3
    assert not any("{" in t or "}" in t for t in (lesson.question, *lesson.hints)), "unfilled or literal braces"
    assert "(Words: " in lesson.question, "beginner wording defines a term"


def test_node_fields_fill_the_question_and_unknown_words_get_no_lesson() -> None:
    lesson = node_lesson("TypeError: Cannot read properties of undefined (reading 'map')", "/w", "intermediate")
    assert lesson is not None and "'map'" in lesson.question and "(Words:" not in lesson.question
    fs = node_lesson("Error: ENOENT: no such file or directory, open './file.json'", "/home/me", "intermediate")
    assert fs is not None and "'./file.json'" in fs.question and "/home/me" in fs.question
    assert node_lesson("Segmentation fault (core dumped)", "/w", "beginner") is None


def finding() -> Finding:
    match = CATALOGUE.match("NameError: name 'totl' is not defined. Did you mean: 'total'?")
    assert match is not None
    fix = Fix(3, 3, 'print("average:", total / len(scores))\n', "Use 'total'.")
    return Finding(
        "'totl' is used before anything defines it. Did you mean 'total'?", Place(Path("/w/a.py"), 3), fix, match=match
    )


def teacher(level: str = "beginner") -> tuple[OfflineTeacher, list[tuple[str, dict[str, Any]]], list[str]]:
    calls: list[tuple[str, dict[str, Any]]] = []
    said: list[str] = []
    return OfflineTeacher(level, lambda n, a: calls.append((n, a)), lambda t, _p: said.append(t)), calls, said


def test_the_ladder_climbs_from_a_question_to_the_fix() -> None:
    t, calls, said = teacher()
    assert t.teach(finding(), "a.py", "/w", prompted=False)
    assert [n for n, _ in calls] == ["record_concept", "give_hint"]
    first = calls[1][1]["hint"]
    assert calls[1][1]["level"] == 1 and "total /" not in first and "Names must be defined" in first
    for n in (1, 2, 3):
        t.ask("hint")
        assert calls[-1][0] == "give_hint" and calls[-1][1]["level"] == n + 1
        assert said[-1].startswith(f"Hint {n} of 3: ") and "total /" not in said[-1]
    assert len(set(said)) == 4, "each rung says something new"
    t.ask("hint")  # past the last hint: the fix is the last rung
    assert [n for n, _ in calls[-2:]] == ["annotate", "propose_fix"]
    assert "total / len(scores)" in calls[-1][1]["new_text"] and said[-1].startswith("The answer:")


def test_what_crashed_is_an_error_on_every_rung_and_a_risk_is_not() -> None:
    crashed, calls, _ = teacher()
    crashed.teach(finding(), "a.py", "/w", prompted=False, severity="error")  # the failed run's line
    crashed.ask("hint")
    crashed.ask("fix")
    severities = [(n, a.get("severity")) for n, a in calls if n in ("give_hint", "annotate")]
    assert severities == [("give_hint", "error"), ("give_hint", "error"), ("annotate", "error")]
    risk, calls, _ = teacher()
    risk.teach(finding(), "b.py", "/w", prompted=False, turn=False)  # found on open: nothing ran
    risk.ask("fix", "b.py", 3)
    severities = [(n, a.get("severity")) for n, a in calls if n in ("give_hint", "annotate")]
    assert severities == [("give_hint", "info"), ("annotate", "warning")]


def test_the_fix_at_once_and_a_hint_with_no_problem() -> None:
    t, calls, said = teacher()
    t.ask("hint")
    assert said == [NOTHING_TO_HINT] and calls == []
    t.teach(finding(), "a.py", "/w", prompted=False)
    t.ask("fix", "a.py", 3)
    assert calls[-1][0] == "propose_fix"


def test_a_hint_without_a_line_is_for_the_problem_last_said_not_one_placed_quietly() -> None:
    t, calls, _ = teacher()
    t.teach(finding(), "a.py", "/w", prompted=False)  # the failed run's problem, said
    t.teach(finding(), "b.py", "/w", prompted=False, turn=False)  # a risk found on open, placed without words
    t.ask("hint")
    assert calls[-1][0] == "give_hint" and calls[-1][1]["path"] == "a.py" and calls[-1][1]["level"] == 2
    quiet, calls, _ = teacher()
    quiet.teach(finding(), "b.py", "/w", prompted=False, turn=False)  # the only problem: it is the latest
    quiet.ask("hint")
    assert calls[-1][1]["path"] == "b.py" and calls[-1][1]["level"] == 2


def test_beginner_wording_defines_its_terms_and_intermediate_does_not() -> None:
    match = finding().match
    assert match is not None
    beginner = lesson_for(match, "/w", "beginner")
    intermediate = lesson_for(match, "/w", "intermediate")
    assert beginner is not None and intermediate is not None
    assert "(Words: name: a word that refers to a value" in beginner.question
    assert "Words:" not in intermediate.question


def test_the_recap_per_session_and_overall_and_clearing(tmp_path: Path) -> None:
    path = tmp_path / "learning.jsonl"
    earlier = LearningLog(path)
    earlier.record("met", "Scope", source="https://docs.python.org/3/faq/")
    earlier.close()
    with path.open("a") as fh:
        fh.write('{"cut off by a cra\n')  # a crash mid-line loses that line only
    now = LearningLog(path)
    now.record("met", "Names", source="https://docs.python.org/3/reference/")
    now.record("hint", "Names", level=2)
    now.record("solved", "Names", alone=True)
    recap = now.recap()
    this_session, overall = recap.split("## Overall")
    assert "Names" in this_session and "Scope" not in this_session
    assert "1 concept met; fixed alone 1 time." in this_session and "2 concepts met" in overall, "plain plurals"
    assert "[Scope](https://docs.python.org/3/faq/)" in overall and "hints used 1, fixed alone 1×" in overall
    assert all(json.loads(line)["ts"] for line in path.read_text().splitlines() if line.endswith("}"))
    now.clear()
    assert not path.exists() and "Nothing yet" in now.recap()


def test_mode_and_level_are_settings_with_defaults() -> None:
    settings, warnings = parse_settings({"livepair": {"mode": "tutor", "learnerLevel": "intermediate"}})
    assert (settings.mode, settings.learner_level, warnings) == ("tutor", "intermediate", [])
    settings, warnings = parse_settings({"mode": "teacher"})
    assert settings.mode == "pair" and "mode" in warnings[0]


def test_the_voice_phrases_climb_the_ladder() -> None:
    assert action_for("Give me a hint") == "hint" and action_for("show me the fix") == "fix"
    assert "show me the fix" in GRAMMAR and complete("show me") == "show me the fix"
    # in the command grammar "give me a hint" lost to the decoys on every voice: tutor_listen.py hears it instead
    assert "give me a hint" not in GRAMMAR and complete("give me") is None
    assert action_for("another hint") == "hint"
