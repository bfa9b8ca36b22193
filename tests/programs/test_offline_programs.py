"""The judgement calls the corpus relies on, each shown on a real run: what the interpreter said outranks a guess,
and a misspelled import is a typo to fix, never a package to install."""

from __future__ import annotations

from tests.programs import corpus
from tests.unit.offline_runs import edit_of

BY_ID = {c.id: c for c in corpus.load()}


def _judge(case_id: str) -> corpus.Outcome:
    with corpus.api_server() as server:
        return corpus.judge(BY_ID[case_id], server)


def test_pythons_suggestion_beats_the_builtin() -> None:
    outcome = _judge("sum-underscore-not-the-builtin")
    assert outcome.finding is not None
    given = edit_of(outcome.finding)
    assert given is not None
    assert "sum_, sum_" not in given.new_text and "sum_)" in given.new_text
    assert outcome.fix_works and outcome.verdict == "right"


def test_a_misspelled_import_is_a_typo_not_an_install() -> None:
    outcome = _judge("typo-requests")
    assert outcome.finding is not None and "pip install" not in outcome.finding.message
    given = edit_of(outcome.finding)
    assert given is not None and "import requests" in given.new_text


def test_an_unknown_module_gets_no_install_command() -> None:
    outcome = _judge("unknown-module-no-install")
    assert outcome.finding is not None and "pip install" not in outcome.finding.message


def test_a_known_import_name_installs_its_distribution() -> None:
    outcome = _judge("known-not-installed-cv2")
    assert outcome.finding is not None and "python -m pip install opencv-python" in outcome.finding.message
