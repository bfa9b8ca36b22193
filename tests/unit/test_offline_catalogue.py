"""The offline advisor's catalogue: every entry matches its own example (real programs: tests/programs/)."""

from __future__ import annotations

import pytest

from livepair.backends.offline.catalogue import DIAGNOSTIC_FAMILIES, FAMILIES, Catalogue

CATALOGUE = Catalogue()


@pytest.mark.parametrize("entry", CATALOGUE.entries(), ids=lambda e: e.id)
def test_every_entry_matches_its_example(entry) -> None:  # type: ignore[no-untyped-def]
    families = DIAGNOSTIC_FAMILIES if entry.family == "diagnostics" else FAMILIES
    found = CATALOGUE.match(entry.example, families)
    assert found is not None and found.entry.id == entry.id
    assert found.missing(cwd="/ws") == set(), "a template field the pattern does not capture"
