"""Everyday Python failures about what a value is: a file closed by its with block, a dict view indexed, JSON text
indexed before parsing, a dict iterated for its keys, a tuple or a string given append(), a method assigned.

Same rule as py_everyday.py: speak only when the file's AST shows the cause, else return None.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from livepair.backends.offline import flow
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import line_of
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.py_crash import error, first_finding, parsed_frame, proposed

VIEW = re.compile(r"'dict_(?P<kind>keys|values|items)' object is not subscriptable")
NO_ATTR = re.compile(r"'(?P<type>tuple|str)' object has no attribute '(?P<attr>append|extend|insert|remove|sort)'")
READ_ONLY = re.compile(r"'(?P<type>\w+)' object attribute '(?P<attr>\w+)' is read-only")


def _with_targets(tree: ast.Module) -> dict[str, ast.With]:
    found: dict[str, ast.With] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.With):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    found[item.optional_vars.id] = node
    return found


def closed_by_with(facts: Facts) -> Finding | None:
    found, parsed = error(facts.output), parsed_frame(facts)
    if found is None or parsed is None or "I/O operation on closed file" not in found[1]:
        return None
    place, text, tree = parsed
    blocks = _with_targets(tree)
    for name in flow.names_on(line_of(text, place.line) or ""):
        via = name
        if name not in blocks:
            assigned = flow.last_assignment(tree, text, name, place.line)
            inner = [n.id for n in ast.walk(assigned.value) if isinstance(n, ast.Name)] if assigned else []
            via = next((n for n in inner if n in blocks), "")
        block = blocks.get(via)
        if block is None or (block.end_lineno or 0) >= place.line:
            continue
        return Finding(
            f"'{via}' was opened by the with on line {block.lineno}, which closes it when its block ends (line "
            f"{block.end_lineno}); line {place.line} is outside that block. Indent it into the with block so it runs "
            "while the file is open.",
            place,
        )
    return None


def dict_view_indexed(facts: Facts) -> Finding | None:
    found, parsed = error(facts.output), parsed_frame(facts)
    m = VIEW.search(found[1]) if found else None
    if m is None or parsed is None:
        return None
    place, text, tree = parsed
    code, kind = line_of(text, place.line) or "", m["kind"]
    advice = f"a dict's .{kind}() is a view, not a list: wrap it in list(...) to index it"
    advice += ", or next(iter(d)) for the first key." if kind == "keys" else "."
    if f".{kind}()[" in code:
        return Finding(f"{advice[0].upper()}{advice[1:]}", place)
    for name in flow.names_on(code):
        assigned = flow.last_assignment(tree, text, name, place.line)
        if assigned and assigned.source.endswith(f".{kind}()"):
            return Finding(
                f"'{name}' is {assigned.source} (line {assigned.line}): {advice} ({name} = list({assigned.source})).",
                ws.Place(place.path, assigned.line),
            )
    return None


def text_indexed_by_key(facts: Facts) -> Finding | None:
    found, parsed = error(facts.output), parsed_frame(facts)
    if found is None or parsed is None or not found[1].startswith("string indices must be integers"):
        return None
    place, text, tree = parsed
    for name in flow.names_on(line_of(text, place.line) or ""):
        assigned = flow.last_assignment(tree, text, name, place.line)
        if assigned and re.fullmatch(r"\w+\.read\(\)", assigned.source):
            return Finding(
                f"'{name}' is the file's text ({assigned.source} on line {assigned.line}), not parsed data: parse "
                f"it with json.load(f) (or json.loads({name})) before indexing it by key.",
                ws.Place(place.path, assigned.line),
            )
        loop = next(
            (n for n in ast.walk(tree) if isinstance(n, ast.For) and isinstance(n.target, ast.Name)
             and n.target.id == name and n.lineno < place.line <= (n.end_lineno or 0)),
            None,
        )  # fmt: skip
        over = (
            flow.last_assignment(tree, text, loop.iter.id, loop.lineno)
            if loop and isinstance(loop.iter, ast.Name)
            else None
        )
        if loop is not None and over is not None and isinstance(over.value, ast.Dict):
            d = over.name
            return Finding(
                f"Looping over the dict '{d}' (line {loop.lineno}) gives its keys, which are strings, so '{name}' is "
                f"a key here: use {d}.items() or {d}.values(), or {d}[{name}] for the value.",
                ws.Place(place.path, loop.lineno),
            )
    return None


def _call_args(tree: ast.Module, fn: str) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == fn]


def immutable_append(facts: Facts) -> Finding | None:
    found, parsed = error(facts.output), parsed_frame(facts)
    m = NO_ATTR.search(found[1]) if found else None
    if m is None or parsed is None:
        return None
    place, text, tree = parsed
    code = line_of(text, place.line) or ""
    target = re.search(rf"\b(\w+)\.{m['attr']}\(", code)
    if target is None:
        return None
    name = target[1]
    assigned = flow.last_assignment(tree, text, name, place.line)
    if m["type"] == "tuple" and assigned is not None and isinstance(assigned.value, ast.Tuple):
        return Finding(
            f"'{name}' is a tuple (line {assigned.line}), and tuples cannot change: make it a list "
            f"([...] instead of (...)), or build a new tuple with +.",
            ws.Place(place.path, assigned.line),
        )
    fn = flow.enclosing_function(tree, place.line)
    params = [a.arg for a in fn.args.args] if fn else []
    if m["type"] != "str" or fn is None or name not in params:
        return None
    index = params.index(name)
    for call in _call_args(tree, fn.name):
        given = call.args[index] if index < len(call.args) else None
        lists = [
            params[i] for i, a in enumerate(call.args[: len(params)])
            if isinstance(a, ast.Name) and (s := flow.last_assignment(tree, text, a.id, call.lineno))
            and isinstance(s.value, ast.List)
        ]  # fmt: skip
        if isinstance(given, ast.Constant) and isinstance(given.value, str) and len(lists) == 1:
            return Finding(
                f"'{name}' is the text {given.value!r} here (passed on line {call.lineno}), and a str has no "
                f"{m['attr']}(): {fn.name}() probably means to add it to the list '{lists[0]}': "
                f"{lists[0]}.{m['attr']}({name}).",
                place,
            )
    return None


def method_assigned(facts: Facts) -> Finding | None:
    found, parsed = error(facts.output), parsed_frame(facts)
    m = READ_ONLY.search(found[1]) if found else None
    if m is None or parsed is None:
        return None
    place, text, _tree = parsed
    code = line_of(text, place.line) or ""
    hit = re.match(rf"(?P<indent>\s*)(?P<obj>[\w.\[\]]+)\.{m['attr']}\s*=\s*(?P<value>.+?)\s*$", code)
    if hit is None:
        return None
    lines = text.splitlines(keepends=True)
    lines[place.line - 1] = f"{hit['indent']}{hit['obj']}.{m['attr']}({hit['value']})\n"
    message = (
        f"{m['attr']} is a method of {m['type']}: line {place.line} tries to replace it with a value. Call it "
        f"instead: {hit['obj']}.{m['attr']}({hit['value']})."
    )
    return proposed(message, place, text, "".join(lines), f"call {m['attr']}()")


PY2_DICT = {"has_key": "key in d", "iteritems": "items()", "iterkeys": "keys()", "itervalues": "values()"}
LAZY = re.compile(r"'(?P<kind>map|filter|zip)' object is not subscriptable")


def python2_habit(facts: Facts) -> Finding | None:
    """dict.has_key()/iteritems(), a map() indexed, bytes and str mixed: Python 3 changed these."""
    found, parsed = error(facts.output), parsed_frame(facts)
    if found is None or parsed is None:
        return None
    place, text, tree = parsed
    detail, code = found[1], line_of(text, place.line) or ""
    gone = re.fullmatch(r"'dict' object has no attribute '(?P<attr>\w+)'", detail)
    if gone and gone["attr"] in PY2_DICT:
        attr = gone["attr"]
        lines = text.splitlines(keepends=True)
        if attr == "has_key":
            hit = re.search(r"(?P<d>[\w.\[\]\"']+)\.has_key\((?P<k>[^()]+)\)", code)
            new = code.replace(hit[0], f"{hit['k']} in {hit['d']}") if hit else None
        else:
            new = code.replace(f".{attr}()", f".{PY2_DICT[attr]}")
        message = f"dict.{attr}() is Python 2; Python 3 removed it: use {PY2_DICT[attr]} instead."
        if new is None or new == code:
            return Finding(message, place)
        lines[place.line - 1] = new + ("\n" if not new.endswith("\n") else "")
        return proposed(message, place, text, "".join(lines), f"Python 3: {PY2_DICT[attr]}")
    lazy = LAZY.search(detail)
    kind = lazy["kind"] if lazy else ""
    for name in flow.names_on(code) if kind else []:
        assigned = flow.last_assignment(tree, text, name, place.line)
        if assigned and assigned.source.startswith(f"{kind}("):
            return Finding(
                f"'{name}' is a {kind} object ({assigned.source}, line {assigned.line}): in Python 3 "
                f"{kind}() returns an iterator, not a list. Make it a list to index it: "
                f"{name} = list({assigned.source}).",
                ws.Place(place.path, assigned.line),
            )
    if detail != "a bytes-like object is required, not 'str'":
        return None
    blocks = _with_targets(tree)
    for name in flow.names_on(code):
        block = blocks.get(name)
        opened = ast.get_source_segment(text, block.items[0].context_expr) if block else None
        if block is not None and opened and re.search(r"['\"][rwax+]*b[rwax+]*['\"]", opened):
            return Finding(
                f"'{name}' was opened in binary mode ({opened}, line {block.lineno}), so it takes bytes: open it "
                "in text mode ('w' instead of 'wb') to write text, or write text.encode().",
                ws.Place(place.path, block.lineno),
            )
        assigned = flow.last_assignment(tree, text, name, place.line)
        if assigned and isinstance(assigned.value, ast.Constant) and isinstance(assigned.value.value, bytes):
            return Finding(
                f"'{name}' is bytes ({assigned.source}, line {assigned.line}), and bytes methods take bytes: pass "
                f'b"..." arguments, or decode it first ({name}.decode()) to work with text.',
                place,
            )
    return None


DETECTORS: list[Callable[[Facts], Finding | None]] = [
    closed_by_with,
    python2_habit,
    dict_view_indexed,
    text_indexed_by_key,
    immutable_append,
    method_assigned,
]


def advise(facts: Facts) -> Finding | None:
    return first_finding(DETECTORS, facts)
