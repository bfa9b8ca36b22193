"""A thread (or process) that died before the error the run ended with: its own error is the cause.

Today one cause is shown from the code: `Thread(target=f, args=(x))`, where the parentheses make no tuple, so the
thread fails to call f at once and whatever waited for its work fails later (a KeyError, an empty result).
"""

from __future__ import annotations

import ast
import re

from livepair.backends.offline import flow
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.py_crash import frames, proposed

DIED = re.compile(
    r"^Exception in thread [^\n]*\n(?:.*\n)*?TypeError: (?P<func>[\w.<>]+)\(\) argument after \* must be an "
    r"iterable, not (?P<type>\w+)$",
    re.M,
)
STARTERS = {"Thread", "Process", "Timer"}


def advise(facts: Facts) -> Finding | None:
    m = DIED.search(facts.output)
    if m is None:
        return None
    for path in dict.fromkeys(p.path for p in frames(facts)):
        text = facts.read(path)
        tree = flow.parse(text) if text else None
        if text is None or tree is None:
            continue
        for call in ast.walk(tree):
            value = _args_of_starter(call)
            if isinstance(value, ast.Name):
                assigned = flow.last_assignment(tree, text, value.id, value.lineno)
                value = assigned.value if assigned is not None else None
            if value is None or isinstance(value, ast.Tuple | ast.List | ast.Name) or value.end_lineno != value.lineno:
                continue
            line = value.lineno
            code = text.splitlines(keepends=True)[line - 1].encode()
            before, inner, after = (
                code[: value.col_offset],
                code[value.col_offset : value.end_col_offset],
                code[value.end_col_offset or 0 :],
            )
            shown = inner.decode()
            bracketed = before.rstrip().endswith(b"(") and after.lstrip().startswith(b")")
            if not bracketed and not isinstance(value, ast.Constant):
                continue  # what the value is, the code does not show
            new = before + inner + b"," + after if bracketed else before + b"(" + inner + b",)" + after
            said = f"({shown})" if bracketed else shown
            message = (
                f"The thread died before this error: its args must be a tuple, and {said} on line {line} is "
                f"{'just ' + shown + ' in parentheses' if bracketed else 'not one'} (Python says: argument after * "
                f"must be an iterable, not {m['type']}), so {m['func'].split('.')[-1]}() never ran. A one-item "
                f"tuple needs a comma: ({shown},)."
            )
            lines = text.splitlines(keepends=True)
            patched = "".join([*lines[: line - 1], new.decode(), *lines[line:]])
            return proposed(message, ws.Place(path, line), text, patched, "make args a one-item tuple")
    return None


def _args_of_starter(node: ast.AST) -> ast.expr | None:
    if not isinstance(node, ast.Call):
        return None
    f = node.func
    name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
    if name not in STARTERS:
        return None
    return next((k.value for k in node.keywords if k.arg == "args"), None)
