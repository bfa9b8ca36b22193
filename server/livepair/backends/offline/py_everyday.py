"""Everyday Python failures whose cause the code shows: scope, a missing self, a shadowed built-in, None from a
function without return or a failed match, int() of several numbers or of a list written out as text.

Each detector reads the error, the last traceback frame in the workspace and the file's AST, and speaks only when
the code states the cause; otherwise it returns None and the catalogue (or an honest hint) answers.
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Callable

from livepair.backends.offline import flow, none_operand
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import line_of
from livepair.backends.offline.enrich import Facts, Finding, headline
from livepair.backends.offline.probation import earned, on_probation
from livepair.backends.offline.py_crash import error, first_finding, frames, parsed_frame, proposed

UNBOUND = re.compile(r"local variable '(?P<name>\w+)' (?:referenced before assignment|where it is not associated)")
TOO_MANY = re.compile(
    r"(?P<cls>\w+)\.(?P<meth>\w+)\(\) takes (?P<n>\d+) positional arguments? but (?P<m>\d+) (?:were|was)"
)
NOT_CALLABLE = re.compile(r"'(?P<type>int|float|str|list|dict|tuple|bool|set)' object is not callable")
NONE_USE = re.compile(
    r"'NoneType' object (?:is not (?:subscriptable|iterable)|has no attribute)|non-iterable NoneType"
    r"|object of type 'NoneType' has no len\(\)|argument of type 'NoneType' is not iterable"
    r"|unsupported operand type\(s\) for .+: 'NoneType' and|unsupported operand type\(s\) for .+ and 'NoneType'"
)
INT_LITERAL = re.compile(r"invalid literal for int\(\) with base 10: (?P<value>'.*'|\".*\")$")
NONE_ON_MISS = {"search", "match", "fullmatch", "get"}
BUILTINS = {n for n in dir(builtins) if not n.startswith("_") and callable(getattr(builtins, n))}


def _stores(node: ast.AST, name: str) -> list[int]:
    """Lines inside `node` (not in nested functions) that bind `name`."""
    lines: list[int] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(child, ast.Name) and child.id == name and isinstance(child.ctx, ast.Store):
            lines.append(child.lineno)
        if isinstance(child, ast.Import | ast.ImportFrom) and name in _imported(child):
            lines.append(child.lineno)
        lines += _stores(child, name)
    return sorted(lines)


def _imported(node: ast.Import | ast.ImportFrom) -> set[str]:
    return {a.asname or a.name.split(".")[0] for a in node.names}


def _functions(tree: ast.Module) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def unbound_local(facts: Facts) -> Finding | None:
    """A name assigned in a function is local to all of it: point at the assignment that made it so."""
    found, parsed = error(facts.output), parsed_frame(facts)
    m = UNBOUND.search(found[1]) if found else None
    if m is None or parsed is None:
        return None
    place, _text, tree = parsed
    name, fn = m["name"], flow.enclosing_function(tree, place.line)
    stores = _stores(fn, name) if fn is not None else []
    if fn is None or not stores:
        return None
    outer = _stores(tree, name)
    later = [n for n in stores if n >= place.line]
    if outer and later:
        at = later[0]
        inner = next((n for n in ast.walk(fn) if isinstance(n, ast.Import) and n.lineno == at), None)
        if inner is not None and name in _imported(inner) and outer[0] < fn.lineno:
            return _imported_again(name, fn.name, place, at, _text)
        return Finding(
            f"'{name}' is assigned on line {at} inside {fn.name}(), which makes it local to the whole function, "
            f"so line {place.line} reads it before it has a value. To change the module's '{name}', declare "
            f"`global {name}` at the top of {fn.name}(); otherwise give the local another name.",
            ws.Place(place.path, at),
        )
    branch = next(
        (n for n in ast.walk(fn) if isinstance(n, ast.If) and any(s in _stores(n, name) for s in stores)), None
    )
    if branch is None or outer:
        return None
    return Finding(
        f"'{name}' only gets a value on line {stores[0]}, inside the `if` on line {branch.lineno}; when that branch "
        f"does not run, line {place.line} has nothing to use. Give it a value before the if (or in an else).",
        ws.Place(place.path, stores[0]),
    )


def _imported_again(name: str, fn: str, place: ws.Place, at: int, text: str) -> Finding:
    """`import os` inside a function that also uses the module-level os before it: the import makes it local."""
    message = (
        f"'{name}' is imported again on line {at} inside {fn}() (import {name}), which makes it a local name for the "
        f"whole function, so line {place.line} reads it before that import runs. Remove the inner import: the one at "
        f"the top of the file already gives {fn}() '{name}'."
    )
    lines = text.splitlines(keepends=True)
    patched = "".join(lines[: at - 1] + lines[at:]) if lines[at - 1].strip() == f"import {name}" else None
    if patched is not None and flow.parse(patched) is None:
        patched = None  # the import was a block's only statement
    return proposed(message, ws.Place(place.path, at), text, patched, f"remove the inner import {name}")


def missing_self(facts: Facts) -> Finding | None:
    """A method defined without self: Python passes the instance first, so one argument is too many."""
    found = error(facts.output)
    m = TOO_MANY.search(found[1]) if found else None
    if m is None or int(m["m"]) != int(m["n"]) + 1:
        return None
    for place in reversed(frames(facts)):
        text = facts.read(place.path)
        tree = flow.parse(text) if text is not None else None
        classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == m["cls"]] if tree else []
        for cls in classes:
            for fn in cls.body:
                if not isinstance(fn, ast.FunctionDef) or fn.name != m["meth"] or fn.decorator_list:
                    continue
                params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
                if params and params[0] in ("self", "cls"):
                    return None
                first = f"'{params[0]}' receives it" if params else "it has no parameter for it"
                return Finding(
                    f"{m['cls']}.{m['meth']}() is defined on line {fn.lineno} without self: Python passes the "
                    f"instance as the first argument, so {first} and the call has one argument too many. Add "
                    f"self first: def {fn.name}({', '.join(['self', *params])}).",
                    ws.Place(place.path, fn.lineno),
                )
    return None


def local_of_another_function(facts: Facts) -> Finding | None:
    """A NameError for a variable that exists only inside another function."""
    found, parsed = error(facts.output), parsed_frame(facts)
    m = re.match(r"name '(\w+)' is not defined", found[1]) if found and found[0] == "NameError" else None
    if m is None or parsed is None:
        return None
    place, _text, tree = parsed
    name, here = m[1], flow.enclosing_function(tree, place.line)
    declared_global = any(isinstance(n, ast.Global) and name in n.names for n in ast.walk(tree))
    if declared_global or _stores(tree, name) or (here is not None and _stores(here, name)):
        return None
    owners = [(fn, _stores(fn, name)) for fn in _functions(tree) if fn is not here]
    owners = [(fn, lines) for fn, lines in owners if lines]
    if len(owners) != 1:
        return None
    fn, lines = owners[0]
    return Finding(
        f"'{name}' exists only inside {fn.name}() (assigned on line {lines[0]}): a function's variables are local "
        f"to it. Return it from {fn.name}() and use the result, e.g. {name} = {fn.name}(...).",
        place,
    )


# right on 6 of the 6 unseen cases it spoke on (probation.py)
@earned(6, 6)
def shadowed_builtin(facts: Facts) -> Finding | None:
    """`sum = 0` and later `sum(...)`: the built-in was replaced by a value; point at the assignment."""
    found, parsed = error(facts.output), parsed_frame(facts)
    m = NOT_CALLABLE.search(found[1]) if found else None
    if m is None or parsed is None:
        return None
    place, text, tree = parsed
    code = line_of(text, place.line) or ""
    for name in flow.names_on(code):
        if name not in BUILTINS or not re.search(rf"\b{name}\s*\(", code):
            continue
        stores = [n for n in _stores(tree, name) + [s for f in _functions(tree) for s in _stores(f, name)]]
        first = min((n for n in stores if n <= place.line), default=None)
        if first is None:
            continue
        return Finding(
            f"'{name}' is Python's built-in function, but line {first} assigns {_a(m['type'])} to it, so line "
            f"{place.line} calls that {m['type']}. Rename the variable (e.g. {name}_value) so {name}() is the "
            f"built-in again.",
            ws.Place(place.path, first),
        )
    return None


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _returns_value(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(isinstance(n, ast.Return) and n.value is not None for n in ast.walk(fn))


def none_from_code(facts: Facts) -> Finding | None:
    """None traced to its source: a function of this file without return, a match that failed, `x = None`."""
    found, parsed = error(facts.output), parsed_frame(facts)
    if found is None or parsed is None or not NONE_USE.search(found[1]):
        return None
    place, text, tree = parsed
    mine = {fn.name: fn for fn in _functions(tree)}
    code = line_of(text, place.line) or ""
    # only the operand in the position the error names can be the None (not any name on the line)
    allowed = none_operand.names(none_operand.operands(tree, place.line, found[1]))
    named = [n for n in flow.names_on(code) if allowed is None or n in allowed]
    calls = [n for n in named if n in mine and re.search(rf"\b{n}\s*\(", code)]
    for name in named:
        assigned = flow.last_assignment(tree, text, name, place.line)
        value = assigned.value if assigned else None
        if assigned is None or value is None:
            continue
        if isinstance(value, ast.Constant) and value.value is None:
            ifs = [n for n in ast.walk(tree) if isinstance(n, ast.If)]
            branch = next((n for n in ifs if assigned.line in _stores(n, name)), None)
            why = f" when `{ast.get_source_segment(text, branch.test)}` is false" if branch else ""
            return Finding(
                f"'{name}' is None here: line {assigned.line} sets it to None{why}, and line {place.line} uses it "
                "as a value. Handle that case before this line (the condition tells you why it happened).",
                ws.Place(place.path, assigned.line),
                headline=headline(f"'{name}' is None: line {assigned.line} sets it{why}", f"'{name}' is None"),
            )
        func = value.func if isinstance(value, ast.Call) else None
        if isinstance(func, ast.Attribute) and func.attr in NONE_ON_MISS:
            return _none_on_a_miss(name, func, text, ws.Place(place.path, assigned.line), place.line)
        if isinstance(func, ast.Name) and func.id in mine:
            calls.append(func.id)
    for called in calls:
        fn = mine[called]
        if _returns_value(fn):
            continue
        end = fn.end_lineno or fn.lineno
        return Finding(
            f"{called}() (line {fn.lineno}) has no return statement, so calling it gives None, and line "
            f"{place.line} uses that None as a value. Return the result at the end of {called}().",
            ws.Place(place.path, end),
            headline=headline(f"{called}() has no return, so it gives None"),
        )
    return None


# right on 0 of the 1 unseen cases it spoke on (probation.py)
@on_probation("whether that None is meant (nothing found) or a mistake")
def _none_on_a_miss(name: str, func: ast.Attribute, text: str, at: ws.Place, used: int) -> Finding:
    """`name` came from a match or get() that found nothing (a function without return has a clean record)."""
    when = "the pattern does not match" if func.attr != "get" else "the key is missing"
    use = "a match" if func.attr != "get" else "a value"
    anchored = (  # the classic: a pattern that is in the text, but not at its start
        " re.match() looks only at the start of the text; re.search() finds the pattern anywhere in it."
        if func.attr == "match"
        else ""
    )
    return Finding(
        f"'{name}' is None: {ast.get_source_segment(text, func)}() on line {at.line} returns None "
        f"when {when}, and line {used} uses it as {use}.{anchored} Check it first (if {name} is None: "
        "...), or fix what it looks for.",
        at,
        headline=headline(f"'{name}' is None when {when}", f"'{name}' is None"),
    )


def int_of_text(facts: Facts) -> Finding | None:
    """int() of several numbers in one string, or of a list written out as text."""
    found, parsed = error(facts.output), parsed_frame(facts)
    m = INT_LITERAL.search(found[1]) if found and found[0] == "ValueError" else None
    if m is None or parsed is None:
        return None
    try:
        value = ast.literal_eval(m["value"])
    except (ValueError, SyntaxError):
        return None
    place, text, _tree = parsed
    shown = m["value"] if len(m["value"]) < 60 else m["value"][:57] + "...'"
    tokens = str(value).split()
    if len(tokens) > 1 and all(re.fullmatch(r"[-+]?\d+", t) for t in tokens):
        return Finding(
            f"{shown} holds {len(tokens)} numbers separated by spaces, and int() reads one: split the text "
            "and convert each, e.g. [int(x) for x in text.split()].",
            place,
        )
    if re.fullmatch(r"\s*[-+]?\d+\.\d*\s*", str(value)):
        return Finding(
            f"{shown} is a decimal number, and int() reads whole numbers only: use float() for it (or "
            "round(float(...)) if you need a whole number).",
            place,
        )
    inner = re.search(r"int\(\s*str\((\w+)\)\s*\)", line_of(text, place.line) or "")
    if str(value).startswith("[") and str(value).endswith("]"):
        name = inner[1] if inner else "the_list"
        return Finding(
            f"{shown} is a list written out as text (str() of a list), and int() reads one number. Convert each "
            f"element instead: [int(x) for x in {name}].",
            place,
        )
    return None


DETECTORS: list[Callable[[Facts], Finding | None]] = [
    unbound_local,
    missing_self,
    local_of_another_function,
    shadowed_builtin,
    none_from_code,
    int_of_text,
]


def advise(facts: Facts) -> Finding | None:
    return first_finding(DETECTORS, facts)
