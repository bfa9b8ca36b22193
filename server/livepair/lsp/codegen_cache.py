"""Start-up: keep the code attrs generates for lsprotocol's classes, as Python keeps `.pyc` files.

pygls imports all of lsprotocol.types, about 560 attrs classes, and attrs writes and compiles each class's
`__init__`, `__repr__`, ... from source at import: `compile` alone is a third of the daemon's start. That source is
the same on every start, so its code objects are marshalled once into the user's cache folder and loaded on the
next start; a source never seen before (another attrs, another class) is compiled as usual. Any problem with the
file — missing, truncated, another interpreter's, not the user's own or writable by others — means compiling as if
there were no cache: it can cost time, never correctness.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import logging
import marshal
import os
import stat
import sys
from pathlib import Path
from types import CodeType
from typing import Any

log = logging.getLogger(__name__)

MAX_ENTRIES = 4096  # lsprotocol needs ~560; a bound, so the file cannot grow without end
_Key = tuple[str, bytes]


def cache_dir() -> Path:
    """`$LIVEPAIR_CACHE_DIR`, else `$XDG_CACHE_HOME/livepair`, else `~/.cache/livepair`."""
    explicit = os.environ.get("LIVEPAIR_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "livepair"


class CodeCache:
    """A `compile` for attrs' generated methods that answers from the file when it has the same source."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.hits = 0
        self.misses = 0
        self._known = _load(path)
        self._used: dict[_Key, CodeType] = {}

    def compile(self, source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
        if not (isinstance(source, str) and isinstance(filename, str) and mode == "exec" and not args and not kwargs):
            return builtins.compile(source, filename, mode, *args, **kwargs)
        key = (filename, hashlib.sha256(source.encode()).digest())
        code = self._known.get(key)
        if code is None:
            self.misses += 1
            code = builtins.compile(source, filename, mode)
        else:
            self.hits += 1
        if len(self._used) < MAX_ENTRIES:
            self._used[key] = code
        return code

    def save(self) -> None:
        """Write what this start used, when it compiled anything (the first start, or after an upgrade)."""
        if not self.misses:
            return
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as f:
                marshal.dump(self._used, f)
            os.replace(tmp, self.path)  # atomic: a daemon starting at the same moment reads the old file or this one
        except (OSError, ValueError) as exc:
            log.debug("start-up code cache not written (%s)", exc)


def _load(path: Path) -> dict[_Key, CodeType]:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return {}
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        # Code in this file runs in the daemon, which holds the API key: only a file the user alone could write.
        if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            log.warning("start-up code cache %s ignored: not the user's own, or writable by others", path)
            return {}
        try:
            loaded = marshal.load(f)
        except (EOFError, ValueError, TypeError):
            return {}
    if not isinstance(loaded, dict):
        return {}
    return {k: v for k, v in loaded.items() if isinstance(v, CodeType)}


def _file_name() -> str:
    """One file per interpreter and attrs build: marshal's format and attrs' templates change between them."""
    import attr._make as make

    try:
        info = os.stat(make.__file__)
        build = f"{info.st_size}-{info.st_mtime_ns}"
    except OSError:
        build = "unknown"
    return f"attrs-code.{sys.implementation.cache_tag}.{build}.marshal"


@contextlib.contextmanager
def attrs_code_cached(folder: Path | None = None):  # type: ignore[no-untyped-def]
    """Within the block, attrs compiles through the cache; after it, the cache is saved and attrs compiles as usual."""
    try:
        import attr._make as make
    except ImportError:  # no attrs, nothing to keep
        yield None
        return
    cache = CodeCache((folder or cache_dir()) / _file_name())
    make.compile = cache.compile  # type: ignore[attr-defined]  # a module global shadows the builtin it calls
    try:
        yield cache
    finally:
        with contextlib.suppress(AttributeError):
            del make.compile  # type: ignore[attr-defined]
        cache.save()
