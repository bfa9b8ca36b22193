"""Audio devices through sounddevice (PortAudio): loading, listing and choosing by name or index.

Every failure becomes an `AudioUnavailable` whose message a user can act on, because "no voice" must always come
with a reason in `livepair/status` and `livepair doctor`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

log = logging.getLogger(__name__)
Kind = Literal["input", "output"]
_lock = threading.Lock()  # PortAudio (re)initialisation is not thread-safe


class AudioUnavailable(Exception):
    """Voice cannot work right now; `str(exc)` says why, in words for the user."""


@dataclass(frozen=True)
class Device:
    index: int
    name: str
    inputs: int
    outputs: int
    default_rate: float


def sounddevice() -> ModuleType:
    """The sounddevice module; raises AudioUnavailable when the PortAudio library is missing."""
    try:
        import sounddevice as sd
    except OSError as exc:  # sounddevice raises OSError when it cannot find libportaudio
        raise AudioUnavailable(f"PortAudio library not found ({exc}); install libportaudio2.") from None
    except ImportError as exc:
        raise AudioUnavailable(f"sounddevice is not installed ({exc}).") from None
    return sd


def refresh() -> None:
    """Re-read the device list (PortAudio reads it once at start); only safe with no stream open."""
    sd = sounddevice()
    with _lock:
        sd._terminate()
        sd._initialize()


def list_devices() -> list[Device]:
    sd = sounddevice()
    with _lock:
        raw: Any = sd.query_devices()
    return [
        Device(
            i,
            str(d["name"]),
            int(d["max_input_channels"]),
            int(d["max_output_channels"]),
            float(d["default_samplerate"]),
        )
        for i, d in enumerate(raw)
    ]


def find_device(spec: str, kind: Kind) -> Device:
    """The device named by `spec`: "" = the system default, digits = an index, else a name (exact, then substring)."""
    sd = sounddevice()
    devices = [d for d in list_devices() if (d.inputs if kind == "input" else d.outputs) > 0]
    if not devices:
        raise AudioUnavailable(f"No audio {kind} device found.")
    spec = spec.strip()
    if not spec:
        default = sd.default.device[0 if kind == "input" else 1]
        chosen = next((d for d in devices if d.index == default), None)
        if chosen is None:
            raise AudioUnavailable(f"No default audio {kind} device.")
        return chosen
    if spec.isdigit():
        chosen = next((d for d in devices if d.index == int(spec)), None)
        if chosen is None:
            raise AudioUnavailable(f"No audio {kind} device with index {spec}.")
        return chosen
    lowered = spec.lower()
    exact = [d for d in devices if d.name.lower() == lowered]
    partial = exact or [d for d in devices if lowered in d.name.lower()]
    if not partial:
        names = ", ".join(d.name for d in devices)
        raise AudioUnavailable(f"No audio {kind} device named {spec!r} (available: {names}).")
    return partial[0]


def describe() -> list[str]:
    """One line per device for `livepair doctor`, or the reason there are none."""
    try:
        sd = sounddevice()
        devices = list_devices()
        default_in, default_out = sd.default.device
    except AudioUnavailable as exc:
        return [str(exc)]
    except Exception as exc:  # PortAudio errors: report, never crash the doctor
        return [f"cannot list audio devices: {exc}"]
    if not devices:
        return ["no audio devices"]
    lines = []
    for d in devices:
        marks = ("default input " if d.index == default_in else "") + (
            "default output" if d.index == default_out else ""
        )
        lines.append(f"[{d.index}] {d.name} (in {d.inputs}, out {d.outputs}, {d.default_rate:.0f} Hz) {marks}".rstrip())
    return lines


def usable_rate(dev: Device, kind: Kind, wanted: int) -> int:
    """`wanted` when the device takes mono PCM16 at that rate, else the device's own rate (the caller converts)."""
    sd = sounddevice()
    check = sd.check_input_settings if kind == "input" else sd.check_output_settings
    try:
        check(device=dev.index, samplerate=wanted, channels=1, dtype="int16")
    except Exception:
        return int(dev.default_rate)
    return wanted


def start_stream(
    dev: Device, kind: Kind, rate: int, block_ms: int, latency_s: float, callback: Callable[..., None], what: str
) -> Any:
    """A started mono PCM16 stream of `block_ms` blocks; AudioUnavailable naming the `what` when it cannot be had."""
    sd = sounddevice()
    raw = sd.RawInputStream if kind == "input" else sd.RawOutputStream
    try:
        stream = raw(
            samplerate=rate,
            channels=1,
            dtype="int16",
            blocksize=rate * block_ms // 1000,
            device=dev.index,
            latency=latency_s,
            callback=callback,
        )
        stream.start()
    except Exception as exc:
        raise AudioUnavailable(f"Cannot open {what} {dev.name!r}: {exc}") from None
    return stream


def close_stream(stream: Any, what: str) -> None:
    """Close a PortAudio stream; a vanished device can fail to close, and it is gone either way."""
    try:
        stream.close(ignore_errors=True)
    except Exception as exc:
        log.debug("closing the %s failed: %s", what, exc)


def stream_failure(stream: Any, last_callback: float, now: float, stall_s: float, what: str) -> str | None:
    """Why an open stream no longer delivers (stopped, or no callback for `stall_s`), or None while healthy."""
    if stream is None:
        return None
    if not stream.active:
        return f"The {what} stopped (disconnected?)."
    if now - last_callback > stall_s:
        return f"The {what} stopped delivering audio."
    return None
