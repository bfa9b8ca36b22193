"""The offline advisor's fixes re-run for real in the sandbox (session/fix_rerun.py, bubblewrap) before they are
offered: the hint comes at once, the fix once the patched program gets past its error; the workspace itself is
never written (the re-run works on a scratch copy)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from livepair.backends.backend import Failure
from livepair.backends.offline.advisor import OfflineBackend
from livepair.backends.offline.probation import POSSIBLE
from livepair.backends.offline.recheck import Rerun
from livepair.model import TerminalRun
from livepair.session.fix_rerun import SandboxRerun
from livepair.session.sandbox import Limits, Sandbox
from tests.tooling import require_tool
from tests.unit.test_advisor_view import Snapshot
from tests.unit.test_offline_recheck import calls, drain, proposed

COUNTS = (
    "counts = {'a': 1, 'b': 0, 'c': 2}\n"
    "for key in counts:\n"
    "    if counts[key] == 0:\n"
    "        del counts[key]\n"
    "with open('report.txt', 'w') as out:\n"
    "    out.write(str(sorted(counts)))\n"
)


@pytest.fixture(autouse=True)
def sandboxed() -> None:
    require_tool("bwrap", "prlimit", "setpriv", hint="scripts/setup-sandbox.sh installs bubblewrap and util-linux")


def tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def failed(root: Path) -> TerminalRun:
    done = subprocess.run([sys.executable, "counts.py"], cwd=root, capture_output=True, text=True, timeout=30)
    return TerminalRun(f"{sys.executable} counts.py", done.stdout + done.stderr, done.returncode, str(root))


async def test_the_fix_is_offered_once_its_rerun_in_the_sandbox_gets_past_the_error(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "counts.py").write_text(COUNTS)
    run = failed(root)
    assert "changed size during iteration" in run.output
    before = tree(root)
    view = Snapshot(root, texts={(root / "counts.py").as_uri(): COUNTS}, run=run)
    backend = OfflineBackend(view, rerun=SandboxRerun())
    backend.notice_failure(Failure("run", "counts.py failed", run))
    first = drain(backend)
    assert calls(first, "annotate") and not calls(first, "propose_fix")
    fix = await proposed(backend, "the fix, after its re-run", 60)
    assert "list(counts)" in fix["new_text"] and "re-run in a sandbox" in fix["explanation"]
    assert tree(root) == before, "the re-run wrote into the workspace (report.txt belongs to the scratch copy)"
    await backend.close()


async def test_a_fix_that_still_fails_the_same_way_gets_no_for_an_answer(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "counts.py").write_text(COUNTS)
    error = "RuntimeError: dictionary changed size during iteration"
    port = SandboxRerun()
    same = Rerun(root, root, ("counts.py",), root / "counts.py", COUNTS.replace("'b': 0", "'b': 0, 'd': 0"), error)
    assert await port(same) is False
    moved_on = COUNTS.replace("for key in counts:", "for key in list(counts):").replace("report.txt", "no/such/dir.txt")
    assert await port(Rerun(root, root, ("counts.py",), root / "counts.py", moved_on, error)) is True  # next error
    assert tree(root) == {"counts.py": COUNTS}


async def test_the_rerun_yields_the_cpu_to_the_editor(tmp_path: Path) -> None:
    """Re-runs are background work: the sandbox runs them niced, so the hint and the editor keep the CPU."""
    root = tmp_path / "ws"
    root.mkdir()
    sandbox = Sandbox(root, Limits(timeout_s=30, niceness=10))
    assert await sandbox.unavailable() is None
    result = await sandbox.run("import os\nprint('nice', os.nice(0))\n")
    assert result.exit_code == 0 and "nice 10" in result.output, result.output


async def test_a_shell_scripts_trial_fix_is_offered_once_its_rerun_gets_past_the_error(tmp_path: Path) -> None:
    """A possible cause's fix in a shell script (a slip of a command's name) is re-run too: offered only then."""
    root = tmp_path / "ws"
    root.mkdir()
    script = "#!/bin/bash\nset -e\necho start\npyhton3 -c 'print(1)'\n"
    (root / "go.sh").write_text(script)
    done = subprocess.run(["bash", "go.sh"], cwd=root, capture_output=True, text=True, timeout=30)  # noqa: ASYNC221
    run = TerminalRun("bash go.sh", done.stdout + done.stderr, done.returncode, str(root))
    assert "command not found" in run.output
    view = Snapshot(root, texts={(root / "go.sh").as_uri(): script}, run=run)
    backend = OfflineBackend(view, rerun=SandboxRerun())
    backend.notice_failure(Failure("run", "go.sh failed", run))
    first = drain(backend)
    hint = calls(first, "annotate")
    assert hint and hint[0].args["message"].startswith(POSSIBLE) and not calls(first, "propose_fix")
    fix = await proposed(backend, "the trial fix, after its re-run", 60)
    assert "python3 -c" in fix["new_text"] and "re-run in a sandbox" in fix["explanation"]
    assert (root / "go.sh").read_text() == script, "the re-run wrote into the workspace"
    await backend.close()


async def test_a_shell_fix_that_still_fails_the_same_way_gets_no_for_an_answer(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    script = "#!/bin/bash\npyhton3 -c 'print(1)'\n"
    (root / "go.sh").write_text(script)
    error = "pyhton3: command not found"
    port = SandboxRerun()
    same = Rerun(root, root, ("go.sh",), root / "go.sh", script + "# a comment\n", error, "bash")
    assert await port(same) is False
    fixed = script.replace("pyhton3", "python3")
    assert await port(Rerun(root, root, ("go.sh",), root / "go.sh", fixed, error, "bash")) is True


async def test_what_echo_piped_in_is_piped_in_again(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    program = "age = input('Age? ')\nprint(age + 1)\n"
    (root / "age.py").write_text(program)
    error = 'TypeError: can only concatenate str (not "int") to str'
    fixed = program.replace("age = input('Age? ')", "age = int(input('Age? '))")
    port = SandboxRerun()
    assert await port(Rerun(root, root, ("age.py",), root / "age.py", fixed, error, stdin="41\n")) is True
    assert await port(Rerun(root, root, ("age.py",), root / "age.py", program, error, stdin="41\n")) is False
