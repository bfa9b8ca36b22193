"""The offline advisor's voice: espeak-ng, run as a subprocess off the event loop, resampled to the speaker's rate.

The audio leaves the advisor as ordinary `AudioOut` events, so playback, the half-duplex gate, barge-in and the
proactivity dial treat it exactly like the Live model's voice.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shutil
import struct

import numpy as np

from livepair.media.pcm import Resampler

log = logging.getLogger(__name__)
OUT_RATE = 24_000  # the rate the speaker path expects from a model (it converts to the device's own)
VOICE = ("-v", "en-us", "-s", "160")
MAX_CHARS = 600  # a spoken hint is a few sentences; the full text is in the editor
TIMEOUT_S = 10.0
MISSING = "Offline speech is off: espeak-ng is not installed (apt-get install espeak-ng); advice is text only."

_CODE_BLOCK = re.compile(r"```.*?```", re.S)
_JSON = re.compile(r"[{\[][^{}\[\]]*[\"':][^{}\[\]]*[}\]]")  # {"path": ...} or ['x', 'y'] blobs
_PLACEHOLDER = re.compile(r"<[^<>\s]{1,40}>|\{[^{}\s]{1,40}\}")  # <placeholder>, {name}
_SPACES = re.compile(r"\s+")


def speakable(text: str) -> str:
    """What of an advice text is worth saying aloud: no code blocks, tool JSON, placeholders or markup."""
    text = _CODE_BLOCK.sub(" ", text)
    text = _JSON.sub(" ", text)
    text = _PLACEHOLDER.sub(" ", text)
    text = text.replace("`", "").replace("*", "").replace("_", " ")
    text = _SPACES.sub(" ", text).strip()
    if not any(c.isalnum() for c in text):
        return ""
    if len(text) > MAX_CHARS:
        cut = text.rfind(". ", 0, MAX_CHARS)
        text = text[: cut + 1] if cut > 0 else text[:MAX_CHARS]
    return text


def parse_wav(data: bytes) -> tuple[np.ndarray, int]:
    """Mono PCM16 samples and rate from a RIFF/WAVE byte string (espeak's streamed header has bogus sizes)."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a WAV stream")
    pos, rate, channels, bits = 12, 0, 1, 16
    while pos + 8 <= len(data):
        tag, size = data[pos : pos + 4], struct.unpack_from("<I", data, pos + 4)[0]
        body = pos + 8
        if tag == b"fmt ":
            _fmt, channels, rate, _bps, _align, bits = struct.unpack_from("<HHIIHH", data, body)
        elif tag == b"data":
            if bits != 16 or rate <= 0:
                raise ValueError(f"unsupported WAV: {bits} bits at {rate} Hz")
            end = len(data) if size in (0, 0xFFFFFFFF) or body + size > len(data) else body + size
            raw = data[body : end - (end - body) % (2 * channels)]
            samples = np.frombuffer(raw, dtype="<i2")
            if channels > 1:
                samples = samples.reshape(-1, channels)[:, 0].copy()
            return samples, rate
        pos = body + size + (size & 1)
    raise ValueError("WAV stream has no data chunk")


class Speech:
    """Text to 24 kHz PCM16 with espeak-ng; `available` is False (with `reason`) when it is not installed."""

    def __init__(self, binary: str | None = "espeak-ng", rate: int = OUT_RATE) -> None:
        self.binary = shutil.which(binary) if binary else None
        self.rate = rate
        self.reason = "" if self.binary else MISSING

    @property
    def available(self) -> bool:
        return self.binary is not None

    async def synthesise(self, text: str) -> bytes:
        """PCM16 at `rate` for `text` (after `speakable`); b"" when there is nothing to say or espeak fails."""
        words = speakable(text)
        if not words or self.binary is None:
            return b""
        proc = await asyncio.create_subprocess_exec(
            self.binary, *VOICE, "--stdout", "--stdin",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        try:
            out, err = await asyncio.wait_for(proc.communicate(words.encode()), TIMEOUT_S)
        except (TimeoutError, asyncio.CancelledError):
            proc.kill()
            await proc.wait()
            raise
        if proc.returncode:
            log.warning("espeak-ng failed (%s): %s", proc.returncode, err.decode(errors="replace").strip()[:200])
            return b""
        try:
            samples, rate = parse_wav(out)
        except ValueError as exc:
            log.warning("espeak-ng output unusable: %s", exc)
            return b""
        return Resampler(rate, self.rate)(samples).astype("<i2").tobytes()
