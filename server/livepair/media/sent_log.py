"""A local, append-only record of what the screen streamer sent and what it withheld, for the user to open.

JSON lines in the state directory (`livepair.state`). Frame contents are never written: sizes, times and reasons
only. Rotated at 5 MB.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from livepair import state

MAX_BYTES = 5 * 1024 * 1024
FILE_NAME = "sent-log.jsonl"


def default_path() -> Path:
    return state.state_dir() / FILE_NAME


class SentLog:
    """One line per frame sent or withheld; a failed write never stops the streamer."""

    def __init__(self, path: Path | None = None) -> None:
        self._lines = state.JsonLines(path or default_path(), MAX_BYTES, "the sent log")

    @property
    def path(self) -> Path:
        return self._lines.path

    def write(self, event: str, **fields: Any) -> None:
        self._lines.append({"event": event, **fields})

    def close(self) -> None:
        self._lines.close()


def ensure(path: Path | None = None) -> Path:
    """The log's path, creating an empty file so an editor can open it before anything was sent."""
    return state.ensure(path or default_path())
