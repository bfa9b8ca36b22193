"""Tutor mode with a Gemini voice, against the Live service simulator: the learner's own fix is praised on screen
at once, and the model is asked, once, to say the praise aloud; its spoken reply (audio and its transcription)
reaches the editor. In a text session the model is not asked (tests/lsp/test_tutor_gemini.py)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fakes.live_server import FakeLiveServer
from tests.fakes.session import FakeSession
from tests.keys import API_KEY
from tests.lsp.harness import EditorClient, settings_for
from tests.lsp.test_tutor_gemini import AVERAGE_PY, LINE, first_rung, said


@pytest.fixture
def settings(fake: FakeLiveServer) -> dict[str, Any]:
    return settings_for(fake, mode="tutor", learnerLevel="beginner", responseModality="audio")


PRAISE_ASKED = "fixed the problem on their own"
SPOKEN = "Well done: you found that totl was never set, and fixed it yourself."


async def speak(session: FakeSession, words: str) -> None:
    """A spoken reply: its transcription and its audio, then the end of the turn."""
    await session.send_output_transcript(words)
    await session.send_audio(b"\x10\x00" * 4800)  # 0.1 s at 24 kHz
    await session.send_turn_complete()


async def voiced_tutor_model(session: FakeSession) -> None:
    """A tutor that answers in speech: the question first; later, asked to, it says the praise aloud."""
    await first_rung(session)
    await speak(session, "Where does totl get its value?")
    await session.next_message(predicate=lambda m: PRAISE_ASKED in said(m), timeout=30)
    await speak(session, SPOKEN)
    await asyncio.Event().wait()


async def test_with_a_voice_the_model_says_the_praise_aloud(
    editor: EditorClient, fake: FakeLiveServer, workspace: Path
) -> None:
    fake.model = voiced_tutor_model
    (workspace / "average.py").write_text(AVERAGE_PY)
    uri = editor.open("average.py")
    await editor.command("livepair.start", {"apiKey": API_KEY})
    await editor.wait_state("listening")
    failed = f"  File \"{workspace / 'average.py'}\", line 3, in <module>\nNameError: name 'totl' is not defined\n"
    editor.send_terminal(f"{sys.executable} average.py", failed, 1)
    await editor.wait_for(
        lambda: any(d.message == "Where is totl set?" for d in editor.livepair_diagnostics(uri)),
        timeout=30,
        what="the model's question",
    )
    editor.replace_line(uri, LINE, 'print("average:", total / len(scores))')
    passed = asyncio.get_running_loop().time()
    editor.send_terminal(f"{sys.executable} average.py", "average: 4.0\n", 0)
    await editor.wait_for(
        lambda: any("fixed it yourself" in t["text"] for t in editor.transcripts), what="the praise on screen"
    )
    assert asyncio.get_running_loop().time() - passed < 1.0, "on screen within a second"

    def asked() -> list[str]:
        return [said(m) for s in fake.sessions for m in s.messages if PRAISE_ASKED in said(m)]

    await fake.wait_until(lambda: bool(asked()), timeout=30)
    assert "You fixed it yourself: it runs now. You learned about Names. Why?" in asked()[0]
    await editor.wait_for(
        lambda: any(t["role"] == "model" and SPOKEN in t["text"] for t in editor.transcripts),
        timeout=30,
        what="the praise, spoken by the model (its transcription)",
    )
    assert len(asked()) == 1, "asked to say it once"
