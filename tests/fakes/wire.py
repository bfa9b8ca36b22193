"""Parsing and normalising client frames of the Gemini Live wire protocol.

The real SDK mixes casings (``client_content`` outside, ``generationConfig`` inside ``setup``, snake_case in
nested pydantic objects) and encodes bytes as URL-safe base64. Tests should not care, so every frame is
normalised to camelCase keys with blob ``data`` decoded to ``bytes``. User payloads (function call
``args``, function ``response``, raw JSON schemas) and user-chosen names (schema ``properties``) are kept
verbatim: renaming ``file_path`` to ``filePath`` there would corrupt what the client really sent.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: Top-level client message kinds, in wire (camelCase) spelling.
KINDS = ("setup", "clientContent", "realtimeInput", "toolResponse")

# Values under these keys are user data: copied verbatim, never re-cased or decoded.
_OPAQUE_KEYS = frozenset({"args", "response", "parametersJsonSchema", "responseJsonSchema"})
# Dicts under these keys map user-chosen names to schemas: keep the names, normalise the schemas.
_NAME_MAP_KEYS = frozenset({"properties", "defs"})
# A dict under these keys is a Blob even if it lacks ``mimeType``.
_BLOB_KEYS = frozenset({"inlineData", "audio", "video", "mediaChunks"})


class ProtocolViolation(ValueError):
    """The client sent something the real service would reject (it closes such sessions with 1007)."""


def to_camel(key: str) -> str:
    """``turn_complete`` -> ``turnComplete``; camelCase and ``_private``/``$ref`` keys pass unchanged."""
    if "_" not in key or key.startswith(("_", "$")):
        return key
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def decode_base64(text: str) -> bytes:
    """Decode standard or URL-safe base64, padded or not; reject anything else like the service does."""
    cleaned = text.strip().replace("-", "+").replace("_", "/")
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProtocolViolation(f"invalid base64 in blob data: {text[:40]!r}") from exc


def normalize(value: Any, parent_key: str = "") -> Any:
    """Recursively camelCase keys and decode blob data (see module docstring for the exceptions)."""
    if isinstance(value, list):
        return [normalize(item, parent_key) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for raw_key, item in value.items():
        key = to_camel(str(raw_key))
        if key in _OPAQUE_KEYS:
            out[key] = item
        elif key in _NAME_MAP_KEYS and isinstance(item, dict):
            out[key] = {name: normalize(schema) for name, schema in item.items()}
        else:
            out[key] = normalize(item, key)
    data = out.get("data")
    if isinstance(data, str) and ("mimeType" in out or parent_key in _BLOB_KEYS):
        out["data"] = decode_base64(data)
    return out


@dataclass(frozen=True)
class ClientMessage:
    """One client frame, normalised. ``body`` is the content under the kind key (e.g. the setup object)."""

    kind: str
    body: dict[str, Any]
    raw: str
    session_index: int
    binary: bool = False

    @property
    def message(self) -> dict[str, Any]:
        """The whole normalised message, ``{kind: body}``."""
        return {self.kind: self.body}

    def texts(self) -> list[str]:
        """Text the client sent in this message: content-turn text parts and realtime text."""
        if self.kind == "clientContent":
            return [
                part["text"]
                for turn in self.body.get("turns") or []
                for part in turn.get("parts") or []
                if isinstance(part.get("text"), str)
            ]
        if self.kind == "realtimeInput" and isinstance(self.body.get("text"), str):
            return [self.body["text"]]
        return []

    def blobs(self, mime_prefix: str) -> list[bytes]:
        """Decoded realtime blobs (``audio``/``video``/legacy ``mediaChunks``) whose MIME type matches."""
        if self.kind != "realtimeInput":
            return []
        candidates = [self.body.get("audio"), self.body.get("video"), *(self.body.get("mediaChunks") or [])]
        return [
            blob["data"]
            for blob in candidates
            if isinstance(blob, dict)
            and isinstance(blob.get("data"), bytes)
            and str(blob.get("mimeType", "")).startswith(mime_prefix)
        ]

    def function_responses(self) -> list[dict[str, Any]]:
        if self.kind != "toolResponse":
            return []
        return list(self.body.get("functionResponses") or [])


def frame_text(frame: str | bytes) -> str:
    """The frame as text; binary frames are UTF-8 JSON on this protocol, so decode leniently for records."""
    return frame if isinstance(frame, str) else frame.decode("utf-8", errors="replace")


def parse_client_frame(frame: str | bytes, session_index: int) -> ClientMessage:
    """Parse one client frame into a :class:`ClientMessage`; raise :class:`ProtocolViolation` if invalid."""
    raw = frame_text(frame)
    try:
        decoded = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ProtocolViolation(f"Invalid JSON payload received. {exc.msg}") from exc
    if not isinstance(decoded, dict):
        raise ProtocolViolation("Invalid JSON payload received. Expected an object.")
    keys = [to_camel(str(key)) for key in decoded]
    unknown = [key for key in keys if key not in KINDS]
    if unknown:
        detail = f'Unknown name "{unknown[0]}": Cannot find field.'
        raise ProtocolViolation(f"Invalid JSON payload received. {detail}")
    if len(keys) != 1:
        raise ProtocolViolation(f"Expected exactly one of {', '.join(KINDS)}; got {keys or 'none'}.")
    (body,) = decoded.values()
    if not isinstance(body, dict):
        raise ProtocolViolation(f"Invalid JSON payload received. {keys[0]} must be an object.")
    normalized = normalize(body, keys[0])
    return ClientMessage(
        kind=keys[0], body=normalized, raw=raw, session_index=session_index, binary=isinstance(frame, bytes)
    )


def iter_text_leaves(value: Any) -> Iterator[str]:
    """Every string in a normalised body (keys too), with bytes decoded as UTF-8 — for leak checks."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, bytes):
        yield value.decode("utf-8", errors="replace")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from iter_text_leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from iter_text_leaves(item)
