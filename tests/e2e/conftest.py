"""Fixtures every browser test shares."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.e2e.tools import E2ETools, find_tools
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.session import ModelScript


@pytest.fixture
def tools() -> E2ETools:
    """Node, code-server, the .vsix and Chromium (a failure on CI when missing, where `make test` installs them)."""
    return find_tools()


@pytest.fixture
async def fake(model: ModelScript) -> AsyncIterator[FakeLiveServer]:
    """The Live service's stand-in playing the module's `model` (a module without one defines its own `fake`);
    whatever went wrong in the model fails the test."""
    async with FakeLiveServer(model=model) as server:
        yield server
        server.raise_errors()
