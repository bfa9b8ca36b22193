"""A fix is re-run before it is offered as the preferred fix (backends/offline/recheck.py).

The advisor's hint comes at once; the fix follows only when the program, re-run with it through the port the
session hands in, gets past its error. A fix whose re-run still fails the same way is never offered; without a
verdict (no sandbox here) the fix is offered as checked statically, as before. The real sandbox port is
tests/programs/test_fix_rerun.py.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from livepair.backends.backend import BackendEvent, Failure, Status, Text, ToolCall
from livepair.backends.offline.advisor import OfflineBackend
from livepair.backends.offline.probation import POSSIBLE
from livepair.backends.offline.recheck import (
    Rerun,
    failure,
    node_argv,
    past_the_error,
    piped_input,
    python_argv,
    shell_argv,
)
from livepair.model import TerminalRun
from tests.processes import wait_until
from tests.unit.test_advisor_view import Snapshot

PROGRAM = "nums = [3, 1, 2]\nnums = nums.sort()\nprint(nums[0])\n"
# An async function called without await: a possible cause (probation.py), whose fix is only a trial.
UNAWAITED = (
    "import asyncio\n\n\nasync def two():\n    return 2\n\n\nasync def main():\n    print(two() + 1)\n\n\n"
    "asyncio.run(main())\n"
)
# A file read from the working directory that is under src/: "it exists at" is a possible cause with a lesson.
READS_CONFIG = "import json\nwith open('data/config.json') as fh:\n    print(json.load(fh))\n"


class Port:
    """A re-run port whose verdict the test gives when it likes; it records what it was asked to re-run."""

    def __init__(self) -> None:
        self.asked: list[Rerun] = []
        self.verdict: asyncio.Future[bool | None] = asyncio.get_running_loop().create_future()

    async def __call__(self, rerun: Rerun) -> bool | None:
        self.asked.append(rerun)
        return await self.verdict


def failed_run(root: Path, program: str = PROGRAM) -> TerminalRun:
    (root / "prog.py").write_text(program)
    done = subprocess.run([sys.executable, "prog.py"], cwd=root, capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    return TerminalRun(f"{sys.executable} prog.py", done.stdout + done.stderr, done.returncode, str(root))


def drain(backend: OfflineBackend) -> list[BackendEvent]:
    events: list[BackendEvent] = []
    while not backend._events.empty():
        event = backend._events.get_nowait()
        if not isinstance(event, Status):
            events.append(event)
    return events


def calls(events: list[BackendEvent], name: str) -> list[ToolCall]:
    return [e for e in events if isinstance(e, ToolCall) and e.name == name]


async def proposed(backend: OfflineBackend, what: str, timeout: float = 10) -> dict[str, Any]:
    """The arguments of the first fix the backend proposes, once it does."""
    later: list[BackendEvent] = []

    def fix_came() -> bool:
        later.extend(drain(backend))
        return bool(calls(later, "propose_fix"))

    await wait_until(fix_came, what, timeout=timeout)
    return calls(later, "propose_fix")[0].args


async def advised(tmp_path: Path, port: Port, program: str = PROGRAM) -> tuple[OfflineBackend, list[BackendEvent]]:
    run = failed_run(tmp_path, program)
    view = Snapshot(tmp_path, texts={(tmp_path / "prog.py").as_uri(): program}, run=run)
    backend = OfflineBackend(view, rerun=port)
    backend.notice_failure(Failure("run", "prog.py failed", run))
    return backend, drain(backend)


async def test_the_hint_comes_at_once_and_the_fix_after_its_rerun_gets_past_the_error(tmp_path: Path) -> None:
    port = Port()
    backend, first = await advised(tmp_path, port)
    hint = calls(first, "annotate")
    assert hint and "sort" in hint[0].args["message"] and hint[0].args["line"] == 2
    assert not calls(first, "propose_fix"), "the fix waits for its re-run"
    await wait_until(lambda: bool(port.asked), "the re-run asked for")
    asked = port.asked[0]
    assert asked.argv == ("prog.py",) and asked.path == tmp_path / "prog.py"
    assert "sorted(nums)" in asked.patched and asked.error.startswith("TypeError")
    port.verdict.set_result(True)
    fix = await proposed(backend, "the fix proposed")
    assert fix["path"] == "prog.py" and "sorted(nums)" in fix["new_text"]
    assert "re-run in a sandbox" in fix["explanation"]
    await backend.close()


async def test_a_fix_whose_rerun_fails_the_same_way_is_not_offered(tmp_path: Path) -> None:
    port = Port()
    backend, first = await advised(tmp_path, port)
    port.verdict.set_result(False)
    await wait_until(lambda: bool(port.asked) and "offline:recheck" not in backend._tasks.running, "the re-run done")
    assert calls(first, "annotate")
    assert not calls(first + drain(backend), "propose_fix")
    await backend.close()


async def test_without_a_verdict_the_statically_checked_fix_is_offered(tmp_path: Path) -> None:
    port = Port()
    backend, _first = await advised(tmp_path, port)
    port.verdict.set_result(None)
    await wait_until(lambda: bool(port.asked) and "offline:recheck" not in backend._tasks.running, "the re-run done")
    fix = calls(drain(backend), "propose_fix")
    assert fix and "sorted(nums)" in fix[0].args["new_text"]
    assert "re-run" not in fix[0].args["explanation"]
    await backend.close()


async def test_a_possible_causes_trial_fix_is_offered_once_its_rerun_gets_past_the_error(tmp_path: Path) -> None:
    port = Port()
    backend, first = await advised(tmp_path, port, UNAWAITED)
    hint = calls(first, "annotate")
    assert hint and hint[0].args["message"].startswith(POSSIBLE) and hint[0].args["line"] == 9
    assert not calls(first, "propose_fix")
    await wait_until(lambda: bool(port.asked), "the trial re-run asked for")
    assert "await two()" in port.asked[0].patched
    port.verdict.set_result(True)
    fix = await proposed(backend, "the trial fix proposed")
    assert "await two()" in fix["new_text"] and "re-run in a sandbox" in fix["explanation"]
    backend.send_text("what went wrong?")  # what is said of the run from now on names the proven fix
    answer = " ".join(e.text for e in drain(backend) if isinstance(e, Text))
    assert "Possible cause" in answer and "quick fix rewrites" in answer and "await two()" in answer
    await backend.close()


@pytest.mark.parametrize("asked_first", [False, True])
async def test_in_tutor_mode_a_proven_trial_fix_comes_with_the_answer(tmp_path: Path, asked_first: bool) -> None:
    # The fix comes last in tutor mode: a possible cause's trial is re-run all the same, and the answer carries it
    # once proven, whether the learner asks for the answer before the verdict or after it.
    port = Port()
    (tmp_path / "src" / "data").mkdir(parents=True)
    (tmp_path / "src" / "data" / "config.json").write_text("{}")
    run = failed_run(tmp_path, READS_CONFIG)
    view = Snapshot(tmp_path, texts={(tmp_path / "prog.py").as_uri(): READS_CONFIG}, run=run)
    backend = OfflineBackend(view, rerun=port)
    backend.set_tutor("beginner")
    backend.notice_failure(Failure("run", "prog.py failed", run))
    first = drain(backend)
    assert calls(first, "give_hint") or calls(first, "record_concept"), "taught, not advised as a pair"
    assert not calls(first, "propose_fix")
    await wait_until(lambda: bool(port.asked), "the trial re-run asked for")
    later: list[BackendEvent] = []
    if asked_first:
        backend.learner_asks("fix", "prog.py", 2)
        later += drain(backend)
        assert not calls(later, "propose_fix"), "not proven yet"
    port.verdict.set_result(True)
    await wait_until(lambda: "offline:recheck" not in backend._tasks.running, "the re-run done")
    if not asked_first:
        assert not calls(drain(backend), "propose_fix"), "the fix waits for the learner"
        backend.learner_asks("fix", "prog.py", 2)
    later += drain(backend)
    fix = calls(later, "propose_fix")
    assert len(fix) == 1 and "src/data/config.json" in fix[0].args["new_text"]
    await backend.close()


@pytest.mark.parametrize("verdict", [None, False])
async def test_a_possible_causes_trial_fix_without_a_passing_rerun_is_never_offered(
    tmp_path: Path, verdict: bool | None
) -> None:
    # Unlike a diagnosis's statically checked fix: nothing but a re-run shows the guess was the cause.
    port = Port()
    backend, first = await advised(tmp_path, port, UNAWAITED)
    port.verdict.set_result(verdict)
    await wait_until(lambda: bool(port.asked) and "offline:recheck" not in backend._tasks.running, "the re-run done")
    assert calls(first, "annotate")
    assert not calls(first + drain(backend), "propose_fix")
    await backend.close()


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ("python app.py --n 3", ("app.py", "--n", "3")),
        ("python3 -u tools/run.py", ("tools/run.py",)),
        ("/usr/bin/python3.11 -m pkg.main x", ("-m", "pkg.main", "x")),
        ("bash -c 'python app.py'", None),
        ("python app.py | tee log", None),
        ("python app.py > out.txt", None),
        ("python -c 'print(1)'", None),
        ("node app.js", None),
        ("pytest -q", None),
    ],
)
def test_only_a_plain_python_command_is_rerun(command: str, argv: tuple[str, ...] | None) -> None:
    assert python_argv(command) == argv


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ("bash deploy.sh", ("bash", "deploy.sh")),
        ("sh tools/go.sh --fast", ("sh", "tools/go.sh", "--fast")),
        ("bash -c 'rm -rf x'", None),
        ("bash go.sh; rm x", None),
        ("bash go.sh $HOME", None),
        ("zsh go.sh", None),
        ("./go.sh", None),
        ("bash", None),
    ],
)
def test_only_a_plain_shell_script_is_rerun(command: str, argv: tuple[str, ...] | None) -> None:
    assert shell_argv(command) == argv


def test_a_shell_scripts_rerun_is_past_its_error_when_the_shell_says_otherwise(tmp_path: Path) -> None:
    rerun = Rerun(tmp_path, tmp_path, ("go.sh",), tmp_path / "go.sh", "", "pyhton3: command not found", "bash")
    assert past_the_error(rerun, 0, "")
    assert past_the_error(rerun, 1, "go.sh: line 3: cd: nowhere: No such file or directory\n")
    assert not past_the_error(rerun, 127, "go.sh: line 2: pyhton3: command not found\n")
    assert not past_the_error(rerun, 1, "")  # failed, with no words from the shell to show it moved on


@pytest.mark.parametrize(
    ("command", "argv"),
    [
        ("node app.js", ("node", "app.js")),
        ("node server/index.mjs --port 3000", ("node", "server/index.mjs", "--port", "3000")),
        ("node --inspect app.js", None),
        ("node -e 'process.exit(1)'", None),
        ("node app.js && rm x", None),
        ("npm start", None),
        ("node", None),
    ],
)
def test_only_a_plain_node_script_is_rerun(command: str, argv: tuple[str, ...] | None) -> None:
    assert node_argv(command) == argv


NODE_CRASH = (
    "/w/app.js:3\n  cfg.port\n      ^\n\nTypeError: Cannot read properties of undefined (reading 'port')\n"
    "    at Object.<anonymous> (/w/app.js:3:7)\n\nNode.js v20.20.2\n"
)


def test_a_node_scripts_rerun_is_past_its_error_when_node_throws_another(tmp_path: Path) -> None:
    said = failure("node", NODE_CRASH)
    assert said == "TypeError: Cannot read properties of undefined (reading 'port')"
    assert failure("node", "Error [ERR_REQUIRE_ESM]: require() of ES Module /w/x.mjs not supported.\n") == (
        "Error [ERR_REQUIRE_ESM]: require() of ES Module /w/x.mjs not supported."
    )
    rerun = Rerun(tmp_path, tmp_path, ("app.js",), tmp_path / "app.js", "", said, "node")
    assert not past_the_error(rerun, 1, NODE_CRASH)
    assert past_the_error(rerun, 1, "Error: ENOENT: no such file or directory, open 'x.json'\n")
    assert not past_the_error(rerun, 1, "Killed\n")  # failed, with nothing from node to show it moved on


@pytest.mark.parametrize(
    ("command", "given"),
    [
        ("echo 41 | python prog.py", ("41\n", "python prog.py")),
        ("echo 'Ann Lee' | python3 ask.py", ("Ann Lee\n", "python3 ask.py")),
        ("echo $HOME | python prog.py", (None, "echo $HOME | python prog.py")),
        ("cat x | python prog.py", (None, "cat x | python prog.py")),
        ("echo 1 | python a.py | tee log", (None, "echo 1 | python a.py | tee log")),
        ("python prog.py", (None, "python prog.py")),
    ],
)
def test_what_echo_pipes_in_is_given_to_the_rerun(command: str, given: tuple[str | None, str]) -> None:
    assert piped_input(command) == given


def test_past_the_error_means_it_ended_well_or_failed_otherwise(tmp_path: Path) -> None:
    rerun = Rerun(tmp_path, tmp_path, ("a.py",), tmp_path / "a.py", "", "KeyError: 'temp'")
    assert past_the_error(rerun, 0, "")
    assert past_the_error(rerun, 1, "Traceback (most recent call last):\nValueError: bad\n")
    assert not past_the_error(rerun, 1, "Traceback (most recent call last):\nKeyError: 'temp'\n")
    assert not past_the_error(rerun, None, "")  # killed: a timeout shows nothing got past
    assert not past_the_error(rerun, 2, "usage: a.py")  # failed, with nothing saying the error moved on
