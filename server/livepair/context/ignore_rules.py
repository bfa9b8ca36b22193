"""gitignore-style patterns, as the privacy gate reads them: `.livepairignore` files at any depth, and globs.

The common subset of gitignore, matched case-insensitively (a private `Secrets.yaml` must not pass because the
pattern said `secrets.yaml`): a pattern without a `/` matches a name at any depth; one with a `/` inside is
anchored to the folder of its file; `**/` matches any number of folders, also none (`**/x` matches `x` at the
root); `dir/` matches a folder and all inside it; `!` re-includes; the last matching pattern wins, the deepest
file's last.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

IGNORE_FILE = ".livepairignore"
MAX_PATTERNS = 10_000
RECHECK_S = 0.25  # an ignore file's mtime is looked at no more often (a search checks thousands of files)


@dataclass(frozen=True)
class Rule:
    regex: re.Pattern[str]
    negate: bool
    folder_only: bool


def patterns(lines: Iterable[str]) -> list[str]:
    return [s for s in (line.strip() for line in lines) if s and not s.startswith("#")]


def translate(pat: str, anchored: bool | None = None) -> re.Pattern[str]:
    """A gitignore glob (without `!` and trailing `/`) as a regex over a `/`-separated relative path."""
    if anchored is None:
        anchored = "/" in pat
    pat = pat.lstrip("/")
    out, i = [], 0
    while i < len(pat):
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif pat[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pat[i] == "?":
            out.append("[^/]")
            i += 1
        elif pat[i] == "[" and (end := pat.find("]", i + 2)) != -1:
            body = pat[i + 1 : end]
            body = "^" + body[1:] if body.startswith("!") else body
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
        elif pat[i] == "\\" and i + 1 < len(pat):
            out.append(re.escape(pat[i + 1]))
            i += 2
        else:
            out.append(re.escape(pat[i]))
            i += 1
    return re.compile(("" if anchored else "(?:.*/)?") + "".join(out), re.IGNORECASE | re.DOTALL)


def compile_rules(pats: Sequence[str]) -> list[Rule]:
    rules = []
    for raw in pats[:MAX_PATTERNS]:
        negate = raw.startswith("!")
        pat = raw[1:] if negate else raw
        folder_only = pat.endswith("/")
        pat = pat.rstrip("/")
        if not pat:
            continue
        try:
            rules.append(Rule(translate(pat), negate, folder_only))
        except re.error:
            continue  # a malformed class: the pattern matches nothing, as in git
    return rules


def verdict(rel: PurePosixPath, rules: Sequence[Rule], current: bool = False) -> bool:
    """Whether `rel` (a file) is excluded by `rules`, starting from `current`: a rule matches the file itself or
    any folder above it; the last matching rule wins."""
    names = [str(PurePosixPath(*rel.parts[:i])) for i in range(1, len(rel.parts) + 1)]
    for rule in rules:
        candidates = names[:-1] if rule.folder_only else names
        if any(rule.regex.fullmatch(n) for n in candidates):
            current = not rule.negate
    return current


def ignored(rel: PurePosixPath, pats: Sequence[str]) -> bool:
    """Whether one list of patterns (one ignore file at the root) excludes `rel`."""
    return verdict(rel, _compiled(tuple(pats)))


@functools.lru_cache(maxsize=64)
def _compiled(pats: tuple[str, ...]) -> list[Rule]:
    return compile_rules(pats)


class IgnoreFiles:
    """The `.livepairignore` files of a workspace, at any depth, each applying to its own folder and below."""

    def __init__(self) -> None:
        # (root, folder parts) -> (checked at, mtime, rules)
        self._cache: dict[tuple[Path, tuple[str, ...]], tuple[float, float, list[Rule]]] = {}

    def excludes(self, root: Path, rel: PurePosixPath) -> bool:
        result = False
        now = time.monotonic()
        for depth in range(len(rel.parts)):  # the root's file first, then each folder's on the way down
            rules = self._rules(root, rel.parts[:depth], now)
            if rules:
                result = verdict(PurePosixPath(*rel.parts[depth:]), rules, result)
        return result

    def _rules(self, root: Path, parts: tuple[str, ...], now: float) -> list[Rule]:
        key = (root, parts)
        cached = self._cache.get(key)
        if cached is not None and now - cached[0] < RECHECK_S:
            return cached[2]
        file = root.joinpath(*parts, IGNORE_FILE)
        try:
            mtime = file.stat().st_mtime
        except OSError:
            mtime = -1.0
        if cached is not None and cached[1] == mtime:
            rules = cached[2]
        elif mtime < 0:
            rules = []
        else:
            try:
                rules = compile_rules(patterns(file.read_text(errors="replace").splitlines()[:MAX_PATTERNS]))
            except OSError:
                rules = []
        if len(self._cache) > 4096:
            self._cache.clear()
        self._cache[key] = (now, mtime, rules)
        return rules
