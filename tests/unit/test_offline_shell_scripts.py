"""Shell script mistakes the script's own lines show though the error names something else (shell_scripts.py).
Each script is run for real (bash, xargs, make) and advised on; where the advice is an edit it is applied and run."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.offline_runs import run_again
from tests.unit.test_offline_evidence_guards import shell
from tests.unit.test_offline_hidden_errors import placed

DECIMALS = {  # the script, the variable holding the decimal, the test's operator, the line that reads it, output
    "named where it is read": (
        '#!/bin/bash\nload=2.75\nif [ "$load" -le 8 ]; then echo low; fi\n', "load", "-le", 2, "low",
    ),
    "the comparison's operand, not the line's first variable": (
        '#!/bin/bash\nname=mint\nversion=17.1\nif [ "$name" = mint ] && [ "$version" -ge 13 ]; then echo ok; fi\n',
        "version", "-ge", 3, "ok",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", DECIMALS)
def test_a_decimal_in_an_integer_test_is_named_and_cutting_its_fraction_works(tmp_path: Path, case: str) -> None:
    script, var, op, line, out = DECIMALS[case]
    found = shell(tmp_path, {"run.sh": script + "exit 1\n"}, "bash run.sh")
    assert "decimal" in found.message and f"${{{var}%.*}}" in found.message and op in found.message
    assert placed(found, line, "run.sh")
    (tmp_path / "run.sh").write_text(script.replace(f'"${var}"', f'"${{{var}%.*}}"'))
    assert run_again(tmp_path, "bash run.sh").stdout == f"{out}\n"


def test_a_glob_matching_two_files_in_a_test_is_named(tmp_path: Path) -> None:
    for name in ("a_x.txt", "b_x.txt"):
        (tmp_path / name).write_text("data\n")
    found = shell(tmp_path, {"check.sh": "#!/bin/bash\nif [ -s *_x.txt ]; then echo ok; else exit 1; fi\n"},
                  "bash check.sh")  # fmt: skip
    assert "more than one file" in found.message and placed(found, 2, "check.sh")


def test_cd_run_by_xargs_is_a_builtin_named_on_its_line(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    found = shell(tmp_path, {"go.sh": "#!/bin/bash\nset -e\necho sub | xargs cd\npwd\n"}, "bash go.sh")
    assert "builtin" in found.message and placed(found, 3, "go.sh")


def test_a_makefile_cd_on_its_own_line_is_joined_with_and_and_then_builds(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "build").write_text("#!/bin/sh\necho built\n")
    (tmp_path / "web" / "build").chmod(0o755)
    found = shell(tmp_path, {"Makefile": "all:\n\tcd web\n\t./build\n"}, "make")
    assert "own shell" in found.message and "cd web && ./build" in found.message and placed(found, 2, "Makefile")
    (tmp_path / "Makefile").write_text("all:\n\tcd web && ./build\n")
    done = run_again(tmp_path, "make")
    assert done.returncode == 0 and "\nbuilt\n" in done.stdout


def test_unquoted_args_in_a_wrapper_split_a_spaced_name(tmp_path: Path) -> None:
    wrapper = "#!/bin/bash\nexec cat $@\n"
    (tmp_path / "My notes.txt").write_text("hello\n")
    found = shell(tmp_path, {"show": wrapper}, "bash show 'My notes.txt'")
    assert '"$@"' in found.message and placed(found, 2, "show")
    (tmp_path / "show").write_text(wrapper.replace("$@", '"$@"'))
    assert run_again(tmp_path, "bash show 'My notes.txt'").stdout == "hello\n"


def test_a_getopts_option_read_with_optarg_needs_its_colon(tmp_path: Path) -> None:
    script = (
        '#!/bin/bash\nname=none\nwhile getopts ":vn" opt; do\n  case $opt in\n    v) v=1 ;;\n'
        '    n) name=$OPTARG ;;\n  esac\ndone\ncat "$name.txt"\n'
    )
    found = shell(tmp_path, {"opts.sh": script}, "bash opts.sh -n report")
    assert "n:" in found.message and "colon" in found.message and placed(found, 3, "opts.sh")
    (tmp_path / "report.txt").write_text("R\n")
    (tmp_path / "opts.sh").write_text(script.replace('":vn"', '":vn:"'))
    assert run_again(tmp_path, "bash opts.sh -n report").stdout == "R\n"


def test_a_make_run_inside_make_is_read_the_same(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "build").write_text("#!/bin/sh\necho built\n")
    (tmp_path / "web" / "build").chmod(0o755)
    files = {"Makefile": "all:\n\t$(MAKE) -f inner.mk\n", "inner.mk": "all:\n\tcd web\n\t./build\n"}
    found = shell(tmp_path, files, "make")  # make[1]: *** [inner.mk:3: all] Error 127
    assert "own shell" in found.message and placed(found, 2, "inner.mk")
