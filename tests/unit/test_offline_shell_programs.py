"""Failures of programs a script runs (git, mkdir, make, sudo) that print no script line, a command nothing
provides, and an honest hint (never silence) for a failure nothing recognises (shell_programs.py, shell_missing.py).
Each command is run for real; where the advice is an edit it is applied and run again."""

from __future__ import annotations

from pathlib import Path

from livepair.backends.offline import honest
from tests.unit.offline_runs import names_a_cause, run_again
from tests.unit.test_offline_evidence_guards import shell
from tests.unit.test_offline_hidden_errors import placed

GIT = "export HOME=$PWD GIT_CONFIG_NOSYSTEM=1 && git config --global user.name T && git config --global user.email t@x"


def test_a_new_branch_pushed_without_upstream_is_named_at_the_push(tmp_path: Path) -> None:
    script = "#!/bin/bash\nset -e\ngit checkout -q -b feature\ngit push\n"
    setup = f"{GIT} && git init -q --bare remote.git && git clone -q remote.git work 2>/dev/null && cd work"
    found = shell(tmp_path, {"push.sh": script}, f"{setup} && git commit -q --allow-empty -m a && bash ../push.sh")
    assert "never pushed" in found.message and "git push -u origin HEAD" in found.message
    assert placed(found, 4, "push.sh")


def test_git_with_no_identity_says_so_with_no_line(tmp_path: Path) -> None:
    found = shell(tmp_path, {}, "export HOME=$PWD GIT_CONFIG_NOSYSTEM=1 EMAIL= && git init -q && git commit -q "
                  "--allow-empty -m a")  # fmt: skip
    assert "user.email" in found.message and found.place is None and names_a_cause(found)


def test_describe_without_tags_is_named_where_the_script_describes(tmp_path: Path) -> None:
    found = shell(tmp_path, {"ver.sh": "#!/bin/bash\nset -e\nv=$(git describe --tags)\necho $v\n"},
                  f"{GIT} && git init -q && git commit -q --allow-empty -m a && bash ver.sh")  # fmt: skip
    assert "no tags" in found.message and "--always" in found.message and placed(found, 3, "ver.sh")


def test_a_pull_whose_two_sides_moved_names_rebase_or_merge(tmp_path: Path) -> None:
    setup = (
        f"{GIT} && git init -q -b main up && git -C up commit -q --allow-empty -m a && git clone -q up job && "
        "git -C up commit -q --allow-empty -m b && cd job && git commit -q --allow-empty -m mine"
    )
    found = shell(tmp_path, {"sync.sh": "#!/bin/bash\nset -e\ngit pull origin main\n"}, f"{setup} && bash ../sync.sh")
    assert "--rebase" in found.message and "own commit" in found.message and placed(found, 3, "sync.sh")


def test_mkdir_of_a_nested_folder_is_told_mkdir_p_and_then_runs(tmp_path: Path) -> None:
    script = "#!/bin/bash\nset -e\nmkdir $1/cache/\nmkdir $1/cache/stats/\necho ok\n"
    found = shell(tmp_path, {"setup.sh": script}, "bash setup.sh data/run")
    assert "mkdir -p" in found.message and placed(found, 3, "setup.sh")
    (tmp_path / "setup.sh").write_text(script.replace("mkdir $1", "mkdir -p $1"))
    assert run_again(tmp_path, "bash setup.sh data/run").stdout == "ok\n"


def test_a_recipe_indented_with_spaces_needs_a_tab_and_then_runs(tmp_path: Path) -> None:
    found = shell(tmp_path, {"Makefile": "all:\n    echo built\n"}, "make")
    assert "tab" in found.message and placed(found, 2, "Makefile")
    (tmp_path / "Makefile").write_text("all:\n\techo built\n")
    assert run_again(tmp_path, "make").returncode == 0


def test_an_alias_in_a_script_is_not_expanded(tmp_path: Path) -> None:
    found = shell(tmp_path, {"go.sh": "#!/bin/bash\nalias py3=python3\npy3 -c 'print(1)'\n"}, "bash go.sh")
    assert "alias" in found.message and "function" in found.message and placed(found, 2, "go.sh")


def test_a_command_nothing_provides_is_an_honest_hint_with_its_package(tmp_path: Path) -> None:
    found = shell(tmp_path, {"go.sh": "#!/bin/bash\nfrobnicate-xyz --version\n"}, "bash go.sh")
    assert honest.HONEST in found.message and "its package is frobnicate-xyz on Debian" in found.message
    assert "did you mean" not in found.message  # no other program is guessed


def test_a_failure_nothing_recognises_gets_an_honest_hint_not_silence(tmp_path: Path) -> None:
    found = shell(tmp_path, {"go.sh": "#!/bin/sh\n[ 1 -eq 1\necho next\nexit 3\n"}, "sh go.sh")
    assert honest.HONEST in found.message and "missing ]" in found.message


def test_a_projects_own_build_script_run_outside_a_clone_is_named_at_its_git_line(tmp_path: Path) -> None:
    (tmp_path / "proj").mkdir()
    script = "#!/bin/bash\nset -e\necho build\nv=$(git rev-parse --short HEAD)\ngit log -1\n"
    found = shell(
        tmp_path, {"proj/build.sh": script}, f"export GIT_CEILING_DIRECTORIES={tmp_path} && cd proj && bash build.sh"
    )
    assert "git clone" in found.message and "git init" not in found.message and placed(found, 4, "build.sh")
