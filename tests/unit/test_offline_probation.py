"""A diagnosis is earned (probation.py): kinds of claim proven on unseen failures diagnose; every other claim speaks
as a possible cause: its words, on its line, honest about what it could not check, its edit only a trial. Real
programs, run for real."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from livepair.advice.verify import patch_lines
from livepair.backends.offline import honest
from livepair.backends.offline.edits import Fix
from livepair.backends.offline.enrich import Finding
from livepair.backends.offline.probation import POSSIBLE, UNPROVEN, earned, possible
from livepair.backends.offline.workspace import Place
from tests.unit.test_offline_evidence_guards import shell
from tests.unit.test_offline_hidden_errors import placed, run_python


def is_possible(found: Finding) -> bool:
    return found.message.startswith(POSSIBLE) and honest.HONEST in found.message and found.fix is None


def test_a_circular_import_is_a_possible_cause_naming_both_files(tmp_path: Path) -> None:
    found = run_python(
        tmp_path,
        "from models import User\n\ndb = 'sqlite'\nprint(User)\n",
        "app.py",
        {"models.py": "from app import db\n\n\nclass User:\n    pass\n"},
    )
    assert is_possible(found), found.message
    assert "circular import" in found.message and "models.py" in found.message and "app.py" in found.message
    assert "which import of the cycle" in found.message  # what it could not tell


def test_a_file_named_like_the_standard_library_is_still_diagnosed(tmp_path: Path) -> None:
    # The shadowing check runs before the cycle's, and it earned its diagnosis: right on 4 of 4 unseen cases.
    found = run_python(tmp_path, "import csv\n\nrows = csv.reader(open('csv.py'))\nprint(list(rows))\n", "csv.py")
    assert honest.HONEST not in found.message and found.earned, found.message
    assert "csv.py" in found.message and "rename" in found.message.lower()


def test_git_in_a_folder_that_is_no_clone_is_a_possible_cause_and_never_git_init(tmp_path: Path) -> None:
    script = "#!/bin/bash\nset -e\nrev=$(git rev-parse HEAD)\necho $rev\n"
    found = shell(tmp_path, {"build.sh": script}, "bash build.sh")
    assert is_possible(found), found.message
    assert "not inside a git repository" in found.message and "git init" not in found.message


def test_npm_with_a_missing_script_is_a_possible_cause(tmp_path: Path) -> None:
    package = {"name": "site", "version": "1.0.0", "scripts": {"start": "node index.js"}}
    found = shell(tmp_path, {"package.json": json.dumps(package), "index.js": "console.log(1)\n"}, "npm run dev")
    assert is_possible(found), found.message
    assert "dev" in found.message and "start" in found.message  # the script asked for and the one there is


def test_a_catalogue_entry_no_check_looked_at_is_a_possible_cause(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hi\n")
    found = run_python(tmp_path, "with open('notes.txt/today.txt') as f:\n    print(f.read())\n", "read.py")
    assert is_possible(found), found.message
    assert placed(found, 1) and "notes.txt/today.txt" in found.message


def test_a_claim_its_check_confirmed_but_no_record_earned_is_a_possible_cause(tmp_path: Path) -> None:
    # FileExistsError from mkdir: the check saw the mkdir call, but on an unseen case the folder existed because
    # the program made it twice by mistake: exist_ok=True is said as a possible cause.
    found = run_python(tmp_path, "import os\n\nos.mkdir('out')\nos.mkdir('out')\n", "make.py")
    assert found.message.startswith(POSSIBLE) and "exist_ok=True" in found.message and UNPROVEN in found.message
    assert placed(found, 4) and found.fix is None and not found.earned


def test_bash_run_by_sh_has_earned_its_diagnosis(tmp_path: Path) -> None:
    script = "#!/bin/bash\nnames=(ann bob)\necho ${names[1]}\n"
    found = shell(tmp_path, {"greet.sh": script}, "sh greet.sh")
    assert honest.HONEST not in found.message and found.earned, found.message
    assert "bash" in found.message


@pytest.mark.parametrize(("right", "spoken"), [(1, 1), (3, 4), (8, 10)])
def test_a_record_that_has_not_earned_a_diagnosis_cannot_be_given_one(right: int, spoken: int) -> None:
    with pytest.raises(ValueError, match="has not earned"):
        earned(right, spoken)


def test_an_unawaited_call_is_a_possible_cause_whose_trial_fix_runs(tmp_path: Path) -> None:
    # Its first-seen record (0 of 2) put it on probation; its checked fix is kept as a trial, and it works.
    code = "import asyncio\n\n\nasync def two():\n    return 2\n\n\nasync def main():\n    print(two() + 1)\n\n\n"
    found = run_python(tmp_path, code + "asyncio.run(main())\n", "calc.py")
    assert found.message.startswith(POSSIBLE) and placed(found, 9) and found.fix is None
    assert found.trial is not None and "await two()" in found.trial.new_text
    path = tmp_path / "calc.py"
    path.write_text(patch_lines(path.read_text(), found.trial.start_line, found.trial.end_line, found.trial.new_text))
    done = subprocess.run(["python3", "calc.py"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "3"


def test_possible_keeps_the_place_drops_the_edit_and_leaves_honest_hints_alone(tmp_path: Path) -> None:
    place = Place(tmp_path / "a.py", 3)
    claim = Finding("x is None because f() returns nothing.", place, Fix(3, 3, "x = f() or 0\n", "default"))
    said = possible(claim, "whether None is meant")
    assert said.place == place and said.fix is None
    assert said.message.startswith(f"{POSSIBLE} x is None because f() returns nothing (line 3).")
    assert "whether None is meant" in said.message and honest.DEEPER in said.message
    hint = honest.hint("The port is taken", place, "which process holds it")
    assert possible(hint, "anything") == hint
