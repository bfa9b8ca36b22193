"""Workspace facts that turn generic advice into specific advice: nearest file names, defined names,
installed packages, placeholder keys. Each lookup is bounded (files scanned, bytes read) to stay fast."""

from __future__ import annotations

import builtins as builtins_module
import difflib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_FILES = 5_000
MAX_SCAN_BYTES = 512 * 1024
SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".mypy_cache", ".pytest_cache", "dist", "build"}
SOURCE_SUFFIXES = {".py", ".js", ".ts", ".mjs", ".cjs", ".env", ".toml", ".yaml", ".yml", ".json", ".cfg", ".ini"}
FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+)')
SHELL_PLACE = re.compile(r"^(?P<file>[^:\s]+): (?:line )?(?P<line>\d+): ", re.M)  # bash / dash script errors
KEY_ASSIGN = re.compile(r"""(?i)\b(?P<var>\w*api[_-]?key\w*)\s*[=:]\s*["'](?P<value>[^"'\n]*)["']""")
PLACEHOLDER = re.compile(r"(?i)^$|your|xxx|placeholder|changeme|replace|insert|<.*>|^\*+$|example|dummy|todo")
DEFINED = re.compile(
    r"^\s*(?:def|class)\s+(\w+)|^\s*(\w+)\s*(?::[^=]+)?=(?!=)|import\s+(?:[\w.]+\s+as\s+)?(\w+)|"
    r"from\s+[\w.]+\s+import\s+(\w+)|for\s+(\w+)\s+in",
    re.M,
)


@dataclass(frozen=True)
class Place:
    path: Path
    line: int  # 1-based


def workspace_files(root: Path, suffixes: set[str] | None = None) -> Iterator[Path]:
    seen = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            if suffixes is None or path.suffix in suffixes or name.startswith(".env"):
                yield path
                seen += 1
                if seen >= MAX_FILES:
                    return


def workspace_folders(root: Path) -> Iterator[Path]:
    """The workspace's folders (bounded like its files), skipping tool folders."""
    seen = 0
    for folder, dirs, _files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in dirs:
            yield Path(folder) / name
            seen += 1
            if seen >= MAX_FILES:
                return


def last_frame_in(output: str, root: Path, cwd: Path | None = None) -> Place | None:
    """The innermost traceback frame (or shell script line) that points into the workspace: where the code failed."""
    root = root.resolve()
    found = sorted([*FRAME.finditer(output), *SHELL_PLACE.finditer(output)], key=lambda m: m.start())
    for m in reversed(found):
        path = ((cwd or root) / m["file"]).resolve()
        if (root == path or root in path.parents) and path.is_file():
            return Place(path, int(m["line"]))
    return None


def nearest_file(missing: str, cwd: Path, root: Path) -> Path | None:
    """The workspace file whose path looks most like the one that was not found."""
    wanted = Path(missing)
    candidates = [p for p in workspace_files(root) if p.name == wanted.name]
    if not candidates:
        names = {p.name: p for p in workspace_files(root)}
        close = difflib.get_close_matches(wanted.name, list(names), n=1, cutoff=0.75)
        candidates = [names[close[0]]] if close else []
    if not candidates:
        return None
    # Among files with the right name, prefer the path that shares the most with what the code asked for.
    return max(candidates, key=lambda p: difflib.SequenceMatcher(None, str(p), missing).ratio())


def relative_to(path: Path, base: Path) -> str:
    return os.path.relpath(path, base)


def nearest_names(name: str, source: str, builtins: bool = True) -> list[str]:
    defined = {g for m in DEFINED.finditer(source) for g in m.groups() if g and g != name}
    if builtins:
        defined |= {n for n in dir(builtins_module) if not n.startswith("_")}
    return close_matches(name, defined)


def close_matches(name: str, candidates: set[str] | frozenset[str]) -> list[str]:
    return difflib.get_close_matches(name, sorted(candidates), n=3, cutoff=0.7)


def installed_in_venv(module: str, root: Path) -> Path | None:
    top = module.split(".")[0]
    for venv in (root / ".venv", root / "venv"):
        for site in venv.glob("lib/python*/site-packages"):
            if (site / top).exists() or (site / f"{top}.py").exists():
                return venv
    return None


def placeholder_key(root: Path, read: Callable[[Path], str | None]) -> tuple[Place, str, str] | None:
    """A hard-coded API key that is obviously a placeholder: where, the variable, the value."""
    for path in workspace_files(root, SOURCE_SUFFIXES):
        text = read(path)
        if text is None:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            m = KEY_ASSIGN.search(line)
            if m and PLACEHOLDER.search(m["value"]):
                return Place(path, n), m["var"], m["value"]
    return None
