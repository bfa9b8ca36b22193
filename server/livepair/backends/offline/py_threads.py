"""A thread that died before the error the run ended with: its own error is the cause.

`Thread(target=f, args=(x))`, where the parentheses make no tuple, is shown from the code: the thread fails to
call f at once and whatever waited for its work fails later (a KeyError, an empty result). Any other error a
thread died of is advised on by itself (`died_first`: the run's output cut to that thread's traceback).
"""

from __future__ import annotations

import ast
import itertools
import re
from dataclasses import replace
from pathlib import Path

from livepair.backends.offline import flow
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.py_crash import frames, proposed

DIED = re.compile(
    r"^Exception in thread [^\n]*\n(?:.*\n)*?TypeError: (?P<said>(?P<func>[\w.<>]+)\(\) (?:argument after \* must "
    r"be an iterable, not \w+|takes \d+ positional arguments? but \d+ were given))$",
    re.M,
)
STARTERS = {"Thread", "Process", "Timer"}
MAX_FILES = 50  # workspace files looked through when no traceback frame names one
THREAD_TRACEBACK = re.compile(
    r"^Exception in thread [^\n]*\nTraceback \(most recent call last\):\n(?:[ \t].*\n)+"
    r"(?P<error>(?:[\w.]+\.)?\w+(?:Error|Exception)\b.*)$",
    re.M,
)


def died_first(facts: Facts) -> Facts | None:
    """The run's facts cut to the traceback of a thread that died before the run's last error, if one did."""
    m = THREAD_TRACEBACK.search(facts.output)
    if m is None or "Traceback (most recent call last)" not in facts.output[m.end() :]:
        return None
    return replace(facts, output=m.group(0) + "\n", memo={})


def advise(facts: Facts) -> Finding | None:
    m = DIED.search(facts.output)
    if m is None:
        return None
    shown = [p.path for p in frames(facts)]  # the program may end without a traceback of its own: then any file
    for path in dict.fromkeys(shown or itertools.islice(ws.workspace_files(facts.root, {".py"}), MAX_FILES)):
        text = facts.read(path)
        tree = flow.parse(text) if text else None
        for call in ast.walk(tree) if text is not None and tree is not None else ():
            value = _args_of_starter(call)
            if isinstance(value, ast.Name) and not _bracketed(text or "", value):
                assigned = flow.last_assignment(tree, text or "", value.id, value.lineno) if tree else None
                value = assigned.value if assigned is not None else None
            if value is None or isinstance(value, ast.Tuple | ast.List) or value.end_lineno != value.lineno:
                continue
            bracketed = _bracketed(text or "", value)
            if not bracketed and not isinstance(value, ast.Constant):
                continue  # what the value is, the code does not show
            return _one_item_tuple(path, text or "", value, bracketed, m["said"], m["func"].split(".")[-1])
    return None


def _bracketed(text: str, node: ast.expr) -> bool:
    """`(x)`: parentheses around one value, which make no tuple (and are not a call's own parentheses)."""
    code = text.splitlines()[node.lineno - 1].encode()
    before, after = code[: node.col_offset], code[node.end_col_offset or 0 :]
    return re.search(rb"(?<![\w)\]])\(\s*$", before) is not None and after.lstrip().startswith(b")")


def _one_item_tuple(path: Path, text: str, value: ast.expr, bracketed: bool, said: str, func: str) -> Finding:
    line = value.lineno
    lines = text.splitlines(keepends=True)
    code = lines[line - 1].encode()
    before, inner, after = (
        code[: value.col_offset],
        code[value.col_offset : value.end_col_offset],
        code[value.end_col_offset or 0 :],
    )
    shown = inner.decode()
    what = f"({shown}) on line {line} is just {shown} in parentheses" if bracketed else f"{shown} on line {line} is not"
    message = (
        f"The thread died before this error: its args must be a tuple, and {what} (Python says: {said}), so "
        f"{func}() never ran as meant. A one-item tuple needs a comma: ({shown},)."
    )
    new = before + inner + b"," + after if bracketed else before + b"(" + inner + b",)" + after
    patched = "".join([*lines[: line - 1], new.decode(), *lines[line:]])
    return proposed(message, ws.Place(path, line), text, patched, "make args a one-item tuple")


def _args_of_starter(node: ast.AST) -> ast.expr | None:
    if not isinstance(node, ast.Call):
        return None
    f = node.func
    name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
    if name not in STARTERS:
        return None
    return next((k.value for k in node.keywords if k.arg == "args"), None)
