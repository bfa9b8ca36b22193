"""Fixtures every daemon test shares: the scenario workspace and the fake Live service."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from livepair.scenario import write_workspace
from tests import prefork
from tests.fakes.live_server import FakeLiveServer
from tests.keys import API_KEY, GITHUB_TOKEN


def pytest_configure(config: pytest.Config) -> None:
    # make check's warm daemons (tests/prefork.py): one zygote, started before xdist spawns its workers.
    if os.environ.get(prefork.ENV) and not hasattr(config, "workerinput"):
        prefork.share_zygote()


@pytest.fixture(autouse=True)
def private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The daemon's state dir (sent log, tool audit log, always-allowed commands) per test, never the user's."""
    state = tmp_path / "state"
    monkeypatch.setenv("LIVEPAIR_STATE_DIR", str(state))
    return state


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The f.py scenario, plus a settings file holding a token the daemon must never send."""
    root = tmp_path / "ws"
    write_workspace(root)
    (root / "settings_local.py").write_text(f'GITHUB_TOKEN = "{GITHUB_TOKEN}"\nDEBUG = True\n')
    return root


@pytest.fixture
async def fake() -> AsyncIterator[FakeLiveServer]:
    """The fake Live service; a protocol violation by the daemon fails the test."""
    async with FakeLiveServer(api_key=API_KEY) as server:
        yield server
        server.raise_errors()
