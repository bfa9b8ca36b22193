"""Source edits the advisor's fixes are made of: whole patched texts, turned into one whole-line range at the end.

Each helper takes the file's text and returns the patched text (or None when the edit does not apply), so a fix
can combine edits (change a line and add the import it needs) and the checker sees the file as the user would.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

from livepair import pyast


@dataclass(frozen=True)
class Fix:
    start_line: int  # 1-based, inclusive: these whole lines are replaced by new_text
    end_line: int
    new_text: str
    explanation: str


def as_fix(original: str, patched: str, explanation: str) -> Fix | None:
    """The smallest whole-line range that turns `original` into `patched`."""
    old, new = original.splitlines(), patched.splitlines()
    if old == new:
        return None
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    start, end = head, len(old) - tail  # old[start:end] becomes new[start:len(new) - tail]
    if end <= start:  # a pure insertion: carry the line after it (or before, at the end of the file)
        if end < len(old):
            end += 1
            tail -= 1
        else:
            start -= 1
    replaced = new[start : len(new) - tail]
    return Fix(start + 1, end, "\n".join(replaced) + "\n", explanation)


def line_of(text: str, line: int) -> str | None:
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else None


def replace_on_line(
    text: str, line: int, pattern: str, replacement: str | Callable[[re.Match[str]], str], count: int = 0
) -> str | None:
    """`text` with `pattern` (a regex) replaced on one line, or None if the line does not contain it."""
    lines = text.splitlines(keepends=True)
    if not 0 < line <= len(lines):
        return None
    changed, n = re.subn(pattern, replacement, lines[line - 1], count=count)
    if n == 0:
        return None
    lines[line - 1] = changed
    return "".join(lines)


def rename_on_line(text: str, line: int, old: str, new: str) -> str | None:
    return replace_on_line(text, line, rf"(?<![\w.]){re.escape(old)}\b", lambda _m: new)


def rename_everywhere(text: str, old: str, new: str) -> str:
    """Every use of the name `old` renamed (not attributes of other objects: `x.old` stays)."""
    return re.sub(rf"(?<![\w.]){re.escape(old)}\b", lambda _m: new, text)


def ensure_import(text: str, statement: str, binds: str) -> str:
    """`text` with `statement` added after the module's top imports, unless `binds` is already imported."""
    try:
        tree = pyast.parse(text)
    except SyntaxError:
        return text
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom) and binds in {(a.asname or a.name) for a in node.names}:
            return text
    lines = text.splitlines(keepends=True)
    at = _after_header(tree)
    for node in tree.body:  # after the leading block of imports
        if isinstance(node, ast.Import | ast.ImportFrom):
            at = max(at, node.end_lineno or node.lineno)
        elif (node.end_lineno or node.lineno) > at:
            break
    if at and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    return "".join(lines[:at]) + statement + "\n" + "".join(lines[at:])


def _after_header(tree: ast.Module) -> int:
    """The line after a module docstring and `from __future__` imports (0 when there are none)."""
    at = 0
    for node in tree.body:
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and at == 0
        future = isinstance(node, ast.ImportFrom) and node.module == "__future__"
        if not (docstring or future):
            break
        at = node.end_lineno or node.lineno
    return at


def script_relative(text: str, line: int, literal: str, relative: str) -> str | None:
    """Open `relative` from the script's own folder instead of the string `literal` (and import Path)."""
    expr = f"Path(__file__).parent / {_quote(relative)}"
    patched = replace_on_line(text, line, rf"""(?P<q>["']){re.escape(literal)}(?P=q)""", lambda _m: expr, 1)
    return ensure_import(patched, "from pathlib import Path", "Path") if patched else None


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
