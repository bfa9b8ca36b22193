"""The model's hands in the workspace: `search_workspace`, `open_location` and `apply_edit`.

Every path goes through the privacy gate (context/gate.py) first. A search is bounded in files, matches and time
and skips what .gitignore and .livepairignore exclude. A multi-file edit is checked file by file (advice/verify.py:
the patched file parses and uses no name nothing defines) and then shown to the user as a preview (a `ProposedEdit`;
lsp/ sends it as a WorkspaceEdit whose change annotation needs confirmation: VS Code's refactor preview); it changes
nothing unless the user applies it. An editor that cannot preview edits (`capabilities.edit_preview`) gets none.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from livepair.advice.verify import check_fix
from livepair.context.fence import fence
from livepair.context.gate import GIT_TIMEOUT_S, WorkspaceGate, ignored, patterns
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.model import FileEdit, Position, ProposedEdit, Range, Replacement
from livepair.session.editor_port import EditorPort
from livepair.session.tools.registry import ToolError

MAX_QUERY = 200
MAX_MATCHES = 50
MAX_FILES_SCANNED = 5_000
MAX_FILE_BYTES = 1024 * 1024
MAX_LINE_CHARS = 200
SEARCH_BUDGET_S = 2.0
MAX_EDIT_FILES = 10
MAX_EDITS = 50
MAX_NEW_TEXT = 20_000
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".mypy_cache", ".tox"})
NO_PREVIEW = "this editor cannot show an edit preview; use propose_fix for a one-place fix"


@dataclass(frozen=True)
class LineEdit:
    path: str
    start: int  # 1-based, inclusive
    end: int  # 1-based, inclusive; start - 1 for an insertion
    new_text: str


class WorkspaceTools:
    def __init__(
        self,
        context: ContextStore,
        gate: WorkspaceGate,
        redactor: Redactor,
        editor: EditorPort | None,
    ) -> None:
        self._ctx = context
        self._gate = gate
        self._redactor = redactor
        self._editor = editor

    async def _private(self, path: Path) -> str | None:
        """The gate's refusal for a file (asking git in a thread only when the option is on)."""
        if self._gate.rule_for(path) is None and not self._gate.use_gitignore:
            return None
        return await asyncio.to_thread(self._gate.refusal, path)

    async def _path(self, raw: Any) -> Path:
        path = self._gate.resolve(raw)  # malformed or outside: OutsideWorkspace, the caller's to report
        if (why := await self._private(path)) is not None:
            raise ToolError(why)
        if not path.is_file():
            raise ToolError(f"{raw!r} is not a file in the workspace")
        return path

    # -- open_location --------------------------------------------------------------------------------
    async def open_location(self, args: dict[str, Any]) -> dict[str, Any]:
        path = await self._path(args.get("path"))
        line = args.get("line")
        if isinstance(line, float) and line.is_integer():
            line = int(line)
        if not isinstance(line, int) or isinstance(line, bool) or line < 1:
            raise ToolError("'line' must be a positive integer (1-based)")
        total = len((self._ctx.text(path.as_uri()) or "").splitlines())
        if line > max(total, 1):
            raise ToolError(f"line {line} is outside the file (1-{total})")
        if self._editor is None or not await self._editor.show_document(path.as_uri(), line - 1):
            return {"error": "the editor could not open the location"}
        return {"ok": True, "opened": f"{self._ctx.relative(path.as_uri())}:{line}"}

    # -- search_workspace -----------------------------------------------------------------------------
    async def search_workspace(self, args: dict[str, Any]) -> dict[str, Any]:
        query = args.get("query")
        if not isinstance(query, str) or not query.strip():
            raise ToolError("'query' must be a non-empty string")
        if len(query) > MAX_QUERY:
            raise ToolError(f"'query' is too long ({len(query)} chars, max {MAX_QUERY})")
        try:
            pattern = re.compile(query if args.get("regex") is True else re.escape(query), re.IGNORECASE)
        except re.error as exc:
            raise ToolError(f"'query' is not a valid regular expression: {exc}") from None
        root = self._ctx.root
        if root is None:
            raise ToolError("no workspace folder is open")
        hits, note = await asyncio.to_thread(self._search, root, pattern)
        lines = [f"{rel}:{n}: {self._redactor.redact(text)}" for rel, n, text in hits]
        out: dict[str, Any] = {"count": len(hits), "matches": fence(f"search results for {query!r}", "\n".join(lines))}
        if note:
            out["note"] = note
        return out

    def _search(self, root: Path, pattern: re.Pattern[str]) -> tuple[list[tuple[str, int, str]], str]:
        deadline = time.monotonic() + SEARCH_BUDGET_S
        hits: list[tuple[str, int, str]] = []
        files = _candidate_files(root)
        for scanned, rel in enumerate(files):
            if len(hits) >= MAX_MATCHES:
                return hits, f"stopped at {MAX_MATCHES} matches; narrow the query"
            if scanned >= MAX_FILES_SCANNED or time.monotonic() > deadline:
                return hits, "the search stopped early (too many files or too slow); narrow the query"
            path = root / rel
            if self._gate.withheld_from_search(path):
                continue  # private or (through a link) outside the workspace: never searched
            text = self._file_text(path)
            if text is None:
                continue
            for n, line in enumerate(text.splitlines(), 1):
                if pattern.search(line):
                    hits.append(
                        (rel, n, self._redactor.redact_lines(text.splitlines())[n - 1].strip()[:MAX_LINE_CHARS])
                    )
                    if len(hits) >= MAX_MATCHES:
                        break
        return hits, ""

    def _file_text(self, path: Path) -> str | None:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                return None
        except OSError:
            return None
        text = self._ctx.text(path.as_uri())  # what the editor holds, if open
        if text is None or "\0" in text[:8192]:
            return None  # unreadable or binary
        return text

    # -- apply_edit -----------------------------------------------------------------------------------
    async def apply_edit(self, args: dict[str, Any]) -> dict[str, Any]:
        edits = _parse_edits(args.get("edits"))
        reason = args.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise ToolError("'reason' must be a non-empty string")
        by_file: dict[Path, list[LineEdit]] = {}
        for e in edits:
            by_file.setdefault(await self._path(e.path), []).append(e)
        if len(by_file) > MAX_EDIT_FILES:
            raise ToolError(f"too many files ({len(by_file)}, max {MAX_EDIT_FILES})")
        changes: list[FileEdit] = []
        for path, file_edits in by_file.items():
            uri = path.as_uri()
            text = self._ctx.text(uri)
            if text is None:
                raise ToolError(f"cannot read {self._ctx.relative(uri)!r}")
            lines = text.splitlines(keepends=True)
            ordered = sorted(file_edits, key=lambda e: (e.start, e.end))
            _check_ranges(self._ctx.relative(uri), ordered, len(lines))
            patched = _patched(lines, ordered)
            verdict = check_fix(path, text, patched)
            if not verdict.ok:
                raise ToolError(f"edit not offered: {self._ctx.relative(uri)}: {verdict.reason}")
            changes.append(FileEdit(uri, tuple(_replacement(e) for e in ordered)))
        if self._editor is None or not self._editor.capabilities.edit_preview:
            return {"error": NO_PREVIEW}  # a client without a preview would apply it without asking
        outcome = await self._editor.apply_edit(ProposedEdit(tuple(changes), f"LivePair: {reason.strip()[:200]}"))
        files = sorted(self._ctx.relative(p.as_uri()) for p in by_file)
        if outcome == "applied":
            return {"applied": True, "files": files}
        return {"error": "the user did not apply the edit", "files": files}


def _parse_edits(raw: Any) -> list[LineEdit]:
    if not isinstance(raw, list) or not raw:
        raise ToolError("'edits' must be a non-empty list of {path, start_line, end_line, new_text}")
    if len(raw) > MAX_EDITS:
        raise ToolError(f"too many edits ({len(raw)}, max {MAX_EDITS})")
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise ToolError(f"edits[{i}] must be an object")
        values = [item.get(k) for k in ("start_line", "end_line")]
        values = [int(v) if isinstance(v, float) and v.is_integer() else v for v in values]
        if any(not isinstance(v, int) or isinstance(v, bool) for v in values):
            raise ToolError(f"edits[{i}]: start_line and end_line must be integers")
        new_text = item.get("new_text")
        if not isinstance(new_text, str) or len(new_text) > MAX_NEW_TEXT:
            raise ToolError(f"edits[{i}]: 'new_text' must be a string of at most {MAX_NEW_TEXT} chars")
        path = item.get("path")
        if not isinstance(path, str) or not path.strip():
            raise ToolError(f"edits[{i}]: 'path' must be a non-empty string")
        out.append(LineEdit(path, int(values[0]), int(values[1]), new_text))  # type: ignore[arg-type]
    return out


def _check_ranges(name: str, ordered: list[LineEdit], total: int) -> None:
    previous_end = 0
    for e in ordered:
        if e.start < 1 or e.end < e.start - 1 or e.end > total or e.start > total + 1:
            raise ToolError(f"{name}: lines {e.start}-{e.end} are outside the file (1-{total})")
        if e.start <= previous_end:
            raise ToolError(f"{name}: edits overlap at line {e.start}")
        previous_end = e.end


def _with_newline(text: str) -> str:
    return text if not text or text.endswith("\n") else text + "\n"


def _patched(lines: list[str], ordered: list[LineEdit]) -> str:
    out: list[str] = []
    at = 0  # 0-based index of the next original line to copy
    for e in ordered:
        out.extend(lines[at : e.start - 1])
        out.append(_with_newline(e.new_text))
        at = e.end
    out.extend(lines[at:])
    return "".join(out)


def _replacement(e: LineEdit) -> Replacement:
    return Replacement(Range(Position(e.start - 1, 0), Position(e.end, 0)), _with_newline(e.new_text))


def _candidate_files(root: Path) -> list[str]:
    """Workspace-relative files to search, in a stable order: git's list (tracked and untracked, not ignored) in a
    git work tree, else a walk that skips tool folders and what the root .gitignore excludes; .livepairignore always
    applies."""
    private = patterns(_read(root / ".livepairignore"))
    listed = _git_files(root)
    if listed is None:
        ignore = patterns(_read(root / ".gitignore"))
        listed = []
        for folder, dirs, names in os.walk(root):
            rel_dir = PurePosixPath(Path(folder).relative_to(root).as_posix())
            dirs[:] = sorted(
                d for d in dirs if d not in SKIP_DIRS and not ignored(rel_dir / d / "x", ignore)
            )  # "x": a file inside, so folder patterns (`build/`) match the folder
            listed.extend(str(rel_dir / n) for n in sorted(names))
            if len(listed) > MAX_FILES_SCANNED:
                break
        listed = [r for r in listed if not ignored(PurePosixPath(r), ignore)]
    return [r for r in listed if not ignored(PurePosixPath(r), private)]


def _git_files(root: Path) -> list[str] | None:
    try:
        done = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            timeout=GIT_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None  # not a git work tree
    return sorted(p for p in done.stdout.decode(errors="replace").split("\0") if p)[: MAX_FILES_SCANNED + 1]


def _read(path: Path) -> list[str]:
    try:
        return path.read_text(errors="replace").splitlines()[:10_000]
    except OSError:
        return []
