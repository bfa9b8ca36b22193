"""Causes in a function's or a class's own definition: a recursion that moves away from its base case, a recursion
over a list with no base case for the empty list, an abstract method whose double-underscore name is mangled."""

from __future__ import annotations

import ast
import itertools
import re

from livepair.backends.offline import flow
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.py_crash import crash, first_finding

MANGLED = re.compile(
    r"Can't instantiate abstract class (?P<sub>\w+) with abstract methods? (?P<name>_(?P<cls>\w+?)__\w+)"
)
TOWARD = {ast.Eq: 0, ast.LtE: -1, ast.Lt: -1, ast.GtE: 1, ast.Gt: 1}  # which way the argument must move


def _self_calls(fn: ast.FunctionDef) -> list[ast.Call]:
    return [
        n for n in ast.walk(fn) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == fn.name
    ]


def away_from_base_case(facts: Facts) -> Finding | None:
    c = crash(facts)
    tree = c.tree if c is not None and c.kind == "RecursionError" else None
    fn = flow.enclosing_function(tree, c.place.line) if c is not None and tree is not None else None
    if c is None or not isinstance(fn, ast.FunctionDef) or not fn.args.args:
        return None
    param = fn.args.args[0].arg
    base = next((n.test for n in fn.body if isinstance(n, ast.If) and isinstance(n.test, ast.Compare)), None)
    if base is None or not (isinstance(base.left, ast.Name) and base.left.id == param) or len(base.ops) != 1:
        return None
    want = TOWARD.get(type(base.ops[0]))
    for call in _self_calls(fn):
        arg = call.args[0] if call.args else None
        step = (
            arg.right.value
            if isinstance(arg, ast.BinOp) and isinstance(arg.left, ast.Name) and arg.left.id == param
            and isinstance(arg.right, ast.Constant) and type(arg.right.value) is int
            else None
        )  # fmt: skip
        if step is None or want is None or not isinstance(arg, ast.BinOp):
            continue
        moves = step if isinstance(arg.op, ast.Add) else -step if isinstance(arg.op, ast.Sub) else 0
        if want == 0:  # n == c: which way is away depends on where it starts (a call written with a number)
            start = _first_argument(tree, fn.name) if tree is not None else None
            limit = base.comparators[0].value if isinstance(base.comparators[0], ast.Constant) else None
            if start is None or not isinstance(limit, int) or start == limit:
                continue
            want = -1 if start > limit else 1
        if moves == 0 or (moves > 0) == (want > 0):
            continue
        test = ast.get_source_segment(c.text, base) or ""
        other = f"{param} - {step}" if isinstance(arg.op, ast.Add) else f"{param} + {step}"
        return Finding(
            f"{fn.name}() stops when {test} (line {base.lineno}), but line {call.lineno} calls it with "
            f"{ast.get_source_segment(c.text, arg)}, moving away from that base case, so it never reaches it: call "
            f"it with {other} (toward the base case).",
            ws.Place(c.place.path, call.lineno),
        )
    return None


def _first_argument(tree: ast.Module, name: str) -> int | None:
    """The number a call of `name` outside it is first given (count_down(3) -> 3)."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            continue
        for call in ast.walk(node):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id == name
                and call.args
                and isinstance(call.args[0], ast.Constant)
                and type(call.args[0].value) is int
            ):
                return call.args[0].value
    return None


def no_empty_base_case(facts: Facts) -> Finding | None:
    c = crash(facts)
    tree = c.tree if c is not None and c.kind == "IndexError" else None
    fn = flow.enclosing_function(tree, c.place.line) if c is not None and tree is not None else None
    if c is None or not isinstance(fn, ast.FunctionDef) or not fn.args.args:
        return None
    param = fn.args.args[0].arg
    sliced = any(
        isinstance(a, ast.Subscript) and isinstance(a.value, ast.Name) and a.value.id == param
        and isinstance(a.slice, ast.Slice)
        for call in _self_calls(fn) for a in call.args[:1]
    )  # fmt: skip
    tests = any(isinstance(n, ast.If | ast.IfExp) for n in ast.walk(fn))
    if not sliced or tests:
        return None
    return Finding(
        f"{fn.name}() calls itself with a shorter {param} each time, but has no base case: when {param} is empty, "
        f"{param}[0] fails. Start it with the empty case: if not {param}: return 0 (or the right value for "
        "an empty list).",
        ws.Place(c.place.path, fn.lineno),
    )


def mangled_abstract(facts: Facts) -> Finding | None:
    c = crash(facts)
    m = MANGLED.search(c.detail) if c is not None else None
    if c is None or m is None:
        return None
    short = m["name"].split("__", 1)[1]
    for path in itertools.islice(ws.workspace_files(facts.root, {".py"}), 200):
        text = facts.read(path) or ""
        cls = re.search(rf"^class\s+{re.escape(m['cls'])}\b", text, re.M)
        where = re.search(rf"^\s+def\s+__{re.escape(short)}\(", text[cls.start() :], re.M) if cls else None
        if cls is None or where is None:
            continue
        line = (
            text[: cls.start() + where.start()].count("\n")
            + 1
            + (1 if text[cls.start() + where.start()] == "\n" else 0)
        )
        return Finding(
            f"__{short} starts with two underscores, so Python renames it per class (name mangling): in "
            f"{m['cls']} it is {m['name']}, in {m['sub']} _{m['sub']}__{short}, so {m['sub']}'s method never "
            f"overrides the abstract one. Use a single underscore: _{short} (in both classes).",
            ws.Place(path.resolve(), line),
        )
    return None


def advise(facts: Facts) -> Finding | None:
    return first_finding([away_from_base_case, no_empty_base_case, mangled_abstract], facts)
