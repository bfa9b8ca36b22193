"""Python IndexErrors whose cause is the loop around the crash line: a range that runs one past the end of the list
it indexes, or a list shortened (del, pop, remove) while a loop over its original length indexes it.

Same rule as py_everyday.py: speak only when the loop and the line show it, else return None.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.py_crash import crash, first_finding

SHORTENS = ("pop", "remove", "clear")


def _indexing_loops(tree: ast.Module, line: int) -> list[tuple[ast.For, str, str]]:
    """(loop, index name, list name) for each `for i in range(...)` around `line` whose body indexes list[i] on it."""
    found: list[tuple[ast.For, str, str]] = []
    for loop in ast.walk(tree):
        if not (isinstance(loop, ast.For) and isinstance(loop.target, ast.Name)):
            continue
        if not (loop.lineno < line <= (loop.end_lineno or loop.lineno)):
            continue
        call = loop.iter
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "range"):
            continue
        index = loop.target.id
        for node in ast.walk(loop):
            if (
                isinstance(node, ast.Subscript)
                and node.lineno == line
                and isinstance(node.value, ast.Name)
                and isinstance(node.slice, ast.Name)
                and node.slice.id == index
            ):
                found.append((loop, index, node.value.id))
    return found


def _len_of(node: ast.expr, name: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "len"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.Name)
        and node.args[0].id == name
    )


def past_the_end(facts: Facts) -> Finding | None:
    """`for i in range(1, len(xs) + 1): xs[i]`: the last turn indexes one past the end (indexes end at len - 1)."""
    c = crash(facts)
    tree = c.tree if c is not None and c.kind == "IndexError" else None
    if c is None or tree is None:
        return None
    for loop, index, name in _indexing_loops(tree, c.place.line):
        assert isinstance(loop.iter, ast.Call)
        stop = loop.iter.args[-1] if loop.iter.args else None
        plus_one = (
            isinstance(stop, ast.BinOp)
            and isinstance(stop.op, ast.Add)
            and _len_of(stop.left, name)
            and isinstance(stop.right, ast.Constant)
            and stop.right.value == 1
        )
        if plus_one:
            return Finding(
                f"The loop on line {loop.lineno} runs {index} up to len({name}), but {name}'s indexes run from 0 to "
                f"len({name}) - 1, so its last turn reads past the end on line {c.place.line}: loop over "
                f"range(len({name})) (indexes start at 0), or over the items themselves: for item in {name}:",
                ws.Place(c.place.path, loop.lineno),
            )
    return None


def shortened_while_indexed(facts: Facts) -> Finding | None:
    """`for i in range(len(xs)): ... del xs[i]`: the list gets shorter while the loop still counts to its old length."""
    c = crash(facts)
    tree = c.tree if c is not None and c.kind == "IndexError" else None
    if c is None or tree is None:
        return None
    for loop, _index, name in _indexing_loops(tree, c.place.line):
        assert isinstance(loop.iter, ast.Call)
        if not any(_len_of(arg, name) for arg in loop.iter.args):
            continue
        for node in ast.walk(loop):
            deletes = isinstance(node, ast.Delete) and any(
                isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == name
                for t in node.targets
            )
            shortens = (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in SHORTENS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == name
            )
            if deletes or shortens:
                at = getattr(node, "lineno", loop.lineno)
                return Finding(
                    f"Line {at} removes items from {name} while the loop on line {loop.lineno} still counts to its "
                    f"original length, so {name} runs out before the loop does (line {c.place.line}). Build a new "
                    f"list instead, e.g. {name} = [x for x in {name} if ...keep...], or loop over a copy.",
                    ws.Place(c.place.path, at),
                )
    return None


DETECTORS: list[Callable[[Facts], Finding | None]] = [shortened_while_indexed, past_the_end]


def advise(facts: Facts) -> Finding | None:
    return first_finding(DETECTORS, facts)
