"""The Live wire as the SDK shapes it: realtime input, server content as events, usage, durations, and how a
message is named to the user."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from livepair.backends.backend import AudioOut, BackendEvent, Text, Transcript, Usage
from livepair.backends.grounding import sources_of
from livepair.backends.journal import Realtime, ToolResponse
from livepair.backends.outbox import Context, Request

if TYPE_CHECKING:
    from google.genai import types
    from google.genai.live import AsyncSession


async def send_realtime(session: AsyncSession, item: Realtime) -> None:
    from google.genai import types

    if item.kind == "audio":
        await session.send_realtime_input(audio=types.Blob(data=item.data, mime_type="audio/pcm;rate=16000"))
    elif item.kind == "video":
        await session.send_realtime_input(video=types.Blob(data=item.data, mime_type="image/jpeg"))
    elif item.kind == "activity_start":
        await session.send_realtime_input(activity_start=types.ActivityStart())
    elif item.kind == "activity_end":
        await session.send_realtime_input(activity_end=types.ActivityEnd())
    else:
        await session.send_realtime_input(audio_stream_end=True)


async def send_message(
    session: AsyncSession, out: Context | Request | ToolResponse, *, when_idle: bool, as_realtime_text: bool
) -> None:
    """Context goes as client content that starts no turn; a question as a turn-completing one (or realtime
    text); a tool result as a function response, scheduled WHEN_IDLE for a non-blocking call."""
    from google.genai import types

    if isinstance(out, ToolResponse):
        response = types.FunctionResponse(id=out.call_id, name=out.name, response=out.response)
        if when_idle:
            response.scheduling = types.FunctionResponseScheduling.WHEN_IDLE
        await session.send_tool_response(function_responses=[response])
        return
    text = out.text if isinstance(out, Context) else out.full_text
    turn = types.Content(role="user", parts=[types.Part(text=text)])
    if isinstance(out, Context):
        await session.send_client_content(turns=turn, turn_complete=False)
    elif as_realtime_text:
        await session.send_realtime_input(text=text)
    else:
        await session.send_client_content(turns=turn, turn_complete=True)


async def receive_all(
    session: AsyncSession,
    dispatch: Callable[[types.LiveServerMessage], Awaitable[None]],
    framed: Callable[[], None],
    unknown: Callable[[], None],
) -> None:
    """Every server message in order, across turns (receive() ends at each turnComplete). A message the SDK does
    not know raises TypeError once its frame is read: it is skipped, and receiving goes on."""
    while True:
        messages = session.receive()
        while True:
            try:
                message = await anext(messages)
            except StopAsyncIteration:
                break
            except TypeError:
                framed()
                unknown()
                break
            framed()
            await dispatch(message)


def content_events(sc: types.LiveServerContent) -> list[BackendEvent]:
    """What one serverContent carries, in order: model text (not thoughts) and audio, the transcriptions, and a
    grounded answer's sources. Turn boundaries (interrupted, turnComplete) are the backend's to handle."""
    events: list[BackendEvent] = []
    for part in sc.model_turn.parts or [] if sc.model_turn else []:
        if part.text and not part.thought:
            events.append(Text(part.text))
        blob = part.inline_data
        if blob and blob.data and (blob.mime_type or "").startswith("audio/pcm"):
            events.append(AudioOut(blob.data, rate_of(blob.mime_type or "")))
    if (t := sc.input_transcription) and t.text:
        events.append(Transcript("user", t.text, bool(t.finished)))
    if (t := sc.output_transcription) and t.text:
        events.append(Transcript("model", t.text, bool(t.finished)))
    if sc.grounding_metadata is not None and (found := sources_of(sc.grounding_metadata)) is not None:
        events.append(found)
    return events


NO_RESULTS = {"status": "no_results", "retryable": False}  # what an empty tool result says instead


def informative(result: object) -> bool:
    """A tool result that says something (not {}, not only empty values)."""
    if isinstance(result, dict):
        return any(informative(v) for v in result.values())
    if isinstance(result, list | str):
        return bool(result)
    return result is not None


def call_key(name: str, args: dict[str, Any]) -> str:
    """Identical calls (name and arguments) share one key."""
    return name + "\x00" + json.dumps(args, sort_keys=True, default=str)


def in_progress(sc: types.LiveServerContent) -> bool:
    """Extended thinking: this turnComplete ends a filler; the model still works on the request."""
    status = sc.interaction_status
    return status is not None and str(getattr(status, "value", status)) == "IN_PROGRESS"


def usage_of(u: types.UsageMetadata) -> Usage:
    """One turn's usage, per modality (the service reports it per turn: the session sums it)."""

    def by_modality(details: list[types.ModalityTokenCount] | None) -> tuple[tuple[str, int], ...]:
        return tuple((str(d.modality.value if d.modality else "?"), d.token_count or 0) for d in details or [])

    return Usage(
        u.prompt_token_count or 0,
        u.response_token_count or 0,
        u.total_token_count or 0,
        by_modality(u.prompt_tokens_details),
        by_modality(u.response_tokens_details),
    )


def rate_of(mime: str) -> int:
    for piece in mime.split(";"):
        key, _, value = piece.strip().partition("=")
        if key == "rate" and value.isdigit():
            return int(value)
    return 24_000


def duration_text(seconds: float) -> str:
    return f"{seconds:.0f}" if seconds >= 10 else f"{seconds:.2f}".rstrip("0").rstrip(".")


def seconds_of(duration: str | None, default: float = 10.0) -> float:
    """A protobuf Duration as JSON ("10s", "1.5s")."""
    try:
        return float((duration or "").strip().removesuffix("s"))
    except ValueError:
        return default


def describe(item: object) -> str:
    """What a dropped message was, for the user (short)."""
    if isinstance(item, Request):
        text = " ".join(item.text.split()[-12:])
        return f'the question "{text}"' if item.purpose == "ask" else f"a request ({item.purpose})"
    if isinstance(item, ToolResponse):
        return f"the result of {item.name}"
    if isinstance(item, Context) and item.restated:
        return "the restatement of the conversation so far (a fresh session starts without it)"
    return "an editor context update"
