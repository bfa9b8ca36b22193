"""The daemon's local state: where it lives, and the append-only JSON-lines logs kept there for the user to open.

The directory is `$LIVEPAIR_STATE_DIR`, else `$XDG_STATE_HOME/livepair`, else `~/.local/state/livepair`. Each log
(the screen's sent log, the tool audit log) is rotated to one `.1` file past its size, so it stays bounded; a
failure to write (a read-only home...) is logged once and never stops what is being logged.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)


def state_dir() -> Path:
    explicit = os.environ.get("LIVEPAIR_STATE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "livepair"


def ensure(path: Path) -> Path:
    """The log's path, creating an empty file so an editor can open it before anything was written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(exist_ok=True)
    return path


class JsonLines:
    """Appends one JSON object a line, stamped with the time. Writes take microseconds, so they happen on the
    loop."""

    def __init__(self, path: Path, max_bytes: int, what: str) -> None:
        self.path = path
        self._max_bytes = max_bytes
        self._what = what  # for the one warning: "the sent log", "the tool audit log"
        self._file: IO[str] | None = None
        self._failed = False

    def append(self, record: dict[str, Any], *, ascii_only: bool = True) -> None:
        line = json.dumps(
            {"ts": datetime.now(UTC).isoformat(timespec="milliseconds"), **record},
            ensure_ascii=ascii_only,
            separators=(",", ":"),
        )
        try:
            f = self._open()
            f.write(line + "\n")
            f.flush()
        except OSError as exc:
            if not self._failed:
                log.warning("cannot write %s %s: %s", self._what, self.path, exc)
            self._failed = True

    def _open(self) -> IO[str]:
        if self._file is not None and self._file.tell() > self._max_bytes:
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
