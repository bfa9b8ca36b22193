"""Where an undefined value came from in a Node.js file: followed back through declarations and assignments, a
function's parameter to the calls that pass it, a function's returns, and an object literal's properties.

Small programs, read with patterns rather than a JavaScript parser: every step must find exactly what it looks
for (one function of that name, one declaration, a literal whose properties are all plain), or the trace stops
and node.py says honestly what it could not tell.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

IDENT = r"[A-Za-z_$][\w$]*"
FUNCTION = re.compile(
    rf"(?:\bfunction\s*(?P<a>{IDENT})?\s*\((?P<pa>[^()]*)\)"
    rf"|\b(?:const|let|var)\s+(?P<b>{IDENT})\s*=\s*(?:async\s*)?(?:function\s*{IDENT}?\s*)?\((?P<pb>[^()]*)\)\s*(?:=>)?"
    rf"|^\s*(?:async\s+)?(?P<c>{IDENT})\s*\((?P<pc>[^()]*)\)(?=\s*\{{)"
    rf"|(?:\((?P<pd>[^()]*)\)|(?P<pe>{IDENT}))\s*=>)\s*\{{",
    re.M,
)
JSON_FILE = re.compile(r"""(?P<how>readFileSync|require)\(\s*['"](?P<file>[^'"]+\.json)['"]""")
# the data a JSON file in the workspace holds: (its name as the code gives it, readFileSync or require) -> data
DataFiles = Callable[[str, str], object] | None
KEYWORDS = {"if", "for", "while", "switch", "catch", "function", "return", "with"}


@dataclass(frozen=True)
class Function:
    name: str
    params: list[str]
    line: int  # where it is declared
    start: int  # offset of its body's {
    end: int  # offset of its body's }


@dataclass(frozen=True)
class Origin:
    """Why the value is undefined, and the line that shows it."""

    why: str
    line: int


def line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def offset_of(text: str, line: int) -> int:
    at = 0
    for _ in range(line - 1):
        at = text.find("\n", at) + 1
    return at


def _closing(text: str, start: int, open_: str = "{", close: str = "}") -> int:
    """The offset of the bracket closing the one at `start` (strings and comments are not skipped: small code)."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == open_:
            depth += 1
        elif text[i] == close:
            depth -= 1
            if depth == 0:
                return i
    return len(text)


def functions(text: str) -> list[Function]:
    found: list[Function] = []
    for m in FUNCTION.finditer(text):
        name = m["a"] or m["b"] or m["c"] or ""
        if name in KEYWORDS:
            continue
        params = [
            p.split("=")[0].strip()
            for p in (m["pa"] or m["pb"] or m["pc"] or m["pd"] or m["pe"] or "").split(",")
            if p.strip()
        ]
        start = m.end() - 1
        found.append(Function(name, params, line_at(text, m.start()), start, _closing(text, start)))
    return found


def enclosing(text: str, line: int) -> Function | None:
    at = offset_of(text, line)
    inside = [f for f in functions(text) if f.start <= at <= f.end]
    return max(inside, key=lambda f: f.start) if inside else None


def split_args(text: str) -> list[str]:
    """Top-level comma-separated parts of an argument list."""
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


def calls(text: str, name: str) -> list[tuple[int, list[str]]]:
    """(line, arguments) of each call of `name` that is not its declaration."""
    found = []
    for m in re.finditer(rf"(?<![\w$.])(?<!function ){re.escape(name)}\s*\(", text):
        if re.search(r"\bfunction\s*$", text[: m.start()]):
            continue
        open_ = m.end() - 1
        close = _closing(text, open_, "(", ")")
        after = text[close + 1 : close + 40].lstrip()
        if after.startswith("{") or after.startswith("=>"):
            continue  # a declaration or a method definition
        found.append((line_at(text, m.start()), split_args(text[open_ + 1 : close])))
    return found


def literal_keys(source: str) -> list[str] | None:
    """The property names of an object literal written out in full; None when it is no such literal (spread,
    computed keys: what it holds is not shown)."""
    source = source.strip().rstrip(";").strip()
    if not (source.startswith("{") and _closing(source, 0) == len(source) - 1):
        return None
    body = source[1:-1]
    keys = []
    for part in split_args(body):
        m = re.match(rf"""(?:(?P<q>['"])(?P<s>[^'"]+)(?P=q)|(?P<k>{IDENT}))\s*(?::|\(|$)""", part)
        if m is None or part.startswith("..."):
            return None
        keys.append(m["s"] or m["k"])
    return keys


def declaration(text: str, name: str, before: int) -> tuple[int, str | None] | None:
    """The one declaration of `name` above line `before`: (its line, the value's source or None)."""
    pattern = rf"\b(?:const|let|var)\s+{re.escape(name)}\s*(?:=\s*(?P<rhs>[^;\n]+(?:\n\s+[^;\n]+)*))?\s*(?:;|\n|$)"
    hits = [m for m in re.finditer(pattern, text) if line_at(text, m.start()) < before]
    if len(hits) != 1:
        return None
    rhs = hits[0]["rhs"]
    return line_at(text, hits[0].start()), rhs.strip() if rhs is not None else None


def assigned_later(text: str, name: str, declared: int) -> list[int]:
    """Lines after the declaration that assign `name` again (`name = ...`, not `==`)."""
    return [
        line_at(text, m.start())
        for m in re.finditer(rf"(?<![\w$.]){re.escape(name)}\s*=(?![=>])", text)
        if line_at(text, m.start()) > declared
    ]


def returns_value(text: str, fn: Function) -> bool:
    """`return <something>` directly in the function's body (not in a nested function's)."""
    body = text[fn.start : fn.end]
    nested = [(f.start - fn.start, f.end - fn.start) for f in functions(text) if fn.start < f.start < fn.end]
    for m in re.finditer(r"\breturn\b\s*(?P<v>[^;\n}]*)", body):
        if m["v"].strip() and not any(a <= m.start() <= b for a, b in nested):
            return True
    return False


def object_of(text: str, name: str, line: int, data: DataFiles = None, depth: int = 0) -> tuple[int, list[str]] | None:
    """The object literal `name` holds at `line` (or the JSON file it was loaded from), followed through a
    parameter to the one call that passes it: (the literal's line, its properties)."""
    if depth > 3:
        return None
    fn = enclosing(text, line)
    if fn is not None and name in fn.params:
        sites = calls(text, fn.name) if fn.name else []
        index = fn.params.index(name)
        if len(sites) != 1 or index >= len(sites[0][1]):
            return None
        at, args = sites[0]
        given = args[index]
        keys = literal_keys(given)
        if keys is not None:
            return at, keys
        return object_of(text, given, at, data, depth + 1) if re.fullmatch(IDENT, given) else None
    decl = declaration(text, name, line)
    if decl is None or decl[1] is None or assigned_later(text, name, decl[0]):
        return None
    value = decl[1]
    keys = literal_keys(_whole_literal(text, decl[0], value))
    loaded = JSON_FILE.search(value)
    if keys is None and loaded and data is not None:
        held = data(loaded["file"], loaded["how"])
        keys = [str(k) for k in held] if isinstance(held, dict) else None
    return (decl[0], keys) if keys is not None else None


def _whole_literal(text: str, line: int, rhs: str) -> str:
    """An object literal that spans lines, from its first line's `{` to the brace that closes it."""
    if not rhs.startswith("{"):
        return rhs
    start = text.find("{", offset_of(text, line))
    return text[start : _closing(text, start) + 1]


def missing_property(text: str, expr: str, line: int, data: DataFiles = None) -> Origin | None:
    """`obj.key` is undefined because the object literal (or JSON file) obj holds has no `key`."""
    m = re.fullmatch(rf"(?P<obj>{IDENT})\.(?P<key>{IDENT})", expr)
    found = object_of(text, m["obj"], line, data) if m else None
    if m is None or found is None or m["key"] in found[1]:
        return None
    at, keys = found
    has = ", ".join(keys) if keys else "no properties"
    via = f" (the object from line {at})" if at != line else ""
    return Origin(
        f"{m['obj']}{via} has no property '{m['key']}' (it has {has}), so {expr} is undefined: add {m['key']} to "
        f"that object, or read a property it has",
        line,
    )


def unpassed_parameter(text: str, name: str, line: int) -> Origin | None:
    """`name` is a parameter of the enclosing function, and the one call of it passes fewer arguments."""
    fn = enclosing(text, line)
    if fn is None or not fn.name or name not in fn.params:
        return None
    sites = calls(text, fn.name)
    index = fn.params.index(name)
    short = [at for at, args in sites if index >= len(args)]
    if len(sites) != 1 or not short:
        return None
    return Origin(
        f"{name} is parameter {index + 1} of {fn.name}() (line {fn.line}), and the call on line {short[0]} passes "
        f"only {len(sites[0][1])} argument{'s' if len(sites[0][1]) != 1 else ''}, so {name} is undefined: pass it",
        short[0],
    )


def no_return(text: str, name: str, line: int) -> Origin | None:
    """`const name = fn(...)` where fn, declared in this file, returns nothing."""
    decl = declaration(text, name, line)
    call = re.fullmatch(rf"(?:await\s+)?(?P<fn>{IDENT})\(.*\)", decl[1] or "", re.S) if decl else None
    if decl is None or call is None or assigned_later(text, name, decl[0]):
        return None
    mine = [f for f in functions(text) if f.name == call["fn"]]
    if len(mine) != 1 or returns_value(text, mine[0]):
        return None
    fn = mine[0]
    inner = [f for f in functions(text) if fn.start < f.start < fn.end]
    hint = " (a return inside a callback returns from the callback, not from it)" if inner else ""
    return Origin(
        f"{fn.name}() (line {fn.line}) returns nothing{hint}, so {name} = {fn.name}(...) on line {decl[0]} is "
        f"undefined: return the value from {fn.name}()",
        fn.line,
    )


def find_missed(text: str, name: str, line: int) -> Origin | None:
    """`const name = list.find(...)`: find() gives undefined when no element matches."""
    decl = declaration(text, name, line)
    call = re.fullmatch(rf"(?P<list>{IDENT}(?:\.{IDENT})*)\.find\(.*\)", decl[1] or "", re.S) if decl else None
    if decl is None or call is None or assigned_later(text, name, decl[0]):
        return None
    return Origin(
        f"{call['list']}.find(...) on line {decl[0]} gives undefined when no element matches, and none did, so "
        f"{name} is undefined: check the condition (and the values it compares), or handle no match "
        f"(if (!{name}) ...)",
        decl[0],
    )


def origin(text: str, expr: str, line: int, data: DataFiles = None) -> Origin | None:
    """Why `expr`, read on `line`, is undefined, when the code shows it."""
    if re.fullmatch(IDENT, expr):
        return unpassed_parameter(text, expr, line) or no_return(text, expr, line) or find_missed(text, expr, line)
    return missing_property(text, expr, line, data)
