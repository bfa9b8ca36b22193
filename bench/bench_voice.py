"""Voice: latency added inside the daemon, barge-in, bytes sent with local VAD gating, CPU of the audio path.

Runs the real audio path in this process — sounddevice on a private PulseAudio (virtual mic and speaker), the VAD
gate, the session, the Gemini backend and the real google-genai SDK — against the local fake Live server.
Timestamps: the mic callback (`MicChunk.captured`) and the return of the SDK's websocket send; the websocket
frame's arrival and the samples' hand-over to the speaker's jitter buffer; `interrupted`'s arrival and the first
silent device callback.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import deque
from collections.abc import Callable
from typing import Any, Literal

from bench.stats import percentile, report, summary
from livepair.model import CommandApproval, StatusSnapshot
from livepair.session.editor_port import NullEditor
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import MODEL
from tests.fakes.session import FakeSession
from tests.media.voice.pulse import MIC_DEVICE, PulseAudio, speech

BARGE_INS = 20
SPEAKING = 0.2  # share of the scripted session in which the user speaks
KEY = "bench-key"


class Editor(NullEditor):  # approved commands (none here) would run in the daemon
    def status(self, snapshot: StatusSnapshot) -> None: ...
    def transcript(self, role: Literal["user", "model"], text: str, final: bool) -> None: ...
    def advice_changed(self, uri: str, added: Any) -> None: ...
    def unplaced(self, text: str) -> None: ...

    async def approve(self, request: CommandApproval) -> bool:
        return False


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll a condition set by another thread (the audio callbacks) or another task."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("benchmark condition not reached")
        await asyncio.sleep(0.002)


async def bench(pa: PulseAudio) -> None:
    import websockets.asyncio.client as wsclient
    from google.genai import live

    from livepair.advice.store import AdviceStore
    from livepair.backends.gemini import GeminiBackend
    from livepair.backends.gemini_setup import declarations
    from livepair.config import Settings
    from livepair.context.redact import Redactor
    from livepair.context.store import ContextStore
    from livepair.session.prompt import SYSTEM_INSTRUCTION
    from livepair.session.session import PairSession
    from livepair.session.tools.catalogue import REGISTRY
    from livepair.session.voice import VoiceController

    reply = speech("The path is relative to where you ran the script.", 24_000)
    user = speech("Why is the config file not found when I run it?", 16_000)

    async def model(session: FakeSession) -> None:
        """Each question gets the spoken reply; the next question normally cuts it off (the service's rule), and a
        reply that plays to its end completes its turn. `cut_off` is read only after a chunk went: until the new
        reply's first chunk claims the turn the question started, it still describes the reply just cut off.
        The user's speech in part 2 gets no answer (the model passes), so the mic figures are the user's alone."""
        while True:
            await session.next_message("clientContent", lambda m: bool(m.body.get("turnComplete")), timeout=600)
            for i in range(0, len(reply), 4800):
                await session.send_audio(reply[i : i + 4800], rate=24_000)
                if session.cut_off:
                    break
            else:
                await session.send_turn_complete()

    # -- instrumentation: timestamps at the websocket, paired in order with the pipeline's own ---------------
    captured: deque[float] = deque()
    mic_to_ws: list[float] = []
    sdk_send: list[float] = []
    audio_frames: deque[float] = deque()
    ws_to_speaker: list[float] = []
    interrupted_at: list[float] = []

    original_send = live.AsyncSession.send_realtime_input

    async def send_realtime_input(self: Any, **kwargs: Any) -> None:
        start = time.perf_counter()
        await original_send(self, **kwargs)
        if kwargs.get("audio") is not None and captured:
            end = time.perf_counter()
            mic_to_ws.append((end - captured.popleft()) * 1000)
            sdk_send.append((end - start) * 1000)

    original_recv = wsclient.ClientConnection.recv

    async def recv(self: Any, *args: Any, **kwargs: Any) -> Any:
        frame = await original_recv(self, *args, **kwargs)
        now = time.perf_counter()
        raw = frame if isinstance(frame, bytes) else frame.encode()
        if b"inlineData" in raw:
            audio_frames.append(now)
        if b'"interrupted"' in raw:
            interrupted_at.append(now)
        return frame

    live.AsyncSession.send_realtime_input = send_realtime_input  # type: ignore[method-assign]
    wsclient.ClientConnection.recv = recv  # type: ignore[method-assign]

    async with FakeLiveServer(api_key=KEY, model=model) as fake:
        os.environ.update(SSL_CERT_FILE=str(fake.ca_file))
        settings = Settings(
            base_url=fake.url, model=MODEL, mic_device=MIC_DEVICE, mic_chunk_ms=20, jitter_ms=60, proactivity="chatty"
        )
        backend = GeminiBackend(settings, KEY, declarations(REGISTRY.declarations()), SYSTEM_INSTRUCTION)
        ctx = ContextStore(lambda _uri: None)
        voices: list[VoiceController] = []

        def make_voice(on_change: Any) -> VoiceController:
            voices.append(VoiceController(settings, backend, on_change))
            return voices[0]

        idle_cpu0, idle_t0 = time.process_time(), time.perf_counter()
        await asyncio.sleep(2.0)
        idle_cpu = (time.process_time() - idle_cpu0) / (time.perf_counter() - idle_t0) * 100

        session = PairSession(
            backend, ctx, AdviceStore(lambda _u, _l: None), Redactor(), settings, Editor(), make_voice
        )
        await session.start()
        voice = voices[0]
        voice.on_sent = lambda chunk: captured.append(chunk.captured)
        original_push = voice.speaker.push

        def push(pcm: bytes, rate: int = 24_000) -> None:
            original_push(pcm, rate)
            if audio_frames:
                ws_to_speaker.append((time.perf_counter() - audio_frames.popleft()) * 1000)

        voice.speaker.push = push  # type: ignore[method-assign]
        await until(lambda: voice.mic_link.on and voice.speaker_link.on and session.state == "listening")

        # 1. Barge-in: `interrupted` arrives mid-reply -> the speaker's first silent callback. The next question
        #    goes straight to the backend (not session.ask, which silences at once): the service interrupts.
        barge: list[float] = []
        session.ask("explain")
        for _ in range(BARGE_INS):
            interrupted_at.clear()
            await until(lambda: voice.speaker.playing)
            await asyncio.sleep(0.1)
            voice.prompted()
            backend.send_text("and then?")
            await until(lambda: bool(interrupted_at) and voice.speaker.silent_at >= interrupted_at[0])
            barge.append((voice.speaker.silent_at - interrupted_at[0]) * 1000)
            voice._echo_until = 0.0
        latency_ms = (voice.speaker._stream.latency if voice.speaker._stream else 0.0) * 1000

        # 2. A scripted minute: the user speaks 20% of the time; silence is not sent.
        await asyncio.sleep(1.0)
        sent0, cap0 = voice.sent_bytes, voice.captured_bytes
        cpu0, t0 = time.process_time(), time.perf_counter()
        seconds = len(user) / 32_000
        await pa.speak_into_mic(user)
        await asyncio.sleep(max(0.0, t0 + seconds / SPEAKING - time.perf_counter()))
        wall = time.perf_counter() - t0
        cpu = (time.process_time() - cpu0) / wall * 100
        sent, cap = voice.sent_bytes - sent0, voice.captured_bytes - cap0
        await session.stop()

    live.AsyncSession.send_realtime_input = original_send  # type: ignore[method-assign]
    wsclient.ClientConnection.recv = original_recv  # type: ignore[method-assign]

    added = [t - s for t, s in zip(mic_to_ws, sdk_send, strict=True)]
    print(f"mic callback -> frame sent on the websocket: {summary(mic_to_ws)}")
    print(f"  of which the SDK's own send (serialise + websocket write, the baseline): {summary(sdk_send)}")
    print(f"  added by LivePair (queueing, VAD gate, channels): {summary(added)}")
    report("mic -> websocket, p99", f"{percentile(mic_to_ws, 99):.2f} ms", "< 5 ms", percentile(mic_to_ws, 99) < 5)
    print(f"websocket frame received -> samples handed to the speaker: {summary(ws_to_speaker)}")
    p99 = percentile(ws_to_speaker, 99)
    report("websocket -> speaker, p99", f"{p99:.2f} ms", "< 5 ms", p99 < 5)
    print(f"barge-in: interrupted received -> first silent device block: {summary(barge)}")
    print(f"  then the device buffer still plays: {latency_ms:.0f} ms (PortAudio's reported output latency)")
    report("barge-in, p99", f"{percentile(barge, 99):.2f} ms", "< 50 ms", percentile(barge, 99) < 50)
    per_min = sent / wall * 60
    ratio = sent / cap if cap else float("nan")
    print(f"audio sent, user speaking {seconds / wall:.0%} of {wall:.1f} s: {per_min / 1e6:.2f} MB/min (VAD-gated)")
    print(f"  baseline, continuous streaming of the same mic in the same run: {cap / wall * 60 / 1e6:.2f} MB/min")
    report("bytes sent vs continuous", f"{ratio:.2f}", "<= 0.33", ratio <= 1 / 3)
    print(f"CPU of the process with mic, VAD and speaker running: {cpu:.1f}% of a core")
    print(f"  baseline, the same process idle before voice started: {idle_cpu:.1f}%")
    report("audio path CPU (above idle)", f"{cpu - idle_cpu:.1f}%", "< 5%", cpu - idle_cpu < 5)


def run() -> None:
    pa = PulseAudio().start()
    try:
        os.environ.update(pa.env)  # before sounddevice loads: PortAudio reads the devices once
        asyncio.run(bench(pa))
    finally:
        pa.stop()


if __name__ == "__main__":
    run()
