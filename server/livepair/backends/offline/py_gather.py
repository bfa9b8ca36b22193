"""Coroutines collected in a list and the list handed to asyncio.gather() as one argument: gather takes each
awaitable as its own argument, so the coroutines in the list never run (Python warns they were never awaited, and
gather fails on the list itself). The cause is the gather call, not a missing await where they were made."""

from __future__ import annotations

import ast

from livepair.backends.offline import flow
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Finding, headline
from livepair.backends.offline.py_crash import proposed


def list_to_gather(place: ws.Place, text: str, tree: ast.Module, name: str) -> Finding | None:
    """gather(futs) (or gather([...])) where the list holds calls of the async function `name`."""
    for node in ast.walk(tree):
        if not (flow.calls(node, "gather") and isinstance(node, ast.Call)) or len(node.args) != 1 or node.keywords:
            continue
        arg = node.args[0]
        made = _list_made(tree, arg, node.lineno)
        if made is None or not any(flow.calls(n, name) for n in ast.walk(made)):
            continue
        shown = ast.get_source_segment(text, arg) or "the list"
        lines = text.splitlines(keepends=True)
        line = lines[node.lineno - 1]
        col = arg.col_offset
        patched = (
            "".join([*lines[: node.lineno - 1], line[:col] + "*" + line[col:], *lines[node.lineno :]])
            if arg.lineno == node.lineno
            else None
        )
        return proposed(
            f"asyncio.gather() on line {node.lineno} is given {shown}, one list, but it takes each awaitable as its "
            f"own argument: the {name}() coroutines in the list never run (hence 'never awaited'). Unpack it: "
            f"asyncio.gather(*{shown}).",
            ws.Place(place.path, node.lineno),
            text,
            patched,
            f"Unpack {shown} into gather",
            headline(f"gather({shown}) needs *{shown}", "gather needs the list unpacked"),
        )
    return None


def _list_made(tree: ast.Module, arg: ast.expr, before: int) -> ast.expr | None:
    """The list (literal or comprehension) `arg` is, or the one last assigned to the name `arg` above `before`."""
    if isinstance(arg, ast.List | ast.ListComp):
        return arg
    if not isinstance(arg, ast.Name):
        return None
    made = None
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and node.lineno < before
            and any(isinstance(t, ast.Name) and t.id == arg.id for t in node.targets)
            and isinstance(node.value, ast.List | ast.ListComp)
            and (made is None or node.lineno > made.lineno)
        ):
            made = node
    return made.value if made is not None else None
