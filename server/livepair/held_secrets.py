"""The daemon's own secrets (the Gemini key, a Vertex token) held in memory, not in its environment.

At `livepair serve` start they are read once from the environment and deleted from it, so no child process (an
approved command, the sandbox, git) inherits them. Deleting from `os.environ` does not change what
`/proc/<daemon pid>/environ` shows: that file reads the initial environment block the kernel set up at exec. So the
block is also overwritten, in this process's own memory (its bounds are fields 50-51 of /proc/self/stat). The
whole block, not only the key: an approved command reads `/proc/$PPID/environ` as easily as its own environment, and
the editor's environment holds other credentials (cloud keys, Sentry DSNs) that `command_environment` keeps back.
Every variable is first copied out of the block (setenv), so the daemon's own getenv() sees what it saw before.
The launchers pass the key another way anyway: `livepair.start`'s arguments carry it (`apiKey`), and a Vertex
token (`vertexAccessToken`) likewise, which then replaces the one taken here.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys

log = logging.getLogger(__name__)

API_KEY_VARS = ("GEMINI_API_KEY", "GOOGLE_API_KEY")
VERTEX_TOKEN_VAR = "LIVEPAIR_VERTEX_ACCESS_TOKEN"  # e.g. `gcloud auth print-access-token`; else ADC
HELD_VARS = (*API_KEY_VARS, VERTEX_TOKEN_VAR)

_held: dict[str, str] = {}


def hold_from_environment(names: tuple[str, ...] = HELD_VARS) -> list[str]:
    """Move `names` from the environment into memory and wipe them from the initial environment block.
    Returns the names that were set (never the values)."""
    taken = []
    for name in names:
        value = os.environ.pop(name, None)
        if value is not None:
            if value:
                _held[name] = value
            taken.append(name)
    if sys.platform.startswith("linux"):
        _wipe_initial_block()
    return taken


def hold(name: str, value: str) -> None:
    """Keep a secret the editor handed over (over the stdio pipe, never the environment); empty forgets it."""
    if value:
        _held[name] = value
    else:
        _held.pop(name, None)


def held(name: str) -> str | None:
    """A secret taken at start, else (a script, `livepair doctor`, a test in-process) the environment's value."""
    return _held.get(name) or os.environ.get(name) or None


def _wipe_initial_block() -> None:
    try:
        with open("/proc/self/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        # Fields after "pid (comm)" start at field 3; env_start and env_end are fields 50 and 51.
        start, end = int(fields[50 - 3]), int(fields[51 - 3])
    except (OSError, IndexError, ValueError):
        log.warning("could not locate the initial environment to wipe it")
        return
    if not 0 < start < end or end - start > 1 << 24:
        return
    for entry in ctypes.string_at(start, end - start).split(b"\0"):
        name = os.fsdecode(entry.split(b"=", 1)[0])
        if b"=" in entry and name in os.environ:
            os.putenv(name, os.environ[name])  # a fresh copy outside the block: C getenv() no longer points into it
    ctypes.memset(start, 0, end - start)
