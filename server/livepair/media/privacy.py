"""The privacy gate: no frame leaves the machine while the screen may show a secret.

The editor tells us what is on screen (`livepair/editorState`: the active document and, when the extension sends
them, the other visible ones). A frame is withheld while any of them matches an exclusion glob (built-in ones,
the `screenExclude` setting, the workspace's `.livepairignore`, optionally .gitignored files) or contains a secret
the redactor finds, or while the last terminal output shown contains one. Verdicts on document text are cached
by the text's hash, so an unchanged document costs nothing to re-check.
"""

from __future__ import annotations

import asyncio
import fnmatch
import logging
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from livepair.context.redact import Redactor
from livepair.context.store import ContextStore, uri_to_path
from livepair.model import TerminalRun

log = logging.getLogger(__name__)
BUILTIN_EXCLUDES = (
    ".env*", "*.pem", "*.key", "*secret*", "*.p12", "*.pfx", "id_rsa*", "id_ed25519*", "id_ecdsa*",
    ".netrc", ".npmrc", ".pypirc", "*.keystore", "credentials*",
)  # fmt: skip
IGNORE_FILE = ".livepairignore"
SENSITIVE_FILE = "sensitive file visible"
SECRET_IN_TERMINAL = "secret in terminal output"
CHECKING = "checking .gitignore"


@dataclass(frozen=True)
class Verdict:
    reason: str  # what the status says
    detail: str  # for the local sent log: which file, or which rule


def _patterns(lines: Iterable[str]) -> list[str]:
    return [s for s in (line.strip() for line in lines) if s and not s.startswith("#")]


def ignored(rel: PurePosixPath, patterns: Sequence[str]) -> bool:
    """gitignore-style matching, the common subset: globs on the name or any parent folder, `dir/` for a folder,
    a `/` inside anchors to the root, `!` re-includes; the last matching pattern wins."""
    verdict = False
    for raw in patterns:
        negate = raw.startswith("!")
        pat = raw[1:] if negate else raw
        folder_only = pat.endswith("/")
        pat = pat.rstrip("/")
        if "/" in pat:
            names = [str(PurePosixPath(*rel.parts[:i])) for i in range(1, len(rel.parts) + 1)]
            hit = any(fnmatch.fnmatchcase(n, pat.lstrip("/")) for n in (names[:-1] if folder_only else names))
        else:
            parts = rel.parts[:-1] if folder_only else rel.parts
            hit = any(fnmatch.fnmatchcase(part, pat) for part in parts)
        if hit:
            verdict = not negate
    return verdict


class PrivacyGate:
    def __init__(
        self,
        context: ContextStore,
        redactor: Redactor,
        extra_globs: Sequence[str] = (),
        use_gitignore: bool = False,
    ) -> None:
        self._ctx = context
        self._redactor = redactor
        self._globs = [*BUILTIN_EXCLUDES, *extra_globs]
        self._use_gitignore = use_gitignore
        self._ignore_file: tuple[float, list[str]] | None = None  # (mtime, patterns)
        self._secret_cache: dict[str, tuple[int, bool]] = {}  # uri -> (hash of text, has secret)
        self._git_cache: dict[Path, bool | None] = {}  # None: git is being asked
        self._run_cache: tuple[TerminalRun, bool] | None = None

    def visible_uris(self) -> list[str]:
        ed = self._ctx.editor
        uris = [ed.uri] if ed.uri else []
        return uris + [u for u in ed.visible_uris if u not in uris]

    def check(self) -> Verdict | None:
        """Why the screen must not be sent right now, or None. Call on the event loop (the redactor is not
        thread-safe); git is asked only when `use_gitignore` is on, and at most once a file."""
        for uri in self.visible_uris():
            name = self._excluded(uri)
            if name is not None:
                return Verdict(SENSITIVE_FILE, name)
            if self._has_secret(uri):
                return Verdict(SENSITIVE_FILE, f"{self._ctx.relative(uri)}: a secret in the text")
        run = self._ctx.last_run()
        if run is not None and (self._run_cache is None or self._run_cache[0] is not run):
            self._run_cache = (run, self._redactor.contains_secret(run.command + "\n" + run.output))
        if run is not None and self._run_cache is not None and self._run_cache[1]:
            return Verdict(SECRET_IN_TERMINAL, f"after `{run.command[:60]}`")
        return None

    def _excluded(self, uri: str) -> str | None:
        path = uri_to_path(uri)
        if path is None:
            return None
        rel = self._relative(path)
        if rel is None:
            rel = PurePosixPath(path.name)
        if any(fnmatch.fnmatchcase(rel.name, g) or fnmatch.fnmatchcase(str(rel), g) for g in self._globs):
            return f"{rel} (exclusion glob)"
        if ignored(rel, self._ignore_patterns()):
            return f"{rel} ({IGNORE_FILE})"
        if self._use_gitignore:
            git = self._gitignored(path)
            if git is None:
                return f"{rel} ({CHECKING})"
            if git:
                return f"{rel} (.gitignore)"
        return None

    def _relative(self, path: Path) -> PurePosixPath | None:
        root = self._ctx.root
        if root is None:
            return None
        try:
            return PurePosixPath(path.resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            return None

    def _ignore_patterns(self) -> list[str]:
        root = self._ctx.root
        if root is None:
            return []
        file = root / IGNORE_FILE
        try:
            mtime = file.stat().st_mtime
        except OSError:
            return []
        if self._ignore_file is None or self._ignore_file[0] != mtime:
            self._ignore_file = (mtime, _patterns(file.read_text(errors="replace").splitlines()))
        return self._ignore_file[1]

    def _has_secret(self, uri: str) -> bool:
        text = self._ctx.text(uri)
        if not text:
            return False
        key = hash(text)  # cached on the str object: an unchanged document costs O(1)
        cached = self._secret_cache.get(uri)
        if cached is None or cached[0] != key:
            cached = (key, self._redactor.contains_secret(text))
            self._secret_cache[uri] = cached
        return cached[1]

    def _gitignored(self, path: Path) -> bool | None:
        """Whether git ignores the file; None (withhold) while git is asked in a thread, once a file."""
        if path not in self._git_cache:
            self._git_cache[path] = None
            task = asyncio.get_running_loop().run_in_executor(None, _git_ignores, path, self._ctx.root)
            task.add_done_callback(lambda f: self._git_cache.__setitem__(path, not f.cancelled() and f.result()))
        return self._git_cache[path]


def _git_ignores(path: Path, root: Path | None) -> bool:
    try:
        done = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=root or path.parent, timeout=2)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0
