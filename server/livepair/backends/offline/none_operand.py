"""Which expression on the crash line was None: the error's words name the operation (`.attr`, `[...]`, iteration,
len(), an operator side), and only the operand in that position can be the None.

A detector that traces None back to its source must start from that operand, not from any name on the line:
`log(user.name)` failing with "'NoneType' object has no attribute 'name'" says `user` is None, not that log()
returns nothing.
"""

from __future__ import annotations

import ast
import re

ATTRIBUTE = re.compile(r"'NoneType' object has no attribute '(?P<attr>\w+)'")
ITERATES = {"list", "tuple", "set", "sorted", "enumerate", "zip", "dict", "sum", "min", "max", "any", "all", "map"}


def operands(tree: ast.Module, line: int, detail: str) -> list[ast.expr] | None:
    """The expressions on `line` in the position the error names; None when the error's words are not known here
    (the caller then cannot narrow it down)."""
    nodes = [n for n in ast.walk(tree) if getattr(n, "lineno", 0) <= line <= (getattr(n, "end_lineno", 0) or 0)]
    attr = ATTRIBUTE.search(detail)
    if attr:
        return [n.value for n in nodes if isinstance(n, ast.Attribute) and n.attr == attr["attr"]]
    if "is not subscriptable" in detail:
        return [n.value for n in nodes if isinstance(n, ast.Subscript)]
    if "has no len()" in detail:
        return [n.args[0] for n in nodes if _called(n, {"len"}) and n.args]  # type: ignore[attr-defined]
    if "argument of type 'NoneType' is not iterable" in detail:
        return [c for n in nodes if isinstance(n, ast.Compare) for op, c in zip(n.ops, n.comparators, strict=True)
                if isinstance(op, ast.In | ast.NotIn)]  # fmt: skip
    if "not iterable" in detail or "non-iterable NoneType" in detail:
        return _iterated(nodes)
    side = re.search(r"unsupported operand type\(s\) for [^:]+: '(?P<l>\w+)' and '(?P<r>\w+)'", detail)
    if side:
        return _operator_sides(nodes, left=side["l"] == "NoneType", right=side["r"] == "NoneType")
    return None


def names(found: list[ast.expr] | None) -> set[str] | None:
    """The plain names among the operands, and the functions whose call is one (`f(...)` gives 'f')."""
    if found is None:
        return None
    out: set[str] = set()
    for node in found:
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            out.add(node.func.id)
    return out


def _called(node: ast.AST, functions: set[str]) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in functions


def _iterated(nodes: list[ast.AST]) -> list[ast.expr]:
    found: list[ast.expr] = []
    for n in nodes:
        if isinstance(n, ast.For | ast.AsyncFor | ast.comprehension):
            found.append(n.iter)
        elif isinstance(n, ast.Starred | ast.YieldFrom) or (
            isinstance(n, ast.Assign) and any(isinstance(t, ast.Tuple | ast.List) for t in n.targets)
        ):
            found.append(n.value)
        elif isinstance(n, ast.Call) and _called(n, ITERATES) and n.args:
            found.append(n.args[-1] if isinstance(n.func, ast.Name) and n.func.id == "map" else n.args[0])
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in ("join", "extend"):
            found += n.args[:1]
    return found


def _operator_sides(nodes: list[ast.AST], left: bool, right: bool) -> list[ast.expr]:
    found: list[ast.expr] = []
    for n in nodes:
        if isinstance(n, ast.BinOp):
            found += ([n.left] if left else []) + ([n.right] if right else [])
        elif isinstance(n, ast.AugAssign):
            found += ([n.target] if left else []) + ([n.value] if right else [])
    return found
