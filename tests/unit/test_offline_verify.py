"""The fix checker: a fix that breaks parsing or adds an undefined name is refused, with the reason."""

from __future__ import annotations

from livepair.advice.verify import check_fix, patch_lines

ORIGINAL = "import json\n\nwith open('data/config.json') as fh:\n    config = json.load(fh)\n"


def test_a_good_fix_passes() -> None:
    patched = patch_lines(
        ORIGINAL, 1, 3, "import json\nfrom pathlib import Path\n\nwith open(Path(__file__).parent / 'c.json') as fh:"
    )
    assert "from pathlib import Path" in patched and patched.endswith("json.load(fh)\n")
    assert check_fix("f.py", ORIGINAL, patched).ok


def test_a_fix_that_uses_an_unimported_name_is_refused() -> None:
    patched = patch_lines(ORIGINAL, 3, 3, "with open(Path(__file__).parent / 'c.json') as fh:")
    verdict = check_fix("f.py", ORIGINAL, patched)
    assert not verdict.ok and "'Path'" in verdict.reason


def test_a_fix_that_does_not_parse_is_refused() -> None:
    verdict = check_fix("f.py", ORIGINAL, patch_lines(ORIGINAL, 3, 3, "with open('c.json' as fh:"))
    assert not verdict.ok and "would not parse" in verdict.reason and "line 3" in verdict.reason


def test_only_what_the_fix_adds_counts() -> None:
    original = "print(undefined_before)\nprint(totl)\n"
    assert check_fix("p.py", original, "print(undefined_before)\nprint(total)\n").ok is False
    assert check_fix("p.py", "total = 1\n" + original, "total = 1\nprint(undefined_before)\nprint(total)\n").ok


def test_a_fix_that_changes_nothing_is_refused_and_other_languages_pass_unchecked() -> None:
    assert not check_fix("p.py", ORIGINAL, ORIGINAL).ok
    verdict = check_fix("run.sh", "pyhton x.py\n", "python3 x.py\n")
    assert verdict.ok and "not checked" in verdict.reason
