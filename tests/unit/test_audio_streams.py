"""Opening the mic and the speaker through PortAudio's interface, with a PortAudio that plays a device: one that
takes the model's rate, one that only takes its own (the audio is converted), one that cannot start (the user is
told which device and why). No audio device is touched; tests/media/voice runs the real ones."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest

from livepair.media import devices
from livepair.media.devices import AudioUnavailable
from livepair.media.mic import Mic
from livepair.media.speaker import Speaker


class PortAudio:
    """One input and one output device whose native rate is `native`; `refuses` other rates when True."""

    def __init__(self, native: int, refuses: bool, fails: str = "") -> None:
        self.native, self.refuses, self.fails = native, refuses, fails
        self.opened: list[dict[str, Any]] = []
        self.default = SimpleNamespace(device=(0, 1))

    def query_devices(self) -> list[dict[str, Any]]:
        common = {"default_samplerate": float(self.native)}
        return [
            {"name": "Desk mic", "max_input_channels": 1, "max_output_channels": 0, **common},
            {"name": "Desk speaker", "max_input_channels": 0, "max_output_channels": 2, **common},
        ]

    def _check(self, device: int, samplerate: int, channels: int, dtype: str) -> None:
        if self.refuses and samplerate != self.native:
            raise ValueError("Invalid sample rate")

    check_input_settings = check_output_settings = _check

    def _stream(self, kind: str, **params: Any) -> SimpleNamespace:
        def start() -> None:
            if self.fails:
                raise RuntimeError(self.fails)
            self.opened.append({"kind": kind, **params})
            if kind == "input":  # the device delivers its first block, as a callback thread would
                block = bytes(2 * params["blocksize"])
                params["callback"](block, params["blocksize"], None, SimpleNamespace(input_overflow=False))

        return SimpleNamespace(start=start, close=lambda ignore_errors=True: None, active=True)

    def RawInputStream(self, **params: Any) -> SimpleNamespace:  # sounddevice's name
        return self._stream("input", **params)

    def RawOutputStream(self, **params: Any) -> SimpleNamespace:  # sounddevice's name
        return self._stream("output", **params)


def use(monkeypatch: pytest.MonkeyPatch, portaudio: PortAudio) -> PortAudio:
    monkeypatch.setattr(devices, "sounddevice", lambda: portaudio)
    return portaudio


async def test_a_mic_at_16_khz_delivers_its_blocks_as_they_come(monkeypatch: pytest.MonkeyPatch) -> None:
    pa = use(monkeypatch, PortAudio(16_000, refuses=False))
    mic = Mic(chunk_ms=40)
    assert mic.open(asyncio.get_running_loop()) == "Desk mic"
    assert pa.opened[0]["samplerate"] == 16_000 and pa.opened[0]["blocksize"] == 640
    chunk = await asyncio.wait_for(mic.chunks.get(), 2)
    assert len(chunk.pcm) == 2 * 640  # 40 ms at 16 kHz, PCM16


async def test_a_mic_that_refuses_16_khz_captures_at_its_own_rate_and_is_converted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pa = use(monkeypatch, PortAudio(48_000, refuses=True))
    mic = Mic(chunk_ms=40)
    mic.open(asyncio.get_running_loop())
    assert pa.opened[0]["samplerate"] == 48_000 and pa.opened[0]["blocksize"] == 1920
    chunk = await asyncio.wait_for(mic.chunks.get(), 2)
    assert abs(len(chunk.pcm) // 2 - 640) <= 1  # what the model hears is 16 kHz


def test_a_speaker_that_refuses_24_khz_plays_at_its_own_rate(monkeypatch: pytest.MonkeyPatch) -> None:
    pa = use(monkeypatch, PortAudio(44_100, refuses=True))
    speaker = Speaker()
    loop = asyncio.new_event_loop()
    try:
        assert speaker.open(loop) == "Desk speaker"
    finally:
        loop.close()
    assert pa.opened[0]["samplerate"] == 44_100 and speaker.device_rate == 44_100
    assert speaker.buffer.rate == 44_100  # the model's 24 kHz is resampled before it is buffered


@pytest.mark.parametrize("part", ["microphone", "speaker"])
def test_a_device_that_cannot_start_says_which_and_why(monkeypatch: pytest.MonkeyPatch, part: str) -> None:
    use(monkeypatch, PortAudio(16_000, refuses=False, fails="Device unavailable [PaErrorCode -9985]"))
    opener = Mic() if part == "microphone" else Speaker()
    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(AudioUnavailable) as failed:
            opener.open(loop)
    finally:
        loop.close()
    name = "Desk mic" if part == "microphone" else "Desk speaker"
    assert str(failed.value) == f"Cannot open {part} {name!r}: Device unavailable [PaErrorCode -9985]"
    assert not opener.is_open
