"""The corpus (corpus/*.toml): real failing programs and commands, run for real, and what the advisor makes of them.

At least 90% right, and nothing harmful: no install of a name the case does not allow, no fix that is not the
right one or that leaves the program failing the same way (each offered fix is applied and the program run again).
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.programs import corpus


@pytest.fixture(scope="module")
def outcomes() -> list[corpus.Outcome]:
    return corpus.run_all()


def _report(outcomes: list[corpus.Outcome], verdicts: tuple[str, ...]) -> str:
    return "\n".join(
        f"{o.case.id}: {o.verdict} {o.problems + o.harms}\n  said: {o.finding.message if o.finding else None}"
        for o in outcomes
        if o.verdict in verdicts
    )


def test_the_corpus_is_large_and_covers_the_families() -> None:
    cases = corpus.load()
    assert len(cases) >= 150
    assert len({c.id for c in cases}) == len(cases)
    assert {p.stem for p in corpus.CORPUS.glob("*.toml")} >= {"names", "files", "types", "data", "process", "http"}


def test_nothing_harmful(outcomes: list[corpus.Outcome]) -> None:
    assert not [o for o in outcomes if o.harms], _report(outcomes, ("harmful",))


def test_at_least_90_percent_right(outcomes: list[corpus.Outcome]) -> None:
    counts = Counter(o.verdict for o in outcomes)
    assert counts["right"] >= 0.9 * len(outcomes), (counts, _report(outcomes, ("wrong", "silent")))


def test_every_offered_fix_gets_its_program_past_the_error(outcomes: list[corpus.Outcome]) -> None:
    fixed = [o for o in outcomes if o.fix_works is not None]
    assert len(fixed) >= 40  # the corpus exercises fixes, not just explanations
    assert all(o.fix_works for o in fixed), _report(outcomes, ("harmful",))
