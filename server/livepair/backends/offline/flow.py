"""Following a value back through a Python file: where a name was last assigned before a line, and from what.

Small and syntactic on purpose: the advisor only states a cause when the assignment it found says it plainly
(a string from the environment, argv or input(), a method that returns None), and is silent about the rest.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass

from livepair import pyast

RETURNS_NONE = {"sort", "append", "extend", "insert", "reverse", "update", "shuffle", "clear", "remove", "add"}
NAME = re.compile(r"\b([A-Za-z_]\w*)\b")


@dataclass(frozen=True)
class Assignment:
    name: str
    line: int  # 1-based
    value: ast.expr
    source: str  # the value's source text


@functools.lru_cache(maxsize=32)
def parse(text: str) -> ast.Module | None:
    """The file's AST, parsed once per text (detectors only read it: nothing may change the tree)."""
    try:
        return pyast.parse(text)  # serialised: see livepair/pyast.py
    except (SyntaxError, ValueError):
        return None


def last_assignment(tree: ast.Module, text: str, name: str, before: int) -> Assignment | None:
    """The last `name = value` on a line before `before` (any scope: the advisor reads small programs)."""
    best: Assignment | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and node.lineno < before:
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id == name and (best is None or node.lineno > best.line):
                    best = Assignment(name, node.lineno, node.value, ast.get_source_segment(text, node.value) or "")
    return best


def names_on(line: str) -> list[str]:
    return list(dict.fromkeys(NAME.findall(line)))


def text_source(value: ast.expr, tree: ast.Module | None = None) -> str | None:
    """'os.getenv("PORT")', 'sys.argv[1]', 'input()', a ConfigParser's get()... when `value` is text read from
    outside, else None (`tree`: the module, to tell a ConfigParser from a dict)."""
    call = value.func if isinstance(value, ast.Call) else None
    parser = call.value if isinstance(call, ast.Attribute) and call.attr == "get" else None
    if isinstance(parser, ast.Name) and tree is not None and parser.id in _config_parsers(tree):
        return f"config:{parser.id}"
    if (
        isinstance(call, ast.Attribute)
        and call.attr in ("getenv", "get")
        and _dotted(call.value) in ("os", "os.environ")
    ):
        arg = value.args[0] if isinstance(value, ast.Call) and value.args else None
        var = arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else "?"
        return f"env:{var}"
    if isinstance(call, ast.Name) and call.id == "input":
        return "input"
    if isinstance(value, ast.Subscript):
        base = _dotted(value.value)
        if base == "sys.argv":
            return "argv"
        if base == "os.environ" and isinstance(value.slice, ast.Constant):
            return f"env:{value.slice.value}"
    return None


def none_method(value: ast.expr) -> tuple[str, str, ast.Call] | None:
    """(receiver source, method, call) when `value` is a call of a method that returns None (x.sort(), ...)."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in RETURNS_NONE:
        receiver = _dotted(value.func.value)
        if receiver is not None:
            return receiver, value.func.attr, value
    return None


def enclosing_function(tree: ast.Module, line: int) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    found: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            end = node.end_lineno or node.lineno
            if node.lineno <= line <= end and (found is None or node.lineno > found.lineno):
                found = node
    return found


def async_functions(tree: ast.Module) -> set[str]:
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.AsyncFunctionDef)}


def unawaited_calls(tree: ast.Module, name: str) -> list[int]:
    """Lines that call `name(...)` without await (and not handed to asyncio.run / create_task / gather)."""
    awaited = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Await)}
    handed = {id(a) for n in ast.walk(tree) if isinstance(n, ast.Call) for a in n.args}
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and calls(n, name)]
    return sorted(n.lineno for n in found if id(n) not in awaited and id(n) not in handed)


def calls(node: ast.AST, name: str) -> bool:
    """`node` calls `name`: name(...) or a method of that name, obj.name(...)."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == name) or (isinstance(func, ast.Attribute) and func.attr == name)


def joins_text(tree: ast.Module, line: int, name: str) -> bool:
    """`name` is added (+) on `line` in a chain that also holds literal text ('Hi ' + name + ...): building a
    message, where the number's side may be what needs str() — which side is wrong, the code alone does not say.
    A call's arguments are a chain of their own (`'port ' + str(PORT + 1)` adds PORT to a number)."""
    for node in ast.walk(tree):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add)):
            continue
        if not node.lineno <= line <= (node.end_lineno or node.lineno):
            continue
        operands = add_chain(node)
        named = any(isinstance(p, ast.Name) and p.id == name for p in operands)
        text = any(isinstance(p, ast.JoinedStr) or (isinstance(p, ast.Constant) and isinstance(p.value, str))
                   for p in operands)  # fmt: skip
        if named and text:
            return True
    return False


def add_chain(node: ast.expr) -> list[ast.expr]:
    """The operands of a chain of + (a + b + c), in order."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [*add_chain(node.left), *add_chain(node.right)]
    return [node]


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _config_parsers(tree: ast.Module) -> set[str]:
    """Names the module binds to a ConfigParser (configparser's ConfigParser, RawConfigParser, SafeConfigParser)."""
    return {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Call)
        and (_dotted(node.value.func) or "").split(".")[-1].endswith("ConfigParser")
        for target in node.targets
        if isinstance(target, ast.Name)
    }
