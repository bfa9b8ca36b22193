"""Shell slips the script's own line shows (shell_slips.py): a variable name with a hyphen, xargs run with nothing on
its input. Each script is run for real, advised on, and its offered edit applied: the script then runs."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from livepair.advice.verify import patch_lines
from livepair.backends.offline.enrich import Finding
from tests.unit.offline_runs import edit_of, names_a_cause
from tests.unit.test_offline_evidence_guards import shell
from tests.unit.test_offline_hidden_errors import placed

EXPORT = 'prefix="$PWD/install"\nmkdir -p "$prefix"\nexport my-tool_DIR="$prefix/cmake"\necho "set up"\n'
CLEAN = "mkdir -p out\nfind out -name '*.o' | xargs rm\necho cleaned\n"


def fixed_run(tmp_path: Path, found: Finding, command: str) -> subprocess.CompletedProcess[str]:
    edit = edit_of(found)
    assert edit is not None and found.place is not None
    path = found.place.path
    path.write_text(patch_lines(path.read_text(), edit.start_line, edit.end_line, edit.new_text))
    return subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("shell_name", ["bash", "sh"])
def test_a_hyphen_in_a_variable_name_is_named_on_its_line(tmp_path: Path, shell_name: str) -> None:
    command = f"{shell_name} -e setup.sh"
    found = shell(tmp_path, {"setup.sh": EXPORT}, command)
    assert names_a_cause(found) and placed(found, 3, "setup.sh")
    assert "'my-tool_DIR' is not a valid shell variable name" in found.message and "my_tool_DIR" in found.message
    done = fixed_run(tmp_path, found, command)
    assert done.returncode == 0 and done.stdout.strip() == "set up", done.stderr


def test_a_valid_name_is_never_renamed(tmp_path: Path) -> None:
    found = shell(tmp_path, {"go.sh": "export 1ST=x\n"}, "bash go.sh")  # a digit first: renaming would not help
    assert "not a valid shell variable name" not in found.message


def test_xargs_with_nothing_on_its_input_is_told_to_skip_the_run(tmp_path: Path) -> None:
    found = shell(tmp_path, {"clean.sh": CLEAN}, "bash -e clean.sh")
    assert names_a_cause(found) and placed(found, 2, "clean.sh")
    assert "xargs -r" in found.message
    done = fixed_run(tmp_path, found, "bash -e clean.sh")
    assert done.returncode == 0 and done.stdout.strip() == "cleaned", done.stderr


def test_xargs_already_given_r_is_not_blamed(tmp_path: Path) -> None:
    script = "rm\nfind . -name '*.o' | xargs -r rm\n"  # the bare rm on line 1 is what failed
    found = shell(tmp_path, {"clean.sh": script}, "bash -e clean.sh")
    assert "xargs -r (--no-run-if-empty)" not in found.message


def test_a_failure_bash_places_on_a_line_is_a_hint_on_that_line_never_silence(tmp_path: Path) -> None:
    found = shell(tmp_path, {"conf.sh": "readonly MODE=dev\necho start\nMODE=prod\n"}, "bash -e conf.sh")
    assert "MODE: readonly variable" in found.message and placed(found, 3, "conf.sh")
    assert "senior dev" in found.message  # an honest hint: it says what it could not tell


def test_return_in_a_script_that_was_run_becomes_exit(tmp_path: Path) -> None:
    script = 'if [ $# -lt 1 ]; then\n  echo "usage: go.sh NAME"\n  return 1\nfi\ncp "$1" out/\n'
    found = shell(tmp_path, {"go.sh": script}, "bash go.sh")
    assert names_a_cause(found) and placed(found, 3, "go.sh") and "Use exit" in found.message
    done = fixed_run(tmp_path, found, "bash go.sh")
    assert done.returncode == 1 and done.stdout.strip() == "usage: go.sh NAME", done.stderr  # stops at the usage


def test_a_mktemp_template_without_xs_gets_them(tmp_path: Path) -> None:
    script = 'tmp="$(mktemp -t counts)"\necho 3 > "$tmp"\ncat "$tmp"\n'
    found = shell(tmp_path, {"count.sh": script}, "bash count.sh")
    assert names_a_cause(found) and placed(found, 1, "count.sh") and "counts.XXXXXX" in found.message
    done = fixed_run(tmp_path, found, "bash count.sh")
    assert done.returncode == 0 and done.stdout.strip() == "3", done.stderr


def test_tar_z_on_an_archive_that_is_not_gzip_drops_the_z(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "setup.sh").write_text("echo installed\n")
    subprocess.run(["tar", "-cf", "release.tar.gz", "src"], cwd=tmp_path, check=True)  # named .gz, not gzip
    found = shell(tmp_path, {"install.sh": "set -e\ntar -zxf release.tar.gz\nsh src/setup.sh\n"}, "bash install.sh")
    assert names_a_cause(found) and placed(found, 2, "install.sh") and "not gzip-compressed" in found.message
    (tmp_path / "src").rename(tmp_path / "src.orig")
    done = fixed_run(tmp_path, found, "bash install.sh")
    assert done.returncode == 0 and done.stdout.strip() == "installed", done.stderr


def test_tar_z_on_a_real_gzip_archive_is_not_blamed(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_text("a\n")
    subprocess.run(["tar", "-czf", "good.tar.gz", "src"], cwd=tmp_path, check=True)
    script = "tar -zxf good.tar.gz\ngzip -d < src/a.txt > out.txt\n"  # the gzip that fails reads plain text
    found = shell(tmp_path, {"x.sh": script}, "bash -e x.sh")
    assert "not gzip-compressed" not in found.message


def test_a_javascript_file_run_by_the_shell_gets_its_hashbang(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    tool = "const n = Number(process.argv[2]);\nconsole.log(n * 2);\n"
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "double.js").write_text(tool)
    (tmp_path / "tools" / "double.js").chmod(0o755)
    (tmp_path / "bin" / "double").symlink_to("../tools/double.js")  # what npm links into node_modules/.bin
    found = shell(tmp_path, {}, "bin/double 21")
    assert names_a_cause(found) and placed(found, 1, "double.js") and "#!/usr/bin/env node" in found.message
    done = fixed_run(tmp_path, found, "bin/double 21")
    assert done.returncode == 0 and done.stdout.strip() == "42", done.stderr
