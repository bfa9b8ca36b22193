"""Context changes -> compact, redacted text updates for the model.

The digest is split into sections (editor, diagnostics, excerpts per file, terminal). Each update carries only the
sections whose text changed since the last one sent, so an unchanged context costs nothing, and a keystroke
re-sends the line it changed, not the world. Line numbers are 1-based, as the model's tools expect.
"""

from __future__ import annotations

from dataclasses import dataclass

from livepair.context.fence import fence
from livepair.context.gate import WorkspaceGate
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore, uri_to_path
from livepair.model import Diagnostic

SEVERITY = {1: "error", 2: "warning", 3: "info", 4: "hint"}
MAX_EXCERPT_LINES = 240  # across all files, so one huge file cannot flood the context window
MAX_LINE_CHARS = 240
MAX_EDITED_LINES = 3  # beyond that, the whole excerpt is clearer than a patch
HEADER = "[editor context update — for your awareness; reply only if something needs the user's attention]"


@dataclass(frozen=True)
class DigestLimits:
    excerpt_lines: int = 6
    terminal_tail_lines: int = 40
    max_diagnostics: int = 50


def format_diagnostic(name: str, d: Diagnostic) -> str:
    where = f"{name}:{d.range.start.line + 1}:{d.range.start.character + 1}"
    sev = SEVERITY.get(int(d.severity) if d.severity else 1, "error")
    origin = " ".join(str(x) for x in (d.source, d.code) if x not in (None, ""))
    origin = f" [{origin}]" if origin else ""
    return f"- {where} {sev}{origin}: {d.message.strip()}"


def _windows(lines: list[int], radius: int, total: int) -> list[tuple[int, int]]:
    """Merged [start, end) line windows around the given 0-based lines."""
    spans: list[tuple[int, int]] = []
    for line in sorted(set(lines)):
        start, end = max(0, line - radius), min(total, line + radius + 1)
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


class DigestBuilder:
    def __init__(
        self,
        store: ContextStore,
        redactor: Redactor,
        limits: DigestLimits | None = None,
        gate: WorkspaceGate | None = None,
    ) -> None:
        self._store = store
        self._redactor = redactor
        self._gate = gate or WorkspaceGate(store)  # private files send their name only
        self.limits = limits or DigestLimits()
        self._sent: dict[str, str] = {}  # section -> the redacted text last sent (all bounded in size)

    def reset(self) -> None:
        """Forget what was sent (a new model session knows nothing)."""
        self._sent.clear()

    def sections(self) -> dict[str, str]:
        """Every section of the current context, keyed by a stable name."""
        store, out = self._store, {}
        diags = self._ranked_diagnostics()
        ed = store.editor
        if ed.uri:
            where = f"Active file: {store.relative(ed.uri)}"
            if ed.selection:
                where += f", cursor at line {ed.selection.start.line + 1}"
            out["editor"] = where
        if diags:
            total = sum(len(v) for u, v in store.diagnostics.items() if not self._private(u))
            lines = [format_diagnostic(store.relative(uri), d) for uri, d in diags]
            more = f"\n(+{total - len(diags)} more not shown)" if total > len(diags) else ""
            out["diagnostics"] = f"Diagnostics ({total}):\n" + "\n".join(lines) + more
        else:
            out["diagnostics"] = "Diagnostics: none"
        budget = MAX_EXCERPT_LINES
        for uri, focus in self._focus_lines(diags).items():
            if self._private(uri):
                out[f"excerpt:{uri}"] = f"--- {store.relative(uri)}: a private file is open (not shared) ---"
                continue
            text = store.text(uri)
            if text is None or budget <= 0:
                continue
            body, used = self._excerpt(uri, text, focus, budget)
            budget -= used
            if body:
                out[f"excerpt:{uri}"] = body
        run = store.last_run()
        if run is not None:
            tail = "\n".join(
                self._redactor.redact_lines(run.output.rstrip().splitlines())[-self.limits.terminal_tail_lines :]
            )
            code = "running" if run.exit_code is None else f"exit {run.exit_code}"
            cwd = f" in {run.cwd}" if run.cwd else ""
            out["terminal"] = f"Last terminal command: `{run.command}`{cwd} ({code}). Output tail:\n{tail}"
        return out

    def update(self) -> str | None:
        """The redacted text of the sections that changed since the last update, or None if nothing did.

        An excerpt in which only a few lines changed (someone typing) is sent as just those lines.
        """
        current = {k: self._redactor.redact(v) for k, v in self.sections().items()}
        changed = []
        for key, text in current.items():
            before = self._sent.get(key)
            if before != text:
                edit = _edited_lines(before, text) if before is not None and key.startswith("excerpt:") else None
                changed.append(edit or text)
        for gone in self._sent.keys() - current.keys():
            if gone.startswith("excerpt:"):
                del self._sent[gone]
        if not changed:
            return None
        self._sent.update(current)
        return HEADER + "\n\n" + fence("editor context", "\n\n".join(changed))

    def _private(self, uri: str) -> bool:
        path = uri_to_path(uri)
        return path is not None and self._gate.private_now(path)

    # -- helpers ----------------------------------------------------------------------------------
    def _ranked_diagnostics(self) -> list[tuple[str, Diagnostic]]:
        active = self._store.editor.uri
        pairs = [(uri, d) for uri, ds in self._store.diagnostics.items() if not self._private(uri) for d in ds]
        pairs.sort(key=lambda p: (int(p[1].severity or 1), p[0] != active, p[0], p[1].range.start.line))
        return pairs[: self.limits.max_diagnostics]

    def _focus_lines(self, diags: list[tuple[str, Diagnostic]]) -> dict[str, list[int]]:
        focus: dict[str, list[int]] = {}
        ed = self._store.editor
        if ed.uri:
            focus[ed.uri] = [ed.selection.start.line] if ed.selection else [0]
        for uri, d in diags:
            focus.setdefault(uri, []).append(d.range.start.line)
        return focus

    def _excerpt(self, uri: str, text: str, focus: list[int], budget: int) -> tuple[str, int]:
        lines = self._redactor.redact_lines(text.splitlines())  # whole document first: a key above the window
        parts: list[str] = []
        used = 0
        for start, end in _windows(focus, self.limits.excerpt_lines, len(lines)):
            end = min(end, start + budget - used)
            if end <= start:
                break
            parts.append(f"--- {self._store.relative(uri)} lines {start + 1}-{end} ---")
            parts.extend(f"{n + 1:>5}| {lines[n][:MAX_LINE_CHARS]}" for n in range(start, end))
            used += end - start
        return "\n".join(parts), used


def _edited_lines(before: str, after: str) -> str | None:
    """The lines of an excerpt that changed, under a header naming the file, when the excerpt kept its shape
    (same windows, at most MAX_EDITED_LINES lines differ); else None and the whole excerpt goes."""
    old, new = before.splitlines(), after.splitlines()
    if len(old) != len(new) or not new:
        return None
    diff = [b for a, b in zip(old, new, strict=True) if a != b]
    if not diff or len(diff) > MAX_EDITED_LINES or any(line.startswith("--- ") for line in diff):
        return None
    name = new[0].removeprefix("--- ").rsplit(" lines ", 1)[0]
    return f"--- {name}, lines now ---\n" + "\n".join(diff)
