"""A local, append-only record of what the screen streamer sent and what it withheld, for the user to open.

JSON lines under the state directory (`$LIVEPAIR_STATE_DIR`, else `$XDG_STATE_HOME/livepair`, else
`~/.local/state/livepair`). Frame contents are never written: sizes, times and reasons only. Rotated at 5 MB.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)
MAX_BYTES = 5 * 1024 * 1024
FILE_NAME = "sent-log.jsonl"


def state_dir() -> Path:
    explicit = os.environ.get("LIVEPAIR_STATE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "livepair"


def default_path() -> Path:
    return state_dir() / FILE_NAME


class SentLog:
    """Appends one JSON object a line. Writes are a few microseconds, so they happen on the loop; a failure to
    write (read-only home...) is logged once and never stops the streamer."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self._file: IO[str] | None = None
        self._failed = False

    def write(self, event: str, **fields: Any) -> None:
        record = {"ts": datetime.now(UTC).isoformat(timespec="milliseconds"), "event": event, **fields}
        try:
            f = self._open()
            f.write(json.dumps(record, separators=(",", ":")) + "\n")
            f.flush()
        except OSError as exc:
            if not self._failed:
                log.warning("cannot write the sent log %s: %s", self.path, exc)
            self._failed = True

    def _open(self) -> IO[str]:
        if self._file is not None and self._file.tell() > MAX_BYTES:
            self._file.close()
            self._file = None
            self.path.replace(self.path.with_name(self.path.name + ".1"))
        if self._file is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = self.path.open("a", encoding="utf-8")
        return self._file

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def ensure(path: Path | None = None) -> Path:
    """The log's path, creating an empty file so an editor can open it before anything was sent."""
    path = path or default_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(exist_ok=True)
    return path
