"""The privacy gate: no frame leaves the machine while the screen may show a secret.

The editor tells us what is on screen (`livepair/editorState`: the active document and, when the extension sends
them, the other visible ones). A frame is withheld while any of them matches an exclusion glob (built-in ones,
the `screenExclude` setting, the workspace's `.livepairignore`, optionally .gitignored files) or contains a secret
the redactor finds, or while the last terminal output shown contains one. Verdicts on document text are cached
by the text's hash, so an unchanged document costs nothing to re-check.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from livepair.context.gate import IGNORE_FILE, WorkspaceGate
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore, uri_to_path
from livepair.model import TerminalRun

log = logging.getLogger(__name__)
SENSITIVE_FILE = "sensitive file visible"
SECRET_IN_TERMINAL = "secret in terminal output"
CHECKING = "checking .gitignore"


@dataclass(frozen=True)
class Verdict:
    reason: str  # what the status says
    detail: str  # for the local sent log: which file, or which rule


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
        self.files = WorkspaceGate(context, extra_globs, use_gitignore)  # the same rules as the model's tools
        self._use_gitignore = use_gitignore
        self._secret_cache: dict[str, tuple[int, bool]] = {}  # uri -> (hash of text, has secret)
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
        rel = self.files.relative(path) or PurePosixPath(path.name)
        rule = self.files.rule_for(path)
        if rule is not None:
            return f"{rel} ({'exclusion glob' if rule != IGNORE_FILE else IGNORE_FILE})"
        if self._use_gitignore:
            git = self.files.git_verdict(path)
            if git is None:
                return f"{rel} ({CHECKING})"
            if git:
                return f"{rel} (.gitignore)"
        return None

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
