"""Python failures whose cause is a value the code writes out itself (a literal, JSON text in the code, a JSON file
of the workspace): a list indexed by a key, a list used as a dict key, numbers written as text, more values than
names to unpack them into.

Same rule as py_everyday.py: a value is only described when the code (or the file it loads) shows it.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable

from livepair.backends.offline import flow
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.py_crash import crash, first_finding

UNKNOWN = object()  # the code does not show the value
TOO_MANY = re.compile(r"too many values to unpack \(expected (?P<want>\d+)\)")
TEXT_TIMES = re.compile(
    r"can't multiply sequence by non-int of type '(?:float|str)'"
    r"|unsupported operand type\(s\) for [-*/]: 'str' and '(?:int|float)'"
)
NUMBER = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)\s*")


def value_of(facts: Facts, tree: ast.Module, text: str, node: ast.expr, before: int, depth: int = 0) -> object:
    """What an expression holds when the code shows it: a literal, json.loads of literal text, json.load of a
    workspace file, or a key or index of one of those; UNKNOWN otherwise."""
    if depth > 4:
        return UNKNOWN
    if isinstance(node, ast.Name):
        assigned = flow.last_assignment(tree, text, node.id, before)
        return UNKNOWN if assigned is None else value_of(facts, tree, text, assigned.value, assigned.line, depth + 1)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        base = value_of(facts, tree, text, node.value, before, depth + 1)
        try:
            return base[node.slice.value] if isinstance(base, dict | list) else UNKNOWN  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return UNKNOWN
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("loads", "load"):
        return _json(facts, text, node)
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return UNKNOWN


def _json(facts: Facts, text: str, call: ast.Call) -> object:
    arg = call.args[0] if call.args else None
    if isinstance(call.func, ast.Attribute) and call.func.attr == "loads":
        raw = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None
    else:  # json.load(f): the file the code opens, when it is one JSON file of the workspace
        names = [n for n in re.findall(r"open\(\s*['\"]([^'\"]+\.json)['\"]", text) if (facts.cwd / n).is_file()]
        raw = (facts.cwd / names[0]).read_text() if len(set(names)) == 1 else None
    try:
        return json.loads(raw) if raw is not None else UNKNOWN
    except ValueError:
        return UNKNOWN


def list_indexed_by_key(facts: Facts) -> Finding | None:
    """`data['key']` where data is a list (a JSON array): take an item, or loop over them."""
    c = crash(facts)
    tree = c.tree if c is not None and "list indices must be integers or slices, not str" in c.detail else None
    if c is None or tree is None:
        return None
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Subscript) and node.lineno == c.place.line):
            continue
        key = node.slice
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            continue
        held = value_of(facts, tree, c.text, node.value, c.place.line)
        if not isinstance(held, list):
            continue
        shown = ast.get_source_segment(c.text, node.value) or "it"
        if key.value.strip().isdigit():  # an index written as text
            return Finding(
                f"{shown} is a list, and list indices must be integers: {key.value!r} is text. Index it with the "
                f"number, {shown}[{int(key.value)}] (or int(...) of text read from outside).",
                c.place,
            )
        first = f"{shown}[0][{key.value!r}]"
        kind = "dicts" if held and all(isinstance(x, dict) for x in held) else "items"
        return Finding(
            f"{shown} is a list ({len(held)} {kind}), not a dict, so it is indexed by position, not by "
            f"{key.value!r}: take one item, {first}, or loop over them: for item in {shown}: item[{key.value!r}].",
            c.place,
        )
    return None


def list_as_key(facts: Facts) -> Finding | None:
    """A list used as a dict key (or set member): the code shows the list."""
    c = crash(facts)
    tree = c.tree if c is not None and c.detail == "unhashable type: 'list'" else None
    if c is None or tree is None:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and node.lineno == c.place.line and isinstance(node.slice, ast.Name):
            name = node.slice.id
            assigned = flow.last_assignment(tree, c.text, name, c.place.line)
            if assigned is not None and isinstance(assigned.value, ast.List):
                return Finding(
                    f"'{name}' is a list ({assigned.source}, line {assigned.line}), and a list cannot be a dict key: "
                    f"it can change after it is stored. Use a tuple, {name} = ({assigned.source[1:-1]}), or "
                    f"tuple({name}) as the key.",
                    c.place,
                )
    return None


def numbers_as_text(facts: Facts) -> Finding | None:
    """Arithmetic on a number written as text in the code: "5.6" * 3.2, or items of a list of such strings."""
    c = crash(facts)
    tree = c.tree if c is not None and TEXT_TIMES.search(c.detail) else None
    if c is None or tree is None:
        return None
    for node in ast.walk(tree):
        if not (isinstance(node, ast.BinOp) and node.lineno <= c.place.line <= (node.end_lineno or node.lineno)):
            continue
        for side in (node.left, node.right):
            if isinstance(side, ast.Constant) and isinstance(side.value, str) and NUMBER.fullmatch(side.value):
                return Finding(
                    f"{side.value!r} is text (it is in quotes), so arithmetic cannot use it as a number: write the "
                    f"number without quotes, or convert it: float({side.value!r}).",
                    c.place,
                )
            if isinstance(side, ast.Name):
                found = _numeric_text(tree, c.text, side.id, c.place)
                if found is not None:
                    return found
    return None


def _numeric_text(tree: ast.Module, text: str, name: str, place: ws.Place) -> Finding | None:
    """`name` holds numbers written as text: assigned one, or looping over a list of them."""
    assigned = flow.last_assignment(tree, text, name, place.line)
    value = assigned.value if assigned is not None else None
    said = value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
    if assigned is not None and said is not None and NUMBER.fullmatch(said):
        return Finding(
            f"'{name}' is the text {said!r} (line {assigned.line}), not a number: write it without quotes, or "
            f"convert it where it is set, {name} = float({assigned.source}).",
            ws.Place(place.path, assigned.line),
        )
    loop = next(
        (n for n in ast.walk(tree) if isinstance(n, ast.For) and isinstance(n.target, ast.Name)
         and n.target.id == name and n.lineno <= place.line <= (n.end_lineno or n.lineno)),
        None,
    )  # fmt: skip
    over = (
        flow.last_assignment(tree, text, loop.iter.id, loop.lineno)
        if loop and isinstance(loop.iter, ast.Name)
        else None
    )
    items = over.value.elts if over is not None and isinstance(over.value, ast.List) else []
    texts = [e.value for e in items if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    if over is None or not items or len(texts) != len(items) or not all(NUMBER.fullmatch(t) for t in texts):
        return None
    return Finding(
        f"'{name}' takes the items of '{over.name}' (line {over.line}), which are numbers written as text "
        f"({texts[0]!r}, ...): arithmetic needs numbers. Write them without quotes, or convert each: float({name}).",
        ws.Place(place.path, over.line),
    )


def more_values_than_names(facts: Facts) -> Finding | None:
    """`a, b = 1, 2, 3`: the code writes out more values than names."""
    c = crash(facts)
    m = TOO_MANY.search(c.detail) if c is not None else None
    tree = c.tree if c is not None and m is not None else None
    if c is None or m is None or tree is None:
        return None
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and node.lineno == c.place.line):
            continue
        target = node.targets[0]
        if isinstance(target, ast.Tuple | ast.List) and isinstance(node.value, ast.Tuple | ast.List):
            got = len(node.value.elts)
            return Finding(
                f"Line {c.place.line} has too many values to unpack: it unpacks {got} values "
                f"({ast.get_source_segment(c.text, node.value)}) into {m['want']} names: give it {got} names, or "
                "drop the extra values.",
                c.place,
            )
    return None


DETECTORS: list[Callable[[Facts], Finding | None]] = [
    list_indexed_by_key,
    list_as_key,
    numbers_as_text,
    more_values_than_names,
]


def advise(facts: Facts) -> Finding | None:
    return first_finding(DETECTORS, facts)
