"""The advisor's last guards: no 'did you mean' to the same program or for a shell builtin, and a generic
restatement becomes an honest hint (never a default that swallows a KeyError)."""

from __future__ import annotations

from pathlib import Path

from livepair.backends.offline import honest, triage
from livepair.backends.offline.catalogue import Catalogue
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.judges import finding
from livepair.backends.offline.workspace import Place
from tests.unit.offline_runs import edit_of


def test_no_rewrite_into_a_program_with_the_same_name_or_for_a_builtin() -> None:
    for said in ("The shell cannot find 'python2'; 'python2' is on PATH: did you mean 'python2'?",
                 "The shell cannot find 'source'; 'gresource' is on PATH: did you mean 'gresource'?"):  # fmt: skip
        guarded = triage.guard(Finding(said))
        assert "did you mean" not in guarded.message
        assert honest.HONEST in guarded.message
    kept = Finding("The shell cannot find 'pyhton'; 'python' is on PATH: did you mean 'python'?")
    assert triage.guard(kept) is kept


def test_a_generic_key_error_is_an_honest_hint_without_a_default(tmp_path: Path) -> None:
    match = Catalogue().match("KeyError: 'temp'")
    assert match is not None and match.entry.id == "key-error"
    facts = Facts(tmp_path, tmp_path, lambda p: None)
    hinted = honest.unless_specific(finding(match, Place(tmp_path / "x.py", 3), facts), match, str(tmp_path))
    assert honest.HONEST in hinted.message and "(line 3)" in hinted.message
    assert ".get(" not in hinted.message


def test_a_nested_key_is_shown_with_its_path_and_fixed(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"database": {"host": "db"}}')
    code = "import json\nconfig = json.load(open('config.json'))\nprint(config['host'])\n"
    (tmp_path / "app.py").write_text(code)
    facts = Facts(tmp_path, tmp_path, lambda p: p.read_text() if p.is_file() else None)
    found = honest.key_error(facts, Place(tmp_path / "app.py", 3), "host")
    assert found is not None and "config['database']['host']" in found.message
    given = edit_of(found)
    assert given is not None and "config['database']['host']" in given.new_text
