"""The offline advisor's voice end to end: the real daemon with no API key, on the virtual mic and speaker.

Its advice must be heard on the speaker (compared with espeak-ng's own rendering of the same words), and a grammar
command spoken into the microphone must trigger its action.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from livepair.backends.offline.speech import Speech
from livepair.scenario import write_workspace
from tests.lsp.harness import EditorClient, start_editor
from tests.media.voice.conftest import wait_device
from tests.media.voice.pulse import MIC_DEVICE, PulseAudio, matches, speech

TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "f.py", line 2, in <module>\n'
    "    print(10 / total)\n"
    "ZeroDivisionError: division by zero\n"
)
StartOffline = Callable[..., Awaitable[EditorClient]]


@pytest.fixture
async def offline(tmp_path: Path, pulse: PulseAudio) -> AsyncIterator[StartOffline]:
    editors: list[EditorClient] = []

    async def start(**settings: Any) -> EditorClient:
        root = tmp_path / f"ws{len(editors)}"
        write_workspace(root)
        options = {"micDevice": MIC_DEVICE, "micChunkMs": 20, "jitterMs": 60, **settings}
        editor = await start_editor(root, pulse.env, options)  # no key: the offline advisor
        editors.append(editor)
        result = await editor.command("livepair.start")
        assert result["backend"] == "offline"
        await editor.wait_state("listening")
        await wait_device(editor, "speaker", "on")
        return editor

    yield start
    for editor in editors:
        await editor.lsp.shutdown_session()


def command_heard(editor: EditorClient) -> bool:
    return any(t["role"] == "user" and t["text"] == "what's wrong" for t in editor.transcripts)


def model_said(editor: EditorClient) -> list[str]:
    return [t["text"] for t in editor.transcripts if t["role"] == "model" and t["final"]]


async def test_a_failing_run_is_explained_aloud(offline: StartOffline, pulse: PulseAudio) -> None:
    editor = await offline()
    async with pulse.recording() as rec:
        editor.send_terminal("python f.py", TRACEBACK, 1)
        said = await editor.wait_for(lambda: model_said(editor), what="advice transcript")
        expected = await Speech().synthesise(said[0])
        assert expected, "espeak-ng rendered nothing"
        await rec.wait(lambda: rec.loud_at().size > 0, timeout=20)
        start = int(rec.loud_at()[0])
        await rec.wait(lambda: rec.position > start + len(expected) // 2 + rec.rate // 5, timeout=30)
    assert "zero" in said[0].lower()
    assert matches(expected, bytes(rec.data), rate=rec.rate, share=0.8), "the speaker did not play the advice"


async def test_whats_wrong_spoken_into_the_mic_explains_the_error(offline: StartOffline, pulse: PulseAudio) -> None:
    editor = await offline(proactivity="quiet")  # the run's advice stays text only; the question is heard
    await wait_device(editor, "mic", "on")
    editor.send_terminal("python f.py", TRACEBACK, 1)
    first = await editor.wait_for(lambda: model_said(editor), what="advice transcript")
    async with pulse.recording() as rec:
        assert rec.loud_at().size == 0
        clip = speech("what's wrong", 16_000)
        # Spoken right after the advisor's (silent) reply: the mic must not be gated for an echo that never was.
        await pulse.speak_into_mic(clip)
        await editor.wait_for(lambda: command_heard(editor), timeout=10, what="the command's transcript")
        await editor.wait_for(lambda: len(model_said(editor)) >= 2, timeout=15, what="the spoken explanation")
        await rec.wait(lambda: rec.loud_at().size > 0, timeout=20)
    assert model_said(editor)[1] == first[0]
