"""The one reconnect policy of the Live backend: what a failure means, and when to try again.

Every failure of a Live connection comes here (SDK facts in ../shared/facts/live-api.md): a close surfaces as
`errors.APIError(code=<close code>)` (1000 included), a close before setup as `websockets.ConnectionClosed`, a frame
that is not JSON as `ValueError`, TLS and DNS problems as `ssl.SSLError` / `OSError`, a silent socket as our own
`Stalled`. `classify` turns each into a `Verdict`:
- `fatal`: 1008 (bad key, unknown model, no permission) and HTTP 401/403/404 — retrying cannot help, so the
  session stops and the message names the cause and the fix;
- `fresh`: the service refused a setup that carried a resumption handle — one new session without it, re-seeded
  from local state (a second refusal is then judged on its own);
- `retry`: everything else, with jittered exponential backoff for as long as the user wants the session.
`Backoff` counts attempts; the counter resets only when a turn succeeds (`succeeded`), never at setupComplete, so
a service that accepts the setup and then refuses every message backs off instead of reconnecting in a loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import ssl
from dataclasses import dataclass
from typing import Literal

from livepair.backends.live_models import not_available

BASE_DELAY_S = 0.5
MAX_DELAY_S = 30.0
# Tests and the soak compress time: every delay and timeout of the Live link is multiplied by this.
TIME_SCALE_ENV = "LIVEPAIR_LIVE_TIME_SCALE"

Kind = Literal["retry", "fatal", "fresh"]


def time_scale() -> float:
    try:
        value = float(os.environ.get(TIME_SCALE_ENV, "1"))
    except ValueError:
        return 1.0
    return value if 0 < value <= 1 else 1.0


STALL_FLOOR_S = 5.0  # a compressed watchdog (tests, the soak) still waits this long: a busy machine's pauses


def stall_bound(stall_s: float) -> float:
    """How long a socket may stay silent while an answer is due, after time compression: never under
    STALL_FLOOR_S (or stall_s itself if shorter), so a loaded test machine's pauses are not taken for a dead link."""
    return max(stall_s * time_scale(), min(stall_s, STALL_FLOOR_S))


class Stalled(Exception):
    """No frame from the service for too long while an answer was due (the socket may be open but dead)."""


class NoSetupComplete(Exception):
    """The service answered the setup with something else, or not at all."""


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    message: str  # for the user: what happened, never a Python error text or a secret
    code: int | None = None  # the websocket close code, if any


def refusal_1008(detail: str, model: str) -> str:
    """A 1008 close, naming the cause (key, model, permission) and the fix."""
    low = detail.lower()
    if "not found" in low or "not supported" in low:
        return not_available(model)
    if "api key" in low or "api_key" in low or "credential" in low or "unauthenticated" in low:
        return (
            f"Gemini refused the API key ({detail}). Set a valid key with 'LivePair: Set Gemini API key' "
            "(or GEMINI_API_KEY), then start again."
        )
    if "permission" in low or "denied" in low or "forbidden" in low or "quota" in low or "billing" in low:
        return (
            f"Gemini refused the session: no permission ({detail}). Enable the Live API for the key's project "
            "(or grant the Vertex AI User role), then start again."
        )
    return f"Gemini refused the session ({detail}). Check the API key and livepair.model, then start again."


def classify(exc: BaseException, *, model: str, resuming: bool, set_up: bool) -> Verdict:
    """What a failure means. `resuming`: the setup carried a handle; `set_up`: setupComplete had arrived."""
    from google.genai import errors
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    if isinstance(exc, errors.APIError):
        detail = exc.message or (exc.details if isinstance(exc.details, str) else "") or ""
        return _close(exc.code, detail, model, resuming and not set_up)
    if isinstance(exc, ConnectionClosed):
        frame = exc.rcvd
        return _close(frame.code if frame else 1006, frame.reason if frame else "", model, resuming and not set_up)
    if isinstance(exc, InvalidStatus):
        status = exc.response.status_code
        if status in (401, 403):
            return Verdict(
                "fatal",
                f"Gemini refused the credentials (HTTP {status}). With Vertex AI, renew them (`gcloud auth "
                "application-default login`, or a fresh LIVEPAIR_VERTEX_ACCESS_TOKEN); else set a valid API key.",
            )
        if status == 404:
            return Verdict("fatal", "Gemini answered HTTP 404: check livepair.baseUrl and livepair.apiVersion.")
        return Verdict("retry", f"Gemini answered HTTP {status} when connecting.")
    if isinstance(exc, Stalled):
        return Verdict("retry", "Gemini went silent.")
    if isinstance(exc, NoSetupComplete):
        return Verdict("retry", "Gemini did not complete the session setup.")
    if isinstance(exc, ssl.SSLError):
        return Verdict("retry", f"Secure connection to Gemini failed ({_short(getattr(exc, 'reason', None) or exc)}).")
    if isinstance(exc, TimeoutError):
        return Verdict("retry", "Gemini did not answer in time.")
    if isinstance(exc, OSError):
        return Verdict("retry", f"Cannot reach Gemini ({_short(exc.strerror or exc)}).")
    if isinstance(exc, ValueError):  # the SDK could not parse a frame (cut short, not JSON)
        return Verdict("retry", "Gemini sent a broken message.")
    if isinstance(exc, TypeError):  # the SDK could not make sense of a message
        return Verdict("retry", "Gemini sent a message this version does not understand.")
    return Verdict("retry", f"The Gemini connection failed ({type(exc).__name__}).")


def _close(code: int | None, detail: str, model: str, handle_refused: bool) -> Verdict:
    detail = _short(detail.strip() or "no detail")
    if handle_refused and code in (1007, 1008):
        return Verdict("fresh", f"Gemini could not resume the session ({code}: {detail}); starting afresh.", code)
    if code == 1008:
        return Verdict("fatal", refusal_1008(detail, model), code)
    if code == 1007:
        return Verdict("retry", f"Gemini rejected a message ({code}: {detail}).", code)
    if code == 1011:
        return Verdict("retry", f"Gemini had an internal error ({code}: {detail}).", code)
    if code == 1009:
        return Verdict("retry", "Gemini sent a message too large to accept.", code)
    return Verdict("retry", f"The Gemini connection closed ({code}: {detail}).", code)


def _short(value: object, limit: int = 160) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Backoff:
    """Jittered exponential backoff with no attempt limit; `retry_now` cuts a wait short."""

    def __init__(self, base_s: float = BASE_DELAY_S, max_s: float = MAX_DELAY_S, rng: random.Random | None = None):
        self.attempt = 0
        self._base = base_s
        self._max = max_s
        self._rng = rng or random.Random()
        self._now = asyncio.Event()

    def next_delay(self) -> float:
        """Count a failure and return how long to wait before the next try (full jitter above half)."""
        self.attempt += 1
        ceiling = min(self._max, self._base * 2 ** (self.attempt - 1))
        return ceiling * (0.5 + 0.5 * self._rng.random()) * time_scale()

    def succeeded(self) -> None:
        """A turn completed: the link works, so the next failure starts from the shortest delay."""
        self.attempt = 0

    def retry_now(self) -> None:
        self._now.set()

    async def wait(self, seconds: float | None) -> None:
        """Wait `seconds` (None: until `retry_now`)."""
        self._now.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._now.wait()
        self._now.clear()


class Refusals:
    """Which outbound message the service refused with 1007: the same one twice is dropped."""

    def __init__(self) -> None:
        self._counts: dict[int, tuple[object, int]] = {}  # id -> (the message, kept so its id stays its own)

    def refused(self, message: object) -> bool:
        """Record a refusal of `message` (the one sent last); True when it is the second: drop it."""
        _, count = self._counts.get(id(message), (message, 0))
        self._counts[id(message)] = (message, count + 1)
        if len(self._counts) > 64:
            self._counts.pop(next(iter(self._counts)))
        return count + 1 >= 2
