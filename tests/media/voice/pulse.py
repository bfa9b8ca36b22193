"""A private, user-mode PulseAudio with null sinks as a virtual microphone and speaker (tests and benchmarks).

The recipe is ../shared/facts/test-harness.md plus two things the voice tests need: `rescue-streams = no` and a
default source other than the mic, so that unloading the mic really takes the device away (otherwise PulseAudio
moves the stream to another source and nobody notices), and an optional loopback from the speaker into the mic
that plays the part of a room in which the microphone hears the loudspeaker.

Everything lives under a temp HOME; `env` is what a process (the daemon) needs to use it. The calling process's
own environment is never changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np

MIC_DEVICE = "virtmic"  # the ALSA name the daemon's micDevice setting uses
REQUIRED = ("pulseaudio", "pactl", "pacat", "espeak-ng", "sox")
SETUP_PA = """\
load-module module-native-protocol-unix
load-module module-null-sink sink_name=spk rate=48000 channels=1 norewinds=1
set-default-sink spk
"""
ASOUNDRC = """\
pcm.virtmic { type pulse device virtmic hint { show on description "LivePair test microphone" } }
pcm.mic_feed { type pulse device mic_feed hint { show on description "feeds the test microphone" } }
pcm.spk_monitor { type pulse device spk.monitor hint { show on description "records the test speaker" } }
"""


def missing_tools() -> list[str]:
    return [t for t in REQUIRED if shutil.which(t) is None]


class PulseAudio:
    def __init__(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="livepair-pulse-"))
        runtime = self.home / "run"
        runtime.mkdir(mode=0o700)
        self.env = {
            "HOME": str(self.home),
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "PULSE_RUNTIME_PATH": str(runtime / "pulse"),
        }
        self._mic_modules: list[str] = []
        self._echo_module: str | None = None

    # -- lifecycle --------------------------------------------------------------------------------------------
    def start(self) -> PulseAudio:
        if missing := missing_tools():
            raise RuntimeError(f"audio test tools missing: {missing}; run scripts/setup-audio.sh as root")
        (self.home / "setup.pa").write_text(SETUP_PA)
        (self.home / ".asoundrc").write_text(ASOUNDRC)
        conf = self.home / ".config" / "pulse"
        conf.mkdir(parents=True)
        (conf / "daemon.conf").write_text("rescue-streams = no\nexit-idle-time = -1\n")
        subprocess.run(
            ["pulseaudio", "-n", "-F", str(self.home / "setup.pa"), "--daemonize=yes", "--exit-idle-time=-1"],
            env=self.full_env(),
            check=True,
            capture_output=True,
            timeout=20,
        )
        deadline = time.monotonic() + 10
        while self.pactl("info", check=False).returncode != 0:
            if time.monotonic() > deadline:
                raise RuntimeError("PulseAudio did not come up")
            time.sleep(0.05)
        self.load_mic()
        return self

    def stop(self) -> None:
        self.pactl("exit", check=False)
        shutil.rmtree(self.home, ignore_errors=True)

    def full_env(self) -> dict[str, str]:
        return {**os.environ, **self.env}

    def pactl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["pactl", *args], env=self.full_env(), check=check, capture_output=True, text=True, timeout=10
        )

    # -- devices ----------------------------------------------------------------------------------------------
    def load_mic(self) -> None:
        """Plug the microphone in: a null sink to play into, and `virtmic` recording its monitor."""
        sink = self.pactl(
            "load-module", "module-null-sink", "sink_name=mic_feed", "rate=16000", "channels=1", "norewinds=1"
        ).stdout.strip()
        source = self.pactl(
            "load-module", "module-remap-source", "master=mic_feed.monitor", "source_name=virtmic"
        ).stdout.strip()
        self._mic_modules = [source, sink]
        # Not the mic: a stream on the mic must die with it instead of following the default.
        self.pactl("set-default-source", "spk.monitor")

    def unload_mic(self) -> None:
        """Pull the microphone out."""
        for module in self._mic_modules:
            self.pactl("unload-module", module)
        self._mic_modules = []

    def echo(self, on: bool, volume_percent: int = 100) -> None:
        """Route the speaker into the microphone, as a laptop's mic hears its loudspeakers (at `volume_percent`)."""
        if on and self._echo_module is None:
            module = self.pactl(
                "load-module", "module-loopback", "source=spk.monitor", "sink=mic_feed", "latency_msec=20"
            ).stdout.strip()
            self._echo_module = module
            index = None
            for line in self.pactl("list", "sink-inputs").stdout.splitlines():
                if line.startswith("Sink Input #"):
                    index = line.removeprefix("Sink Input #").strip()
                elif line.strip() == f"Owner Module: {module}" and index is not None:
                    self.pactl("set-sink-input-volume", index, f"{volume_percent}%")
        elif not on and self._echo_module is not None:
            self.pactl("unload-module", self._echo_module)
            self._echo_module = None

    # -- audio in and out -------------------------------------------------------------------------------------
    async def speak_into_mic(self, pcm16k: bytes) -> None:
        """Play 16 kHz PCM16 into the virtual microphone (returns when it has been played)."""
        proc = await asyncio.create_subprocess_exec(
            "pacat", "--playback", "--device=mic_feed", "--raw", "--format=s16le", "--rate=16000",
            "--channels=1", "--latency-msec=100", env=self.full_env(), stdin=subprocess.PIPE,
        )  # fmt: skip
        await proc.communicate(pcm16k + bytes(16000 // 5))  # a little silence so the tail is not cut
        if proc.returncode:
            raise RuntimeError(f"pacat failed with {proc.returncode}")

    @contextlib.asynccontextmanager
    async def recording(self, rate: int = 24_000, device: str = "spk.monitor") -> AsyncIterator[Recording]:
        """Record the speaker's monitor (or `device`) while the block runs."""
        proc = await asyncio.create_subprocess_exec(
            "parec", f"--device={device}", "--raw", "--format=s16le", f"--rate={rate}", "--channels=1",
            "--latency-msec=20", env=self.full_env(), stdout=subprocess.PIPE,
        )  # fmt: skip
        rec = Recording(rate)
        reader = asyncio.create_task(rec.read(proc))
        try:
            yield rec
        finally:
            proc.terminate()
            await proc.wait()
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader


class Recording:
    """What parec delivered so far, with waits on its content."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.data = bytearray()
        self._changed = asyncio.Event()

    async def read(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        while chunk := await proc.stdout.read(480):
            self.data += chunk
            self._changed.set()

    def samples(self, start: int = 0) -> np.ndarray:
        whole = len(self.data) // 2 * 2
        return np.frombuffer(bytes(self.data[start * 2 : whole]), dtype=np.int16)

    @property
    def position(self) -> int:
        return len(self.data) // 2

    async def wait(self, condition: object, timeout: float = 15.0) -> None:
        async def until() -> None:
            while not condition():  # type: ignore[operator]
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(until(), timeout)

    def loud_at(self, start: int = 0, threshold: int = 500) -> np.ndarray:
        """Indices (from `start`) of 5 ms blocks that carry sound."""
        x = self.samples(start).astype(np.int32)
        block = self.rate // 200
        n = x.size // block
        peaks = np.abs(x[: n * block]).reshape(n, block).max(axis=1) if n else np.zeros(0)
        return np.nonzero(peaks > threshold)[0] * block


def speech(text: str, rate: int, voice: str = "en-us", wpm: int = 160) -> bytes:
    """`text` spoken by espeak-ng (`voice`, `wpm` words a minute) as mono PCM16 at `rate`."""
    wav = subprocess.run(["espeak-ng", "-v", voice, "-s", str(wpm), "--stdout", text], check=True,
                         capture_output=True, timeout=30).stdout  # fmt: skip
    return subprocess.run(["sox", "-t", "wav", "-", "-r", str(rate), "-c", "1", "-b", "16", "-t", "raw", "-"],
                          input=wav, check=True, capture_output=True, timeout=30).stdout  # fmt: skip


def correlation(reference: bytes | np.ndarray, recording: bytes | np.ndarray) -> float:
    """Best normalised cross-correlation of `reference` anywhere inside `recording` (1.0 = identical)."""
    a = (
        np.frombuffer(reference[: len(reference) // 2 * 2], dtype=np.int16)
        if isinstance(reference, bytes)
        else reference
    )
    b = (
        np.frombuffer(recording[: len(recording) // 2 * 2], dtype=np.int16)
        if isinstance(recording, bytes)
        else recording
    )
    a, b = a.astype(np.float64), b.astype(np.float64)
    if a.size == 0 or b.size == 0:
        return 0.0
    if b.size < a.size:
        b = np.concatenate([b, np.zeros(a.size - b.size)])
    n = 1 << int(np.ceil(np.log2(a.size + b.size)))
    corr = np.fft.irfft(np.fft.rfft(b, n) * np.conj(np.fft.rfft(a, n)), n)[: b.size - a.size + 1]
    energy = np.concatenate([[0.0], np.cumsum(b * b)])
    window = energy[a.size :] - energy[: b.size - a.size + 1]
    denom = np.sqrt(np.maximum(window, 1e-9) * float(np.dot(a, a)))
    return float(np.max(corr / denom))


def matches(reference: bytes, recording: bytes, rate: int = 16_000, segment_s: float = 0.1, share: float = 0.9) -> bool:
    """At least `share` of the sounding 100 ms pieces of `reference` are found in `recording` (correlation > 0.9).

    Piecewise so that a glitch of the sound server under load (a player starved for CPU on a busy 2-core machine
    inserts a few ms of silence) does not hide whether the audio arrived; unrelated audio matches no piece.
    """
    ref = np.frombuffer(reference[: len(reference) // 2 * 2], dtype=np.int16)
    rec = np.frombuffer(recording[: len(recording) // 2 * 2], dtype=np.int16)
    step = int(segment_s * rate)
    pieces = [ref[i : i + step] for i in range(0, ref.size - step + 1, step)]
    scores = [correlation(p, rec) for p in pieces if np.abs(p).max() > 1000]  # skip near-silent pieces
    return bool(scores) and sum(score > 0.9 for score in scores) >= share * len(scores)
