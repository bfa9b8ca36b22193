"""Python IndexErrors whose cause is the loop around the crash line: a range that runs one past the end of the list
it indexes, or a list shortened (del, pop, remove) while a loop over its original length indexes it.

Same rule as py_everyday.py: speak only when the loop and the line show it, else return None.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

from livepair.backends.offline import flow
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


def _offset(node: ast.expr, index: str) -> int | None:
    """k when `node` is index, index + k or index - k (k a whole number), else None."""
    if isinstance(node, ast.Name) and node.id == index:
        return 0
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Add | ast.Sub)
        and isinstance(node.left, ast.Name)
        and node.left.id == index
        and isinstance(node.right, ast.Constant)
        and type(node.right.value) is int
    ):
        return node.right.value if isinstance(node.op, ast.Add) else -node.right.value
    return None


def past_a_written_list(facts: Facts) -> Finding | None:
    """`for i in range(1, 7): titles[i - 1]` with titles written out with 5 items: the range counts past them."""
    c = crash(facts)
    tree = c.tree if c is not None and c.kind == "IndexError" else None
    if c is None or tree is None:
        return None
    for loop in ast.walk(tree):
        call = loop.iter if isinstance(loop, ast.For) and isinstance(loop.target, ast.Name) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "range"):
            continue
        assert isinstance(loop, ast.For) and isinstance(loop.target, ast.Name)
        bounds = [a.value for a in call.args if isinstance(a, ast.Constant) and type(a.value) is int]
        if (
            not (loop.lineno < c.place.line <= (loop.end_lineno or 0))
            or len(bounds) != len(call.args)
            or not (1 <= len(bounds) <= 2)
        ):
            continue
        start, stop = (0, bounds[0]) if len(bounds) == 1 else (bounds[0], bounds[1])
        for node in ast.walk(loop):
            k = _offset(node.slice, loop.target.id) if isinstance(node, ast.Subscript) else None
            if k is None or not isinstance(node, ast.Subscript) or node.lineno != c.place.line:
                continue
            name = node.value.id if isinstance(node.value, ast.Name) else ""
            made = flow.last_assignment(tree, c.text, name, loop.lineno) if name else None
            if made is None or not isinstance(made.value, ast.List) or _changed(tree, name):
                continue
            size = len(made.value.elts)
            if stop - 1 + k < size:
                continue
            index = ast.get_source_segment(c.text, node.slice) or loop.target.id
            return Finding(
                f"The loop on line {loop.lineno} runs {loop.target.id} from {start} to {stop - 1}, so {name}[{index}] "
                f"reaches index {stop - 1 + k}, but {name} (line {made.line}) has {size} items, indexes 0 to "
                f"{size - 1}: the range runs one past them (off by one). Count from the list instead: "
                f"range({start}, {start} + len({name}) - ({start + k})) — here range({start}, {size - k}).",
                ws.Place(c.place.path, loop.lineno),
            )
    return None


def _changed(tree: ast.Module, name: str) -> bool:
    """Something adds to or removes from `name` (append, del, ...): its written length is not what it holds."""
    for node in ast.walk(tree):
        func = node.func if isinstance(node, ast.Call) else None
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == name
            and func.attr in ("append", "extend", "insert", "pop", "remove", "clear")
        ):
            return True
        targets = (
            node.targets if isinstance(node, ast.Delete) else [node.target] if isinstance(node, ast.AugAssign) else []
        )
        if any(name in {n.id for n in ast.walk(t) if isinstance(n, ast.Name)} for t in targets):
            return True
    return False


def read_again_in_a_loop(facts: Facts) -> Finding | None:
    """`f.readlines()[i]` inside a loop: the first call reads to the end of the file, later calls get []."""
    c = crash(facts)
    tree = c.tree if c is not None and c.kind == "IndexError" else None
    if c is None or tree is None:
        return None
    loops = [n for n in ast.walk(tree) if isinstance(n, ast.For | ast.While) and n.lineno < c.place.line
             <= (n.end_lineno or 0)]  # fmt: skip
    for node in ast.walk(tree) if loops else []:
        call = node.value if isinstance(node, ast.Subscript) and node.lineno == c.place.line else None
        method = call.func if isinstance(call, ast.Call) else None
        if isinstance(method, ast.Attribute) and method.attr == "readlines" and isinstance(method.value, ast.Name):
            f = method.value.id
            return Finding(
                f"{f}.readlines() on line {c.place.line} runs on every turn of the loop on line {loops[-1].lineno}: "
                "the first call reads every line, to the end of the file, and each later call gets an empty "
                f"list (the file is already read). Read the lines once, before the loop: lines = {f}.readlines().",
                c.place,
            )
    return None


DETECTORS: list[Callable[[Facts], Finding | None]] = [
    shortened_while_indexed,
    past_the_end,
    past_a_written_list,
    read_again_in_a_loop,
]


def advise(facts: Facts) -> Finding | None:
    return first_finding(DETECTORS, facts)
