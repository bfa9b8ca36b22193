"""The model's hands in the workspace: `search_workspace`, `open_location` and `apply_edit`.

Every path goes through the privacy gate (context/gate.py) first. A search is bounded in files, matches and time
and skips what .gitignore and .livepairignore exclude. A multi-file edit is checked file by file (advice/verify.py:
the patched file parses and uses no name nothing defines) and then shown to the user as a preview (an LSP
WorkspaceEdit whose change annotation needs confirmation: VS Code's refactor preview); it changes nothing unless the
user applies it. An editor that cannot preview edits gets none.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal, Protocol, runtime_checkable

from lsprotocol import types as lsp

from livepair.advice.verify import check_fix
from livepair.context.fence import fence
from livepair.context.gate import GIT_TIMEOUT_S, WorkspaceGate, ignored, patterns
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore

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
EDIT_LABEL = "livepair-edit"
EditOutcome = Literal["applied", "declined", "unsupported"]

_PATH = {"type": "STRING", "description": "File path relative to the workspace root, e.g. 'src/app.py'."}
DECLARATIONS: list[dict[str, Any]] = [
    {
        "name": "search_workspace",
        "description": "Search the workspace's files for a text (case-insensitive; or a regular expression). "
        "Returns at most 50 matching lines with their file and 1-based line. Private and ignored files are skipped.",
        "parameters": {
            "type": "OBJECT",
            "properties": {
                "query": {"type": "STRING", "description": "The text to find (at most 200 characters)."},
                "regex": {"type": "BOOLEAN", "description": "Treat the query as a Python regular expression."},
            },
            "required": ["query"],
        },
    },
    {
        "name": "open_location",
        "description": "Open a file at a line in the user's editor, to show them the place you are talking about.",
        "parameters": {
            "type": "OBJECT",
            "properties": {"path": _PATH, "line": {"type": "INTEGER", "description": "1-based line number."}},
            "required": ["path", "line"],
        },
    },
    {
        "name": "apply_edit",
        "description": "Propose a change across one or more files. The user sees it as a diff preview and decides; "
        "nothing changes without their yes. Each edit replaces whole lines start_line..end_line (1-based, "
        "inclusive) of a file with new_text; end_line = start_line - 1 inserts before start_line. Each changed "
        "file is checked first (it must parse and use no undefined name).",
        "parameters": {
            "type": "OBJECT",
            "properties": {
                "edits": {
                    "type": "ARRAY",
                    "items": {
                        "type": "OBJECT",
                        "properties": {
                            "path": _PATH,
                            "start_line": {"type": "INTEGER"},
                            "end_line": {"type": "INTEGER"},
                            "new_text": {"type": "STRING"},
                        },
                        "required": ["path", "start_line", "end_line", "new_text"],
                    },
                },
                "reason": {"type": "STRING", "description": "What the change does, in one sentence."},
            },
            "required": ["edits", "reason"],
        },
    },
]
NAMES = frozenset(d["name"] for d in DECLARATIONS)


@runtime_checkable
class WorkspaceEditor(Protocol):
    """What the editor does for these tools (lsp/server.py)."""

    async def apply_edit(self, edit: lsp.WorkspaceEdit) -> EditOutcome: ...
    async def show_document(self, uri: str, line: int) -> bool: ...


class BadArguments(ValueError):
    """The model's call was wrong or refused; the message goes back to it."""


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
        hands: WorkspaceEditor | None,
    ) -> None:
        self._ctx = context
        self._gate = gate
        self._redactor = redactor
        self._hands = hands

    async def _private(self, path: Path) -> str | None:
        """The gate's refusal for a file (asking git in a thread only when the option is on)."""
        if self._gate.rule_for(path) is None and not self._gate.use_gitignore:
            return None
        return await asyncio.to_thread(self._gate.refusal, path)

    async def _path(self, raw: Any) -> Path:
        if not isinstance(raw, str) or not raw.strip():
            raise BadArguments("'path' must be a non-empty string")
        path = self._ctx.resolve(raw)  # OutsideWorkspace is the caller's to report
        if (why := await self._private(path)) is not None:
            raise BadArguments(why)
        if not path.is_file():
            raise BadArguments(f"{raw!r} is not a file in the workspace")
        return path

    # -- open_location --------------------------------------------------------------------------------
    async def open_location(self, args: dict[str, Any]) -> dict[str, Any]:
        path = await self._path(args.get("path"))
        line = args.get("line")
        if isinstance(line, float) and line.is_integer():
            line = int(line)
        if not isinstance(line, int) or isinstance(line, bool) or line < 1:
            raise BadArguments("'line' must be a positive integer (1-based)")
        total = len((self._ctx.text(path.as_uri()) or "").splitlines())
        if line > max(total, 1):
            raise BadArguments(f"line {line} is outside the file (1-{total})")
        if self._hands is None or not await self._hands.show_document(path.as_uri(), line - 1):
            return {"error": "the editor could not open the location"}
        return {"ok": True, "opened": f"{self._ctx.relative(path.as_uri())}:{line}"}

    # -- search_workspace -----------------------------------------------------------------------------
    async def search_workspace(self, args: dict[str, Any]) -> dict[str, Any]:
        query = args.get("query")
        if not isinstance(query, str) or not query.strip():
            raise BadArguments("'query' must be a non-empty string")
        if len(query) > MAX_QUERY:
            raise BadArguments(f"'query' is too long ({len(query)} chars, max {MAX_QUERY})")
        try:
            pattern = re.compile(query if args.get("regex") is True else re.escape(query), re.IGNORECASE)
        except re.error as exc:
            raise BadArguments(f"'query' is not a valid regular expression: {exc}") from None
        root = self._ctx.root
        if root is None:
            raise BadArguments("no workspace folder is open")
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
            if self._gate.rule_for(path) is not None:
                continue  # private: never searched (gitignored files are not candidates at all)
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
            raise BadArguments("'reason' must be a non-empty string")
        by_file: dict[Path, list[LineEdit]] = {}
        for e in edits:
            by_file.setdefault(await self._path(e.path), []).append(e)
        if len(by_file) > MAX_EDIT_FILES:
            raise BadArguments(f"too many files ({len(by_file)}, max {MAX_EDIT_FILES})")
        changes: list[lsp.TextDocumentEdit] = []
        for path, file_edits in by_file.items():
            uri = path.as_uri()
            text = self._ctx.text(uri)
            if text is None:
                raise BadArguments(f"cannot read {self._ctx.relative(uri)!r}")
            lines = text.splitlines(keepends=True)
            ordered = sorted(file_edits, key=lambda e: (e.start, e.end))
            _check_ranges(self._ctx.relative(uri), ordered, len(lines))
            patched = _patched(lines, ordered)
            verdict = check_fix(path, text, patched)
            if not verdict.ok:
                raise BadArguments(f"edit not offered: {self._ctx.relative(uri)}: {verdict.reason}")
            changes.append(
                lsp.TextDocumentEdit(
                    text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
                    edits=[_annotated(e) for e in ordered],
                )
            )
        label = f"LivePair: {reason.strip()[:200]}"
        edit = lsp.WorkspaceEdit(
            document_changes=list(changes),
            change_annotations={
                EDIT_LABEL: lsp.ChangeAnnotation(
                    label=label, needs_confirmation=True, description="Proposed by the senior dev (the model)"
                )
            },
        )
        if self._hands is None:
            return {"error": "this editor cannot show an edit preview; use propose_fix for a one-place fix"}
        outcome = await self._hands.apply_edit(edit)
        files = sorted(self._ctx.relative(p.as_uri()) for p in by_file)
        if outcome == "applied":
            return {"applied": True, "files": files}
        if outcome == "unsupported":
            return {"error": "this editor cannot show an edit preview; use propose_fix for a one-place fix"}
        return {"error": "the user did not apply the edit", "files": files}


def _parse_edits(raw: Any) -> list[LineEdit]:
    if not isinstance(raw, list) or not raw:
        raise BadArguments("'edits' must be a non-empty list of {path, start_line, end_line, new_text}")
    if len(raw) > MAX_EDITS:
        raise BadArguments(f"too many edits ({len(raw)}, max {MAX_EDITS})")
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise BadArguments(f"edits[{i}] must be an object")
        values = [item.get(k) for k in ("start_line", "end_line")]
        values = [int(v) if isinstance(v, float) and v.is_integer() else v for v in values]
        if any(not isinstance(v, int) or isinstance(v, bool) for v in values):
            raise BadArguments(f"edits[{i}]: start_line and end_line must be integers")
        new_text = item.get("new_text")
        if not isinstance(new_text, str) or len(new_text) > MAX_NEW_TEXT:
            raise BadArguments(f"edits[{i}]: 'new_text' must be a string of at most {MAX_NEW_TEXT} chars")
        path = item.get("path")
        if not isinstance(path, str) or not path.strip():
            raise BadArguments(f"edits[{i}]: 'path' must be a non-empty string")
        out.append(LineEdit(path, int(values[0]), int(values[1]), new_text))  # type: ignore[arg-type]
    return out


def _check_ranges(name: str, ordered: list[LineEdit], total: int) -> None:
    previous_end = 0
    for e in ordered:
        if e.start < 1 or e.end < e.start - 1 or e.end > total or e.start > total + 1:
            raise BadArguments(f"{name}: lines {e.start}-{e.end} are outside the file (1-{total})")
        if e.start <= previous_end:
            raise BadArguments(f"{name}: edits overlap at line {e.start}")
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


def _annotated(e: LineEdit) -> lsp.AnnotatedTextEdit:
    rng = lsp.Range(lsp.Position(e.start - 1, 0), lsp.Position(e.end, 0))
    return lsp.AnnotatedTextEdit(range=rng, new_text=_with_newline(e.new_text), annotation_id=EDIT_LABEL)


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
