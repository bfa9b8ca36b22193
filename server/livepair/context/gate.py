"""The one privacy gate for everything that leaves the machine: which workspace files may be shown to the model.

The same rules pause the screen (media/privacy.py) and refuse the model's tools (read_file, search_workspace,
apply_edit, open_location), keep gated files out of the context digest and so out of anything the model could put
into a web search: the built-in sensitive globs, extra globs (the `screenExclude` setting), the workspace's
`.livepairignore` (gitignore subset) and, with the gitignore option, files git ignores. A refusal is a sentence the
model can read and pass on to the user.
"""

from __future__ import annotations

import asyncio
import fnmatch
import re
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

from livepair.context.store import ContextStore

BUILTIN_EXCLUDES = (
    ".env*", "*.pem", "*.key", "*secret*", "*.p12", "*.pfx", "id_rsa*", "id_ed25519*", "id_ecdsa*",
    ".netrc", ".npmrc", ".pypirc", "*.keystore", "credentials*",
)  # fmt: skip
IGNORE_FILE = ".livepairignore"
GIT_TIMEOUT_S = 2.0


def patterns(lines: Iterable[str]) -> list[str]:
    return [s for s in (line.strip() for line in lines) if s and not s.startswith("#")]


def ignored(rel: PurePosixPath, pats: Sequence[str]) -> bool:
    """gitignore-style matching, the common subset: globs on the name or any parent folder, `dir/` for a folder,
    a `/` inside anchors to the root, `!` re-includes; the last matching pattern wins."""
    verdict = False
    for raw in pats:
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


def git_ignores(path: Path, root: Path | None) -> bool:
    """Whether git ignores `path` (blocking, bounded: call from a thread on the event loop's side)."""
    try:
        done = subprocess.run(
            ["git", "check-ignore", "-q", str(path)],
            cwd=root or path.parent,
            timeout=GIT_TIMEOUT_S,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def git_ignored_set(root: Path, rels: Sequence[str]) -> set[str]:
    """Which of many workspace-relative paths git ignores, in one bounded call (search results)."""
    if not rels:
        return set()
    try:
        done = subprocess.run(
            ["git", "check-ignore", "--stdin", "-z"],
            cwd=root,
            input="\0".join(rels).encode() + b"\0",
            timeout=GIT_TIMEOUT_S,
            capture_output=True,
        )
    except (OSError, subprocess.SubprocessError):
        return set()
    return {p for p in done.stdout.decode(errors="replace").split("\0") if p}


class WorkspaceGate:
    """Whether a workspace file may leave the machine, and if not, why (in words the model and user can read)."""

    def __init__(self, context: ContextStore, extra_globs: Sequence[str] = (), use_gitignore: bool = False) -> None:
        self._ctx = context
        self.globs = (*BUILTIN_EXCLUDES, *extra_globs)
        # One compiled pattern for all globs: the gate runs on every tool path, search hit and digest excerpt.
        self._glob_re = re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g in self.globs))
        self.use_gitignore = use_gitignore
        self._ignore_file: tuple[float, list[str]] | None = None  # (mtime, patterns)
        self._git_cache: dict[Path, bool | None] = {}  # None: git is being asked

    @property
    def root(self) -> Path | None:
        return self._ctx.root

    def relative(self, path: Path) -> PurePosixPath | None:
        root = self.root
        if root is None:
            return None
        try:  # cheap first: the tools hand over resolved paths under the root
            rel = path.relative_to(root)
            if ".." not in rel.parts and not path.is_symlink():
                return PurePosixPath(rel.as_posix())
        except ValueError:
            pass
        try:
            return PurePosixPath(path.resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            return None

    def rule_for(self, path: Path, rel: PurePosixPath | None = None) -> str | None:
        """The rule that keeps `path` private without asking git (glob or .livepairignore), or None."""
        rel = rel or self.relative(path) or PurePosixPath(path.name)
        if any(self._glob_re.match(part) for part in rel.parts) or self._glob_re.match(str(rel)):
            return "a sensitive-file pattern"
        if ignored(rel, self.ignore_patterns()):
            return IGNORE_FILE
        return None

    def refusal(self, path: Path, git: bool | None = None) -> str | None:
        """Why the model may not see `path`, or None. `git`: whether git ignores it, when already known;
        with the gitignore option on and `git` None, git is asked here (blocking, bounded)."""
        rel = self.relative(path) or PurePosixPath(path.name)
        rule = self.rule_for(path, rel)
        if rule is None and self.use_gitignore:
            if git is None:
                git = git_ignores(path, self.root)
            rule = ".gitignore" if git else None
        if rule is None:
            return None
        return (
            f"'{rel}' is private: it matches {rule}, so LivePair does not share it with the model. "
            "Ask the user to paste what you need, with secrets removed."
        )

    def private_now(self, path: Path) -> bool:
        """For callers on the event loop that cannot wait (the digest, the screen): private by a rule, or, with
        the gitignore option, ignored by git — asked once a file in a thread, and private until git answered."""
        if self.rule_for(path) is not None:
            return True
        return self.use_gitignore and self.git_verdict(path) is not False

    def git_verdict(self, path: Path) -> bool | None:
        """Whether git ignores the file; None while git is asked in a thread (once a file, on the running loop)."""
        if path not in self._git_cache:
            self._git_cache[path] = None
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no loop (a script, a unit test): ask now
                self._git_cache[path] = git_ignores(path, self.root)
            else:
                task = loop.run_in_executor(None, git_ignores, path, self.root)
                task.add_done_callback(lambda f: self._git_cache.__setitem__(path, not f.cancelled() and f.result()))
        return self._git_cache[path]

    def ignore_patterns(self) -> list[str]:
        if self.root is None:
            return []
        file = self.root / IGNORE_FILE
        try:
            mtime = file.stat().st_mtime
        except OSError:
            return []
        if self._ignore_file is None or self._ignore_file[0] != mtime:
            try:
                text = file.read_text(errors="replace")
            except OSError:
                return []
            self._ignore_file = (mtime, patterns(text.splitlines()[:10_000]))
        return self._ignore_file[1]
