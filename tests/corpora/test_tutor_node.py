"""Tutor mode on Node.js failures people reported publicly (failures/node.toml), each run for real with node: every
failure the advisor places on a line of a JavaScript file gets a ladder — a concept named with its official page
(nodejs.org or MDN), a guiding question with none of the fix's code, at least three distinct hints — and the same
run told to the teacher as the advisor tells it (the run's words) picks the concept the failure is about."""

from __future__ import annotations

from typing import Any

import pytest

from livepair.backends.offline.teaching import NODE_FILES, OfflineTeacher
from tests.corpora import failures_runner as corpus

NODE_DOCS = ("https://nodejs.org/api/", "https://developer.mozilla.org/en-US/docs/Web/JavaScript/")
# What the question is about, for cases whose concept is not in doubt (the rest are checked for shape only).
EXPECTED = {
    "node-package-not-installed": "How Node finds a module",
    "node-esm-missing-extension": "Import paths in ES modules",
    "node-require-in-esm": "ES modules and CommonJS",
    "node-import-in-commonjs": "ES modules and CommonJS",
    "node-set-property-of-undefined": "undefined and null values",
    "node-json-parse-html": "Parsing JSON text",
    "node-eaddrinuse": "Ports and listening servers",
    "node-http-get-refused": "Network connections that fail",
    "node-readfile-relative-to-cwd": "File paths in Node",
    "node-const-reassigned": "const bindings cannot be reassigned",
    "node-await-in-foreach-callback": "await and async functions",
    "node-exports-reassigned": "Calling something that is not a function",
    "node-unhandled-rejection": "Reading a Node error",
}


@pytest.fixture(scope="module")
def outcomes() -> list[corpus.Outcome]:
    return corpus.run_all([c for c in corpus.load() if c.lang == "node"], workers=2)


def ladder(o: corpus.Outcome) -> list[tuple[str, dict[str, Any]]]:
    said: list[tuple[str, dict[str, Any]]] = []
    teacher = OfflineTeacher("beginner", lambda name, args: said.append((name, args)), lambda _t, _p: None)
    assert o.finding is not None
    cwd = str(o.case.cwd)
    assert teacher.teach(o.finding, o.case.root.split(":")[0], cwd, prompted=False, output=o.output), o.case.id
    for _ in range(4):
        teacher.ask("hint")
    return said


def test_every_located_node_failure_gets_a_linked_ladder_without_the_fix_first(
    outcomes: list[corpus.Outcome],
) -> None:
    located = [o for o in outcomes if o.finding and o.finding.place and o.finding.place.path.suffix in NODE_FILES]
    assert len(located) >= 40, "the Node corpus places most failures on a line"
    for o in located:
        assert o.finding is not None
        said = ladder(o)
        concept = next(args for name, args in said if name == "record_concept")
        rungs = [args["hint"] for name, args in said if name == "give_hint"]
        first = rungs[0]
        assert concept["source"].startswith(NODE_DOCS), (o.case.id, concept)
        assert first.startswith(concept["name"]) and concept["source"] in first and "?" in first, o.case.id
        assert len(rungs) >= 4 and len(set(rungs)) == len(rungs), f"{o.case.id}: question + 3 distinct hints"
        assert [name for name, _ in said[-2:]][-1] in ("annotate", "propose_fix"), "the answer is the last rung"
        fix = o.finding.fix.new_text if o.finding.fix else ""
        new = [s for line in fix.splitlines() if (s := line.strip()) and s not in o.output]
        assert not any(line in first for line in new), f"{o.case.id}: the question gives the fix away"
        assert o.finding.message[:40] not in first, f"{o.case.id}: the question is not the answer"
        if o.case.id in EXPECTED:
            assert concept["name"].startswith(EXPECTED[o.case.id]), (o.case.id, concept["name"])


def test_a_node_lesson_needs_the_runs_words_and_a_javascript_file(outcomes: list[corpus.Outcome]) -> None:
    o = next(o for o in outcomes if o.case.id == "node-set-property-of-undefined")
    assert o.finding is not None
    teacher = OfflineTeacher("intermediate", lambda _n, _a: None, lambda _t, _p: None)
    assert not teacher.teach(o.finding, "app.js", "/w", prompted=False), "no words, no lesson: advise as a pair"
    assert teacher.teach(o.finding, "app.js", "/w", prompted=False, output=o.output)
