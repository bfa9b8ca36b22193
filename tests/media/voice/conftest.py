"""Fixtures for voice tests on real (virtual) devices: PulseAudio, speech clips, the fake Live server, the daemon."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from livepair.scenario import write_workspace
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import MODEL
from tests.keys import API_KEY
from tests.lsp.harness import EditorClient, start_editor
from tests.media.voice.pulse import MIC_DEVICE, REQUIRED, PulseAudio, speech
from tests.tooling import require_tool

USER_SAYS = "Why is the config file not found?"
MODEL_SAYS = "The path is relative to where you ran it."
StartDaemon = Callable[..., Awaitable[EditorClient]]


@pytest.fixture(scope="session")
def pulse() -> Iterator[PulseAudio]:
    require_tool(*REQUIRED, hint="run scripts/setup-audio.sh as root (make setup)")
    pa = PulseAudio().start()
    yield pa
    pa.stop()


@pytest.fixture(scope="session")
def user_clip() -> bytes:
    return speech(USER_SAYS, 16_000)


@pytest.fixture(scope="session")
def reply_clip() -> bytes:
    return speech(MODEL_SAYS, 24_000)


@pytest.fixture(scope="session")
def reply_clip_16k() -> bytes:
    return speech(MODEL_SAYS, 16_000)


@pytest.fixture
async def daemon(
    tmp_path: Path, fake: FakeLiveServer, pulse: PulseAudio
) -> AsyncIterator[Callable[..., Awaitable[EditorClient]]]:
    """Start the real daemon (in the PulseAudio environment) with voice settings; stop it afterwards."""
    editors: list[EditorClient] = []

    async def start(env: dict[str, str] | None = None, **settings: Any) -> EditorClient:
        root = tmp_path / f"ws{len(editors)}"
        write_workspace(root)
        full = {**fake.subprocess_env(), **pulse.env, **(env or {})}
        full.pop("GEMINI_API_KEY")
        full.pop("GOOGLE_GEMINI_BASE_URL")
        options = {
            "baseUrl": fake.url,
            "model": MODEL,
            "micDevice": MIC_DEVICE,
            "micChunkMs": 20,
            "jitterMs": 60,
            **settings,
        }
        editor = await start_editor(root, full, options)
        editors.append(editor)
        await editor.command("livepair.start", {"apiKey": API_KEY})
        await editor.wait_state("listening")
        return editor

    yield start
    for editor in editors:
        await editor.lsp.shutdown_session()


def last(editor: EditorClient, key: str) -> dict[str, Any]:
    status = editor.statuses[-1] if editor.statuses else {}
    value = status.get(key)
    return value if isinstance(value, dict) else {}


async def wait_device(editor: EditorClient, key: str, state: str, timeout: float = 15.0) -> dict[str, Any]:
    return await editor.wait_for(
        lambda: last(editor, key) if last(editor, key).get("state") == state else None, timeout, f"{key} {state}"
    )
