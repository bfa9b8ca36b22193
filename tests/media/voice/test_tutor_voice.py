"""Tutor mode, offline, by voice: the real daemon with no API key, espeak-ng speech played into the virtual mic.

A learner whose program failed says "give me a hint", then "another hint", then "show me the fix": each puts the
next rung of the ladder on the failing line, the last one the fix. Ordinary speech said first climbs nothing.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from livepair.scenario import write_workspace
from tests.lsp.harness import EditorClient, start_editor
from tests.media.voice.conftest import wait_device
from tests.media.voice.pulse import MIC_DEVICE, PulseAudio, speech

AVERAGE_PY = 'scores = [3, 4, 5]\ntotal = sum(scores)\nprint("average:", totl / len(scores))\n'
FIXED_LINE = 'print("average:", total / len(scores))'
LINE = 2  # 0-based: the line that uses the misspelled name
StartTutor = Callable[[], Awaitable[tuple[EditorClient, str]]]


@pytest.fixture
async def tutor(tmp_path: Path, pulse: PulseAudio) -> AsyncIterator[StartTutor]:
    editors: list[EditorClient] = []

    async def start() -> tuple[EditorClient, str]:
        root = tmp_path / "ws"
        write_workspace(root)  # its f.py holds a risk the tutor places quietly on open: not what a request is about
        (root / "average.py").write_text(AVERAGE_PY)
        # Full duplex (headphones): the mic stays open while the tutor says a hint, so the learner's next request
        # needs no wait for the room to fall quiet.
        options = {"micDevice": MIC_DEVICE, "micChunkMs": 20, "jitterMs": 60, "duplex": "full"}
        editor = await start_editor(root, pulse.env, {**options, "mode": "tutor", "learnerLevel": "beginner"})
        editors.append(editor)
        uri = editor.open("average.py")
        assert (await editor.command("livepair.start"))["backend"] == "offline"
        assert (await editor.wait_state("listening")).get("mode") == "tutor"
        await wait_device(editor, "mic", "on")
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "average.py", cwd=root, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
        out, _ = await asyncio.wait_for(proc.communicate(), 30)
        editor.send_terminal(f"{sys.executable} average.py", out.decode(), proc.returncode)
        await editor.wait_for(lambda: "?" in note(editor, uri), what="the guiding question")
        return editor, uri

    yield start
    for editor in editors:
        await editor.lsp.shutdown_session()


def note(editor: EditorClient, uri: str) -> str:
    return next((d.message for d in editor.livepair_diagnostics(uri) if d.range.start.line == LINE), "")


def heard(editor: EditorClient) -> list[str]:
    return [t["text"] for t in editor.transcripts if t["role"] == "user" and t["final"]]


async def test_saying_the_requests_climbs_the_ladder_to_the_fix(tutor: StartTutor, pulse: PulseAudio) -> None:
    editor, uri = await tutor()
    question = note(editor, uri)
    assert not question.startswith("Hint"), question
    pause = bytes(2 * 16_000 * 3 // 2)  # 1.5 s: longer than the pause that ends an utterance (0.8 s)
    await pulse.speak_into_mic(speech("let me run it again", 16_000) + pause)  # not a request: climbs nothing
    await pulse.speak_into_mic(speech("give me a hint", 16_000))
    await editor.wait_for(lambda: note(editor, uri).startswith("Hint 1 of 3"), timeout=20, what="hint 1 on the line")
    assert heard(editor) == ["give me a hint"], "the stray sentence was taken for a request"
    await pulse.speak_into_mic(speech("another hint", 16_000))
    await editor.wait_for(lambda: note(editor, uri).startswith("Hint 2 of 3"), timeout=20, what="hint 2 on the line")
    assert heard(editor) == ["give me a hint", "another hint"]
    await pulse.speak_into_mic(speech("show me the fix", 16_000))
    await editor.wait_for(
        lambda: any(d.code == "fix" for d in editor.livepair_diagnostics(uri)), timeout=20, what="the fix on the line"
    )
    actions = await editor.code_actions(uri, LINE)
    assert any(FIXED_LINE in e.changes[uri][0].new_text for a in actions if (e := a.edit) and e.changes), actions
    assert heard(editor)[-1] == "show me the fix"
