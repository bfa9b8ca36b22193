"""Voice end to end: the real daemon on a virtual mic and speaker (PulseAudio), the fake Live server as the model.

Speech is synthesised with espeak-ng, played into the microphone and compared (cross-correlation) with what the
fake received; the fake's 24 kHz replies are recorded from the speaker's monitor.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from livepair import scenario
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession
from tests.media.voice.conftest import StartDaemon, wait_device
from tests.media.voice.pulse import PulseAudio, correlation, matches

CHUNK = 2400  # 50 ms of 24 kHz audio per server message, sent faster than real time (as the service does)


def realtime_kinds(fake: FakeLiveServer) -> list[str]:
    return [next(iter(m.body), "") for m in fake.messages if m.kind == "realtimeInput"]


def utterance_sent(fake: FakeLiveServer, clip: bytes) -> bool:
    """At least as much audio as the clip arrived and the stream has paused since (the VAD heard the end)."""
    kinds = realtime_kinds(fake)
    return len(fake.audio_received()) >= len(clip) and bool(kinds) and kinds[-1] == "audioStreamEnd"


async def reply(session: FakeSession, pcm: bytes, complete: bool = True) -> None:
    """Speak `pcm`; a model that is cut off stops (it does not carry on as the answer to what cut it off)."""
    for i in range(0, len(pcm), CHUNK * 2):
        if session.cut_off:
            return
        await session.send_audio(pcm[i : i + CHUNK * 2], rate=24_000)
    if complete:
        await session.send_turn_complete()


def answer_each_question_with(pcm: bytes, complete: bool = True) -> Any:
    async def model(session: FakeSession) -> None:
        while True:
            await session.next_message("clientContent", lambda m: bool(m.body.get("turnComplete")), timeout=60)
            await reply(session, pcm, complete)

    return model


async def test_push_to_talk_speech_reaches_the_model_between_activity_signals(
    daemon: StartDaemon, fake: FakeLiveServer, pulse: PulseAudio, user_clip: bytes
) -> None:
    editor = await daemon(pushToTalk=True)
    mic = await wait_device(editor, "mic", "on")
    assert mic["device"] == "virtmic"
    (setup,) = fake.setups()
    assert setup["realtimeInputConfig"]["automaticActivityDetection"]["disabled"] is True

    await pulse.speak_into_mic(user_clip[: len(user_clip) // 4])  # not held: nothing may be sent
    assert fake.audio_received() == b""

    await editor.command("livepair.pushToTalkStart")
    await fake.wait_until(lambda: "activityStart" in realtime_kinds(fake))
    await pulse.speak_into_mic(user_clip)
    await fake.wait_until(lambda: len(fake.audio_received()) >= len(user_clip))
    await editor.command("livepair.pushToTalkEnd")
    await fake.wait_until(lambda: "activityEnd" in realtime_kinds(fake))

    kinds = realtime_kinds(fake)
    assert kinds[0] == "activityStart" and kinds[-1] == "activityEnd"
    assert set(kinds[1:-1]) == {"audio"}
    assert matches(user_clip, fake.audio_received())


async def test_reply_is_played_and_an_interruption_silences_it_within_150_ms(
    daemon: StartDaemon, fake: FakeLiveServer, pulse: PulseAudio, reply_clip: bytes
) -> None:
    long_reply = reply_clip * 3
    turns: list[bytes] = [reply_clip, long_reply]

    async def model(session: FakeSession) -> None:
        for pcm in turns:
            await session.next_message("clientContent", lambda m: bool(m.body.get("turnComplete")), timeout=60)
            await reply(session, pcm, complete=pcm is reply_clip)
        await session.wait_closed(timeout=60)  # the user's third question cuts the long reply off

    fake.model = model
    editor = await daemon()
    await wait_device(editor, "speaker", "on")
    async with pulse.recording() as rec:
        await editor.command("livepair.ask", "Why is the config not found?")
        await rec.wait(lambda: rec.loud_at().size > 0)
        start = int(rec.loud_at()[0])
        await rec.wait(lambda: rec.position > start + len(reply_clip) // 2 + rec.rate // 2)
        assert matches(reply_clip, rec.samples().tobytes(), rate=rec.rate)

        await editor.command("livepair.ask", "And how do I fix it?")
        mark = rec.position
        await rec.wait(lambda: rec.loud_at(mark).size > 0)
        await rec.wait(lambda: rec.position > mark + int(rec.loud_at(mark)[0]) + rec.rate // 2)  # mid-reply
        sent_at = rec.position  # what parec delivered lags real time, which only makes the bound stricter
        await editor.command("livepair.ask", "Wait, I see it.")  # the user's question interrupts at once
        await rec.wait(lambda: rec.position > sent_at + rec.rate // 2)
    loud = rec.loud_at(sent_at)
    stopped_ms = (int(loud[-1]) + rec.rate // 200) * 1000 / rec.rate if loud.size else 0.0
    assert stopped_ms <= 150, f"playback went on for {stopped_ms:.0f} ms after the user asked"
    assert any(m.get("serverContent", {}).get("interrupted") for m in fake.sessions[0].sent), "the service cut it"
    assert rec.loud_at(sent_at + rec.rate // 5).size == 0  # and stayed silent


async def test_half_duplex_never_sends_our_own_voice(
    daemon: StartDaemon,
    fake: FakeLiveServer,
    pulse: PulseAudio,
    user_clip: bytes,
    reply_clip: bytes,
    reply_clip_16k: bytes,
) -> None:
    fake.model = answer_each_question_with(reply_clip)
    pulse.echo(True)  # the mic hears the speaker
    try:
        editor = await daemon()
        await wait_device(editor, "mic", "on")
        await wait_device(editor, "speaker", "on")
        async with pulse.recording() as rec:
            await editor.command("livepair.ask", "Why is the config not found?")
            await rec.wait(lambda: rec.loud_at().size > 0)
            start = int(rec.loud_at()[0])
            await rec.wait(lambda: rec.position > start + len(reply_clip) // 2 + rec.rate)  # played, and a pause
        assert fake.audio_received() == b"", "the model heard itself"

        await pulse.speak_into_mic(user_clip)  # now the user talks: that goes through, cut by the local VAD
        await fake.wait_until(lambda: utterance_sent(fake, user_clip), timeout=20)
        heard = fake.audio_received()
        assert matches(user_clip, heard)
        assert correlation(reply_clip_16k, heard) < 0.5
    finally:
        pulse.echo(False)


async def test_headphone_mode_is_full_duplex(
    daemon: StartDaemon, fake: FakeLiveServer, pulse: PulseAudio, reply_clip: bytes, reply_clip_16k: bytes
) -> None:
    """The control for the test above: without gating, the same room feeds the reply back to the model, and the
    service, hearing "speech" over its own reply, cuts that reply off (START_OF_ACTIVITY_INTERRUPTS)."""
    fake.model = answer_each_question_with(reply_clip)
    pulse.echo(True)
    try:
        editor = await daemon(duplex="full")
        await wait_device(editor, "mic", "on")
        await wait_device(editor, "speaker", "on")
        await editor.command("livepair.ask", "Why is the config not found?")
        await fake.wait_until(lambda: "audioStreamEnd" in realtime_kinds(fake), timeout=20)
        heard = fake.audio_received()
        # What came back is the reply's first words (the loopback resamples 24 -> 48 -> 16 kHz on the way) ...
        loud = np.flatnonzero(np.abs(np.frombuffer(heard, dtype=np.int16)) > 1000)
        assert loud.size, "nothing of the reply came back to the model"
        echoed = heard[int(loud[0]) * 2 : int(loud[-1] + 1) * 2]
        assert len(echoed) >= 16_000 // 20 * 2 and correlation(echoed, reply_clip_16k) > 0.8
        # ... and the service took it for the user talking over the senior dev.
        await fake.wait_until(
            lambda: any(m.get("serverContent", {}).get("interrupted") for m in fake.sessions[0].sent), timeout=10
        )
    finally:
        pulse.echo(False)


async def test_unplugging_the_mic_keeps_the_session_and_voice_comes_back(
    daemon: StartDaemon, fake: FakeLiveServer, pulse: PulseAudio, user_clip: bytes
) -> None:
    editor = await daemon(pushToTalk=True)
    await wait_device(editor, "mic", "on")
    try:
        pulse.unload_mic()
        lost = await wait_device(editor, "mic", "unavailable")
        assert "microphone" in lost["reason"].lower() and "come back" in lost["reason"]
        assert editor.statuses[-1]["state"] == "listening"
        await editor.command("livepair.ask", "still there?")  # text still works
        await fake.wait_until(lambda: any("still there?" in t for t in fake.texts_sent()))
    finally:
        pulse.load_mic()
    await wait_device(editor, "mic", "on")
    await editor.command("livepair.pushToTalkStart")
    await pulse.speak_into_mic(user_clip)
    await fake.wait_until(lambda: len(fake.audio_received()) >= len(user_clip))
    await editor.command("livepair.pushToTalkEnd")
    assert matches(user_clip, fake.audio_received())


async def test_no_sound_server_means_no_voice_with_a_reason(daemon: StartDaemon, fake: FakeLiveServer) -> None:
    editor = await daemon(env={"PULSE_SERVER": "unix:/nonexistent/livepair-test"})
    mic = await wait_device(editor, "mic", "unavailable")
    speaker = await wait_device(editor, "speaker", "unavailable")
    assert mic["reason"] and speaker["reason"]
    await editor.command("livepair.ask", "can you read this?")
    await fake.wait_until(lambda: any("can you read this?" in t for t in fake.texts_sent()))
    assert editor.statuses[-1]["state"] in ("listening", "thinking")


async def test_no_portaudio_means_no_voice_with_a_reason(
    daemon: StartDaemon, fake: FakeLiveServer, tmp_path: Path
) -> None:
    # What `import sounddevice` raises on a machine without libportaudio2.
    stub = tmp_path / "no-portaudio"
    stub.mkdir()
    (stub / "sounddevice.py").write_text("raise OSError('PortAudio library not found')\n")
    editor = await daemon(env={"PYTHONPATH": str(stub)})
    mic = await wait_device(editor, "mic", "unavailable")
    assert "PortAudio" in mic["reason"] and "libportaudio2" in mic["reason"]
    await editor.command("livepair.ask", "hello?")
    await fake.wait_until(lambda: any("hello?" in t for t in fake.texts_sent()))


def error(line: int, message: str) -> dict[str, Any]:
    where = {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 5}}
    return {"range": where, "severity": 1, "source": "Pylance", "message": message}


async def test_balanced_speaks_up_once_per_error(daemon: StartDaemon, fake: FakeLiveServer) -> None:
    editor = await daemon(remarkIntervalS=0)
    await wait_device(editor, "speaker", "on")
    uri = editor.uri("f.py")  # not opened: opening counts as typing, which would hold the remark back 3 s
    first, second = error(2, '"pathh" is not defined'), error(5, "Unexpected indentation")

    def remarks(about: str) -> list[str]:
        return [
            t
            for t in fake.texts_sent()
            if "A new error appeared" in t and any(ln.startswith("Problem:") and about in ln for ln in t.splitlines())
        ]

    editor.send_diagnostics(uri, [first])
    await fake.wait_until(lambda: bool(remarks("pathh")), timeout=15)
    editor.send_diagnostics(uri, [first, second])  # the same error again, and a new one
    await fake.wait_until(lambda: bool(remarks("Unexpected indentation")), timeout=15)
    assert len(remarks("pathh")) == 1


async def test_barge_in_stops_the_reply_and_lets_the_user_through(
    daemon: StartDaemon, fake: FakeLiveServer, pulse: PulseAudio, user_clip: bytes, reply_clip: bytes
) -> None:
    fake.model = answer_each_question_with(reply_clip * 4, complete=False)
    pulse.echo(True, volume_percent=5)  # the room: the mic hears the speaker, about 26 dB down
    try:
        editor = await daemon(bargeIn=True)
        await wait_device(editor, "mic", "on")
        await wait_device(editor, "speaker", "on")
        async with pulse.recording() as rec:
            await editor.command("livepair.ask", "Walk me through it")
            await rec.wait(lambda: rec.loud_at().size > 0)
            start = int(rec.loud_at()[0])
            await rec.wait(lambda: rec.position > start + rec.rate)  # a second of our own voice in the room ...
            assert fake.audio_received() == b"", "the echo alone must not barge in"
            await pulse.speak_into_mic(user_clip)  # ... then the user talks over it
            mark = rec.position
            await rec.wait(lambda: rec.position > mark + rec.rate // 2)
        assert rec.loud_at(mark).size == 0, "the reply kept playing after the user spoke"
        assert rec.position - start < len(reply_clip) * 4 // 2, "the reply was cut short"
        await fake.wait_until(lambda: utterance_sent(fake, user_clip), timeout=20)
        assert matches(user_clip, fake.audio_received(), share=0.8)
    finally:
        pulse.echo(False)


@pytest.mark.parametrize(("dial", "heard"), [("quiet", False), ("chatty", True)])
async def test_a_failed_run_gets_a_hint_unasked_and_is_heard_only_as_the_dial_allows(
    daemon: StartDaemon, fake: FakeLiveServer, pulse: PulseAudio, reply_clip: bytes, dial: str, heard: bool
) -> None:
    """No question asked: the run fails, the senior dev puts a hint on the open() line; quiet keeps it silent."""

    async def model(session: FakeSession) -> None:
        request = await session.next_message(predicate=starts_turn, timeout=60)
        assert "FileNotFoundError" in "".join(request.texts())
        hint = {"path": "f.py", "line": scenario.MISSING_FILE_LINE, "message": "Relative to where you ran it."}
        await session.send_tool_call([{"name": "annotate", "args": hint}])
        await reply(session, reply_clip)
        await session.wait_closed(timeout=60)

    fake.model = model
    editor = await daemon(proactivity=dial)
    await wait_device(editor, "speaker", "on")
    uri = editor.open("f.py")
    async with pulse.recording() as rec:
        editor.send_terminal("python f.py", scenario.terminal_output(editor.root), 1)
        diags = await editor.wait_for(lambda: editor.livepair_diagnostics(uri), timeout=30, what="the hint")
        await editor.wait_for(
            lambda: any((st.get("usage") or {}).get("turns", 0) >= 1 for st in editor.statuses),
            timeout=30,
            what="the reply's turn to end",
        )
        end = rec.position
        await rec.wait(lambda: rec.position > end + rec.rate)  # a second after the reply: played out, if played
    assert [d.range.start.line for d in diags] == [scenario.MISSING_FILE_LINE - 1]
    assert (rec.loud_at().size > 0) is heard
