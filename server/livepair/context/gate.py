"""The one privacy gate for everything that leaves the machine: which workspace files may be shown to the model.

The same rules pause the screen (media/privacy.py) and refuse the model's tools (read_file, search_workspace,
apply_edit, open_location), keep gated files out of the context digest and so out of anything the model could put
into a web search: the built-in sensitive names (context/sensitive.py), extra globs (the `screenExclude` setting),
the workspace's `.livepairignore` files at any depth (context/ignore_rules.py) and, with the gitignore option, files
git ignores; all matched case-insensitively, on the path as asked and on the file it resolves to, and a hard link
to a private file is private too. A search never leaves the workspace through a link. A path the model sends that
cannot be a path (not a string, a NUL byte, too long) is refused with a reason, never an unanswered call. A refusal
is a sentence the model can read and pass on to the user.
"""

from __future__ import annotations

import asyncio
import fnmatch
import os
import re
import subprocess
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from livepair.context.ignore_rules import IGNORE_FILE, IgnoreFiles, ignored, patterns
from livepair.context.sensitive import SENSITIVE, HardLinks, sensitive_name
from livepair.context.store import ContextStore, OutsideWorkspace

__all__ = ["GIT_TIMEOUT_S", "IGNORE_FILE", "MalformedPath", "WorkspaceGate", "ignored", "patterns", "resolve_path"]

BUILTIN_EXCLUDES = SENSITIVE
GIT_TIMEOUT_S = 2.0
MAX_PATH_CHARS = 4096  # PATH_MAX
MAX_NAME_BYTES = 255  # NAME_MAX


class MalformedPath(OutsideWorkspace):
    """A path argument that cannot name a file; the message says why (for the model)."""


def malformed(raw: Any) -> str | None:
    """Why `raw` cannot be a workspace path, or None."""
    if not isinstance(raw, str):
        return f"the path must be a string, not {type(raw).__name__}"
    if not raw.strip():
        return "the path is empty"
    if "\0" in raw:
        return "the path contains a NUL byte"
    if len(raw) > MAX_PATH_CHARS:
        return f"the path is too long ({len(raw)} characters, at most {MAX_PATH_CHARS})"
    try:
        encoded = os.fsencode(raw)
    except UnicodeError:
        return "the path is not valid text (an unpaired surrogate)"
    if any(len(part) > MAX_NAME_BYTES for part in encoded.split(b"/")):
        return f"a name in the path is longer than {MAX_NAME_BYTES} bytes"
    return None


def resolve_path(context: ContextStore, raw: Any) -> Path:
    """A model-supplied path inside the workspace; MalformedPath or OutsideWorkspace (with a reason) otherwise."""
    if (why := malformed(raw)) is not None:
        raise MalformedPath(f"{why}; send a path relative to the workspace root, e.g. 'src/app.py'")
    try:
        return context.resolve(raw)
    except OutsideWorkspace:
        raise
    except (OSError, ValueError, RuntimeError) as exc:  # a symlink loop, an unreadable folder
        raise MalformedPath(f"{str(raw)[:200]!r} cannot be resolved: {exc.__class__.__name__}") from None


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
        # The user's globs as before (fnmatch on a name or the whole relative path), now case-insensitive.
        extra = [f"(?:{fnmatch.translate(g)})" for g in extra_globs if isinstance(g, str) and g]
        self._extra_re = re.compile("|".join(extra), re.IGNORECASE) if extra else None
        self.use_gitignore = use_gitignore
        self._ignores = IgnoreFiles()
        self._links = HardLinks(lambda p: self._name_rule(p) is not None)
        self._git_cache: dict[Path, bool | None] = {}  # None: git is being asked

    @property
    def root(self) -> Path | None:
        return self._ctx.root

    def resolve(self, raw: Any) -> Path:
        """A model-supplied path, checked (see resolve_path); refusals are OutsideWorkspace with a reason."""
        return resolve_path(self._ctx, raw)

    def relative(self, path: Path) -> PurePosixPath | None:
        root = self.root
        if root is None:
            return None
        try:  # cheap first: the tools hand over resolved paths under the root
            rel = path.relative_to(root)
            if ".." not in rel.parts and not path.is_symlink():
                return PurePosixPath(rel.as_posix())
        except (ValueError, OSError):
            pass
        try:
            return PurePosixPath(path.resolve().relative_to(root.resolve()).as_posix())
        except (ValueError, OSError, RuntimeError):
            return None

    def _names(self, path: Path, rel: PurePosixPath | None) -> list[tuple[PurePosixPath, bool]]:
        """The names to judge `path` by: (relative path, inside the workspace) as asked (a link's own name) and as
        resolved; a file outside the workspace by its absolute path (`home/u/.kube/config`)."""
        out: list[tuple[PurePosixPath, bool]] = []
        root = self.root
        if root is not None:
            try:
                lexical = PurePosixPath(Path(os.path.normpath(path)).relative_to(root).as_posix())
                if ".." not in lexical.parts:
                    out.append((lexical, True))
            except ValueError:
                pass
        resolved = rel or self.relative(path)
        if resolved is not None:
            if not out or out[0][0] != resolved:
                out.append((resolved, True))
        else:
            try:
                real = path.resolve()
            except (OSError, RuntimeError):
                real = path
            out.append((PurePosixPath(real.as_posix().lstrip("/")), False))
        return out

    def _name_rule(self, path: Path, rel: PurePosixPath | None = None) -> str | None:
        root = self.root
        for name, inside in self._names(path, rel):
            if not name.parts:
                continue
            if sensitive_name(name):
                return "a sensitive-file pattern"
            if self._extra_re is not None and (
                any(self._extra_re.match(part) for part in name.parts) or self._extra_re.match(str(name))
            ):
                return "a sensitive-file pattern"
            if inside and root is not None and self._ignores.excludes(root, name):
                return IGNORE_FILE
        return None

    def rule_for(self, path: Path, rel: PurePosixPath | None = None) -> str | None:
        """The rule that keeps `path` private without asking git (a name, .livepairignore, a hard link), or None."""
        rule = self._name_rule(path, rel)
        if rule is None and self._links.is_link_to_private(path, self.root):
            return "a hard link to a private file"
        return rule

    def withheld_from_search(self, path: Path) -> bool:
        """Whether a search must skip `path`: private, or (through a link) not inside the workspace."""
        root = self.root
        if root is None:
            return True
        try:
            real, top = path.resolve(), root.resolve()
        except (OSError, RuntimeError):
            return True
        if real != top and top not in real.parents:
            return True
        return self.rule_for(path) is not None

    def refusal(self, path: Path, git: bool | None = None) -> str | None:
        """Why the model may not see `path`, or None. `git`: whether git ignores it, when already known;
        with the gitignore option on and `git` None, git is asked here (blocking, bounded)."""
        known = self.relative(path)
        rel = known or PurePosixPath(path.name)
        rule = self.rule_for(path, known)
        if rule is None and self.use_gitignore:
            if git is None:
                git = git_ignores(path, self.root)
            rule = ".gitignore" if git else None
        if rule is None:
            return None
        why = "it is a hard link to a private file" if rule.startswith("a hard link") else f"it matches {rule}"
        return (
            f"'{rel}' is private: {why}, so LivePair does not share it with the model. "
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
        """The root `.livepairignore`'s patterns (deeper files apply through rule_for)."""
        if self.root is None:
            return []
        try:
            return patterns((self.root / IGNORE_FILE).read_text(errors="replace").splitlines()[:10_000])
        except OSError:
            return []
