"""An argparse option used as a number without type=int: argparse gives text unless told otherwise, so the option's
add_argument() line is the cause, and type=int (or float) there is the fix."""

from __future__ import annotations

import ast
import re

from livepair.backends.offline import flow
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.py_causes import STR_AS_NUMBER
from livepair.backends.offline.py_crash import crash, first_finding, proposed, replace_line

# the error's words when text met a number, beyond those py_causes knows
MORE = re.compile(
    r"'str' object cannot be interpreted as an integer|'str' object is not an integer|must be .*, not str"
)


def option_without_type(facts: Facts) -> Finding | None:
    c = crash(facts)
    tree = c.tree if c is not None and (STR_AS_NUMBER.search(c.detail) or MORE.search(c.detail)) else None
    if c is None or tree is None:
        return None
    parsed = {
        a.name
        for a in (flow.last_assignment(tree, c.text, n, c.place.line) for n in flow.names_on(c.code))
        if a and isinstance(a.value, ast.Call) and _called(a.value, "parse_args")
    }
    used = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
            and n.value.id in parsed and n.lineno == c.place.line]  # fmt: skip
    options = {a.attr: o for a in used if (o := _option(tree, a.attr)) is not None}
    numeric = {k: o for k, o in options.items() if _number_default(o)}
    # several options on the line: only the one whose default is a number is shown to be one
    options = numeric if len(numeric) == 1 else options if len(options) == 1 else {}
    for name, option in options.items():
        line = c.text.splitlines()[option.lineno - 1]
        call = ast.get_source_segment(c.text, option) or ""
        message = (
            f"args.{name} is text: argparse gives every option as a string unless add_argument() says "
            f"otherwise, and line {c.place.line} uses it as a number. Add type=int to the option on line "
            f"{option.lineno}: {call[:-1]}, type=int)."
        )
        patched = replace_line(c.text, option.lineno, line.replace(call, call[:-1] + ", type=int)", 1))
        at = ws.Place(c.place.path, option.lineno)
        return proposed(message, at, c.text, patched if option.end_lineno == option.lineno else None, "type=int")
    return None


def _called(call: ast.Call, method: str) -> bool:
    return isinstance(call.func, ast.Attribute) and call.func.attr == method


def _number_default(option: ast.Call) -> bool:
    return any(
        k.arg == "default" and isinstance(k.value, ast.Constant) and type(k.value.value) in (int, float)
        for k in option.keywords
    )


def _option(tree: ast.Module, dest: str) -> ast.Call | None:
    """The one add_argument() call whose option is `dest` and that sets no type, action or choices."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        names = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        keys = {k.arg for k in node.keywords}
        dests = {n.lstrip("-").replace("-", "_") for n in names} | {
            k.value.value for k in node.keywords if k.arg == "dest" and isinstance(k.value, ast.Constant)
        }
        if node.func.attr == "add_argument" and dest in dests and not keys & {"type", "action", "choices"}:
            found.append(node)
    return found[0] if len(found) == 1 else None


def advise(facts: Facts) -> Finding | None:
    return first_finding([option_without_type], facts)
