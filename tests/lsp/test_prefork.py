"""The warm-daemon launcher `make check` uses (tests/prefork.py) gives a test what `python -m livepair serve` gives
it: a daemon on the test's pipes, with the test's environment and directory, whose exit code is the launcher's and
which dies with the launcher. `make test` spawns daemons the ordinary way, so this is where the launcher is proven."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import prefork
from tests.fakes.live_server import FakeLiveServer
from tests.lsp.harness import settings_for
from tests.lsp.rawio import RawDaemon
from tests.processes import wait_exited

pytestmark = pytest.mark.slow  # real daemons started both ways: `make test`, not the inner loop


def forked() -> set[int]:
    """The zygote's live children: the daemons it forked."""
    pid = prefork.zygote_pid()
    if pid is None:
        return set()
    return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


@pytest.fixture(autouse=True)
def prefork_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process's own zygote, not one shared with other workers: its children are this test's alone."""
    monkeypatch.setenv(prefork.ENV, "1")
    monkeypatch.delenv(prefork.SHARED, raising=False)


async def test_a_forked_daemon_has_the_tests_pipes_environment_directory_and_exit_code(
    workspace: Path, fake: FakeLiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workspace)
    before = forked()
    # The key, endpoint and CA only in the launcher's environment: the daemon reaches the fake with them.
    env = fake.subprocess_env()
    settings = {k: v for k, v in settings_for(fake).items() if k != "baseUrl"}
    daemon = await RawDaemon.start(workspace, env, settings)
    try:
        (child,) = forked() - before
        assert os.readlink(f"/proc/{child}/cwd") == str(workspace)
        started = await daemon.command("livepair.start")
        assert started["result"]["backend"] == "gemini"
        await fake.wait_until(lambda: bool(fake.setups()))  # the key and CA from its environment worked
        daemon.notify("exit", None)  # without shutdown: the daemon's code is 1, and so is the launcher's
        await daemon.drain()
        assert await daemon.proc.wait() == 1
        await wait_exited(child)
    finally:
        await daemon.close()


async def test_a_killed_launcher_takes_its_daemon_with_it(workspace: Path, tmp_path: Path) -> None:
    before = forked()
    daemon = await RawDaemon.start(workspace, {"LIVEPAIR_STATE_DIR": str(tmp_path / "state")})
    try:
        await daemon.probe()
        (child,) = forked() - before
        daemon.proc.kill()
        await daemon.proc.wait()
        await wait_exited(child)  # ended (the zygote reaps it a moment later)
    finally:
        await daemon.close()
