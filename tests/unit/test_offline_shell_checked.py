"""Shell failures whose cause is checked on the machine and in the files, never guessed from a close name or the
error's words (shell_missing.py, shell_vars.py). Each script is run for real in bash and its output advised on."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from livepair.advice.verify import patch_lines
from livepair.backends.offline import honest
from livepair.backends.offline.probation import POSSIBLE
from tests.unit.offline_runs import edit_of, names_a_cause, run_again
from tests.unit.test_offline_evidence_guards import shell
from tests.unit.test_offline_hidden_errors import placed, run_python


def test_a_script_that_replaced_path_is_named_where_it_did_and_keeping_path_fixes_it(tmp_path: Path) -> None:
    script = '#!/bin/bash\nset -e\nPATH="$(pwd)/tools"\nmkdir -p out\necho done\n'
    found = shell(tmp_path, {"build.sh": script}, "bash build.sh")
    assert "did you mean" not in found.message and "rmdir" not in found.message  # mkdir is real: PATH lost it
    assert placed(found, 3, "build.sh") and "$PATH" in found.message
    kept = re.search(r"Keep the old value: PATH=(\S+?)\.?(?: \(line \d+\))?(?:\.|$)", found.message)
    assert kept is not None, found.message
    (tmp_path / "build.sh").write_text(script.replace('PATH="$(pwd)/tools"', f"PATH={kept[1]}"))
    done = run_again(tmp_path, "bash build.sh")
    assert done.returncode == 0 and done.stdout == "done\n", done.stderr  # the advice, applied, runs


def test_a_shell_function_from_a_profile_is_loaded_in_the_script_not_mistyped(tmp_path: Path) -> None:
    (tmp_path / ".tool").mkdir()
    (tmp_path / ".tool" / "tool.sh").write_text('greet() {\n  echo "hello $1"\n}\n')
    files = {
        ".bashrc": 'export TOOL_DIR="$HOME/.tool"\n[ -s "$TOOL_DIR/tool.sh" ] && \\. "$TOOL_DIR/tool.sh"\n',
        "run.sh": "#!/bin/bash\nset -e\ngreet world\n",
    }
    found = shell(tmp_path, files, "bash run.sh")
    assert "did you mean" not in found.message and names_a_cause(found)
    assert "shell function" in found.message and "tool.sh" in found.message and placed(found, 3, "run.sh")
    load = re.search(r'\. "\$HOME/([^"]+)"', found.message)
    assert load is not None, found.message
    (tmp_path / "run.sh").write_text(f'#!/bin/bash\nset -e\n. "{tmp_path / load[1]}"\ngreet world\n')
    assert run_again(tmp_path, "bash run.sh").stdout == "hello world\n"


def test_a_close_name_to_a_command_in_a_script_is_no_typo_claim(tmp_path: Path) -> None:
    found = shell(tmp_path, {"go.sh": "#!/bin/bash\nmkdri out\n"}, "bash go.sh")
    assert "did you mean" not in found.message  # a script's command was written on purpose
    assert honest.HONEST in found.message and "'mkdir'" in found.message  # the close name is still mentioned


def test_words_as_keys_of_an_undeclared_array_name_declare_a(tmp_path: Path) -> None:
    script = '#!/bin/bash\nset -u\ncolour=(["sky"]="blue" ["grass"]="green")\necho "${colour[sky]}"\n'
    found = shell(tmp_path, {"map.sh": script}, "bash map.sh")
    assert "declare -A colour" in found.message and placed(found, 3, "map.sh")
    assert ":-" not in found.message.split(honest.HONEST)[0]  # no default that would hide the missing key
    (tmp_path / "map.sh").write_text(script.replace("set -u\n", "set -u\ndeclare -A colour\n"))
    assert run_again(tmp_path, "bash map.sh").stdout == "blue\n"


def test_a_variable_the_script_never_sets_is_one_to_export(tmp_path: Path) -> None:
    found = shell(tmp_path, {"up.sh": '#!/bin/bash\nset -u\necho "deploying to $TARGET"\n'}, "bash up.sh")
    # The catalogue's words, which the judge kept (the script never sets it): on probation, a possible cause
    assert "export TARGET=" in found.message and found.message.startswith(POSSIBLE)


def test_a_list_of_coroutines_given_to_gather_is_unpacked_and_then_runs(tmp_path: Path) -> None:
    code = (
        "import asyncio\n\n\nasync def one(n):\n    return n * 2\n\n\nasync def main():\n"
        "    jobs = [one(n) for n in range(3)]\n    print(await asyncio.gather(jobs))\n\n\nasyncio.run(main())\n"
    )
    found = run_python(tmp_path, code, "jobs.py")
    assert placed(found, 10) and "*jobs" in found.message and "await one" not in found.message
    given = edit_of(found)
    assert given is not None and "asyncio.gather(*jobs)" in given.new_text


def test_writing_to_a_folder_says_to_join_a_file_name(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    found = run_python(tmp_path, "with open('out', 'w') as fh:\n    fh.write('x')\n", "save.py")
    assert "join a file name" in found.message and placed(found, 1)


def test_a_failed_re_match_names_re_search(tmp_path: Path) -> None:
    code = "import re\n\nm = re.match(r'id=(\\d+)', 'user id=7')\nprint(m.group(1))\n"
    found = run_python(tmp_path, code, "ids.py")
    assert "re.search()" in found.message and placed(found, 3)


def test_path_set_for_one_command_only_is_not_blamed_for_a_later_line(tmp_path: Path) -> None:
    script = "#!/bin/bash\nPATH=/nowhere true 2>/dev/null\nmkdri out\n"  # the prefix leaves PATH as it was
    found = shell(tmp_path, {"go.sh": script}, "bash go.sh")
    assert "sets PATH" not in found.message


def test_a_slip_of_an_everyday_command_is_a_possible_typo_whose_trial_fix_runs(tmp_path: Path) -> None:
    # A missing command's "did you mean" was wrong on each of its first-seen cases: it is a possible cause, and
    # its fix a trial (offered once a re-run proves it); that fix, applied, makes the script run.
    found = shell(tmp_path, {"go.sh": "#!/bin/bash\npyhton3 -c 'print(1)'\n"}, "bash go.sh")
    assert "did you mean 'python3'" in found.message and found.message.startswith(POSSIBLE)  # no pyhton3 exists
    assert found.fix is None and found.trial is not None
    trial, script = found.trial, tmp_path / "go.sh"
    script.write_text(patch_lines(script.read_text(), trial.start_line, trial.end_line, trial.new_text))
    done = subprocess.run(["bash", "go.sh"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "1"
