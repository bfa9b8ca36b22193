"""Fixtures: the real daemon over stdio, talking to the fake Live service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.live_server import FakeLiveServer
from tests.lsp.harness import EditorClient, settings_for, start_editor


@pytest.fixture
def settings(fake: FakeLiveServer) -> dict[str, Any]:
    return settings_for(fake)


@pytest.fixture
async def editor(workspace: Path, fake: FakeLiveServer, settings: dict[str, Any]) -> AsyncIterator[EditorClient]:
    env = fake.subprocess_env()
    env.pop("GEMINI_API_KEY")  # the key comes from the editor at start, as from VS Code's SecretStorage
    env.pop("GOOGLE_GEMINI_BASE_URL")  # the endpoint comes from the baseUrl setting
    client = await start_editor(workspace, env, settings)
    yield client
    await client.lsp.shutdown_session()
