"""Everyday Python failures of an operation whose cause the line or the file shows: an empty list divided by its
length, a call's result called again, a list called instead of indexed, ranges added, a list used as a key, a
string changed in place, fewer returned values than names, an empty filtered list given to statistics.

Same rule as py_everyday.py: speak only when the code shows the cause, else return None.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from livepair.backends.offline import flow
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import line_of
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.probation import on_probation
from livepair.backends.offline.py_crash import error, first_finding, frames, parsed_frame, proposed

FLOAT_TEXT = re.compile(r"could not convert string to float: '(?P<value>[^']*)'")
THOUSANDS = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
UNPACK = re.compile(r"not enough values to unpack \(expected (?P<want>\d+), got (?P<got>\d+)\)")


def _is_empty_list(node: ast.expr | None) -> bool:
    return isinstance(node, ast.List) and not node.elts


def empty_divided(facts: Facts) -> Finding | None:
    """len(values) is 0 because the caller passed an empty list, or the list was made empty and never filled."""
    found, where = error(facts.output), frames(facts)
    if found is None or found[0] != "ZeroDivisionError" or not where:
        return None
    never_filled = _never_filled(facts, where[-1])
    if never_filled is not None or len(where) < 2:
        return never_filled
    crash, caller = where[-1], where[-2]
    text = facts.read(crash.path)
    tree = flow.parse(text) if text is not None else None
    fn = flow.enclosing_function(tree, crash.line) if tree else None
    size = re.search(r"/\s*len\((\w+)\)", line_of(text or "", crash.line) or "")
    if fn is None or size is None or tree is None or caller.path != crash.path:
        return None
    params = [a.arg for a in fn.args.args]
    call = next(
        (n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
         and n.func.id == fn.name and n.lineno == caller.line),
        None,
    )  # fmt: skip
    if call is None or size[1] not in params or params.index(size[1]) >= len(call.args):
        return None
    given = call.args[params.index(size[1])]
    origin = ""
    if isinstance(given, ast.Name):
        assigned = flow.last_assignment(tree, text or "", given.id, caller.line)
        if assigned is None or not _is_empty_list(assigned.value):
            return None
        origin = f" ({given.id} = [] on line {assigned.line})"
    elif not _is_empty_list(given):
        return None
    return Finding(
        f"{fn.name}() divides by len({size[1]}), and line {caller.line} passes it an empty list{origin}: check for "
        f"an empty list before calling it (if the list is empty there is no average).",
        caller,
    )


def _never_filled(facts: Facts, crash: ws.Place) -> Finding | None:
    """`/ len(xs)` where xs = [] and nothing between adds to it."""
    text = facts.read(crash.path) or ""
    tree = flow.parse(text)
    size = re.search(r"/\s*len\((\w+)\)", line_of(text, crash.line) or "")
    assigned = flow.last_assignment(tree, text, size[1], crash.line) if tree is not None and size else None
    if size is None or assigned is None or not _is_empty_list(assigned.value):
        return None
    name = re.escape(size[1])
    between = text.splitlines()[assigned.line : crash.line - 1]
    if any(re.search(rf"\b{name}\s*(?:\.\w+\(|\+=|\[)|\b{name}\b\s*=(?!=)", line) for line in between):
        return None  # something may fill it (or change it): which run left it empty the code does not say
    return Finding(
        f"Division by zero: '{size[1]}' is still the empty list from line {assigned.line} (nothing adds to it "
        f"before this line), so len({size[1]}) is 0 here. Fill it first, or check for an empty list before dividing.",
        crash,
    )


def called_wrongly(facts: Facts) -> Finding | None:
    """`round(14.5)()` calls the result; `nums(0)` calls a list that was meant to be indexed."""
    found, parsed = error(facts.output), parsed_frame(facts)
    m = re.search(r"'(?P<type>\w+)' object is not callable", found[1]) if found else None
    if m is None or parsed is None:
        return None
    place, text, tree = parsed
    code = line_of(text, place.line) or ""
    extra = re.search(r"\b(?P<call>\w+\([^()]*\))\(\)", code)
    if extra:
        return Finding(
            f"{extra['call']} returns {'an' if m['type'][0] in 'aeiou' else 'a'} {m['type']} value, and the () after "
            "it calls that value: remove the extra parentheses.",
            place,
        )
    for name in flow.names_on(code):
        called = re.search(rf"\b{name}\((?P<index>[^()]*)\)", code)
        assigned = flow.last_assignment(tree, text, name, place.line)
        if called is None or assigned is None or not isinstance(assigned.value, (ast.List, ast.Dict, ast.Tuple)):
            continue
        lines = text.splitlines(keepends=True)
        lines[place.line - 1] = lines[place.line - 1].replace(called[0], f"{name}[{called['index']}]", 1)
        message = (
            f"'{name}' is a {m['type']} (line {assigned.line}), and line {place.line} calls it with parentheses: "
            f"index it with square brackets, {name}[{called['index']}]."
        )
        return proposed(message, place, text, "".join(lines), "index with brackets")
    return None


def operation_on_type(facts: Facts) -> Finding | None:
    """What the error and the failing line state together: ranges added, a list as a key, a str changed."""
    found, parsed = error(facts.output), parsed_frame(facts)
    if found is None or parsed is None:
        return None
    place, text, _tree = parsed
    detail, code = found[1], line_of(text, place.line) or ""
    if re.search(r"unsupported operand type\(s\) for \+: 'range' and 'range'", detail):
        return Finding(
            "range objects cannot be added with +: make lists first, list(a) + list(b), or for unique values a set "
            "union, set(a) | set(b).",
            place,
        )
    if detail == "unhashable type: 'list'" and re.search(
        r"\bhash\(|\[\s*\[|\{[^}]*\[[^\]]*\]\s*:|\.add\(|\bset\(", code
    ):
        return Finding(
            "A list cannot be a dict key or a set member, because it can change after it is stored: use a tuple "
            "instead, e.g. (x, y) or tuple(the_list).",
            place,
        )
    if detail == "'str' object does not support item assignment":
        return Finding(
            "Strings cannot be changed in place: build a new string instead, e.g. s = 'J' + s[1:], s.replace(...), "
            "or a list of characters joined with ''.join(...).",
            place,
        )
    return None


def fewer_returned(facts: Facts) -> Finding | None:
    found, parsed = error(facts.output), parsed_frame(facts)
    m = UNPACK.search(found[1]) if found else None
    if m is None or parsed is None:
        return None
    place, text, tree = parsed
    code = line_of(text, place.line) or ""
    mine = {f.name: f for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
    called = next((n for n in flow.names_on(code) if n in mine and re.search(rf"=\s*{n}\s*\(", code)), None)
    if called is None:
        return None
    returns = [r for r in ast.walk(mine[called]) if isinstance(r, ast.Return) and r.value is not None]
    sizes = {len(r.value.elts) if isinstance(r.value, ast.Tuple) else 1 for r in returns if r.value is not None}
    if sizes != {int(m["got"])}:
        return None
    return Finding(
        f"{called}() returns {m['got']} values (line {returns[0].lineno}), and line {place.line} unpacks them into "
        f"{m['want']} names: use {m['got']} names here, or return {m['want']} values.",
        place,
    )


def empty_statistics(facts: Facts) -> Finding | None:
    found, parsed = error(facts.output), parsed_frame(facts)
    if found is None or parsed is None or "requires at least one data point" not in found[1]:
        return None
    place, text, tree = parsed
    for name in flow.names_on(line_of(text, place.line) or ""):
        assigned = flow.last_assignment(tree, text, name, place.line + 1)
        value = assigned.value if assigned else None
        if assigned is None or not isinstance(value, (ast.ListComp, ast.DictComp, ast.SetComp)):
            continue
        tests = [ast.get_source_segment(text, t) for g in value.generators for t in g.ifs]
        if tests:
            return Finding(
                f"'{name}' is empty: the comprehension on line {assigned.line} keeps only items where "
                f"`{' and '.join(t for t in tests if t)}`, and none passed, so there is nothing to average. Check "
                "for an empty result before the statistics call.",
                ws.Place(place.path, assigned.line),
            )
    return None


# right on 0 of the 1 unseen cases it spoke on (probation.py)
@on_probation("whether the text or the code that reads it is what is wrong")
def float_of_text(facts: Facts) -> Finding | None:
    """float() of a CSV header cell, or of a number written with thousands separators."""
    found, parsed = error(facts.output), parsed_frame(facts)
    m = FLOAT_TEXT.search(found[1]) if found and found[0] == "ValueError" else None
    if m is None or parsed is None:
        return None
    place, text, tree = parsed
    value = m["value"].replace("\\n", "").replace("\\r", "").strip()  # the repr shows a newline as \\n
    if THOUSANDS.fullmatch(value):
        return Finding(
            f"'{value}' uses commas as thousands separators, which float() does not read: remove them first, "
            "e.g. float(text.replace(',', '')).",
            place,
        )
    loop = next(
        (n for n in ast.walk(tree) if isinstance(n, ast.For) and n.lineno < place.line <= (n.end_lineno or 0)),
        None,
    )
    over = loop.iter.id if loop is not None and isinstance(loop.iter, ast.Name) else None
    listed = flow.last_assignment(tree, text, over, loop.lineno) if loop is not None and over else None
    items = listed.value.elts if listed is not None and isinstance(listed.value, ast.List) else []
    if listed is not None and any(isinstance(e, ast.Constant) and e.value == value for e in items):
        return Finding(
            f"'{value}' is an item of the list '{over}' (line {listed.line}), not a number: remove it, or skip "
            "items that are not numbers before float().",
            ws.Place(place.path, listed.line),
        )
    opened = (
        re.search(r"open\(\s*['\"](?P<file>[^'\"]+)['\"]", ast.get_source_segment(text, loop.iter) or "")
        if loop
        else None
    )
    first = facts.read(place.path.parent / opened["file"]) if loop is not None and opened else None
    header = (first or "").splitlines()[:1]
    if loop is None or opened is None or not header or value not in re.split(r"[,;\t ]", header[0]):
        return None
    return Finding(
        f"'{value}' comes from the first line of {opened['file']}, a header ({header[0]!r}), not a number: skip it "
        f"before the loop on line {loop.lineno}, e.g. next(f) or lines[1:].",
        ws.Place(place.path, loop.lineno),
    )


def wrong_kind_of_number(facts: Facts) -> Finding | None:
    """range() of a float read with float(), len() of an int, len() of an item a list was replaced by."""
    found, parsed = error(facts.output), parsed_frame(facts)
    if found is None or parsed is None:
        return None
    place, text, tree = parsed
    detail, code = found[1], line_of(text, place.line) or ""
    for name in flow.names_on(code):
        assigned = flow.last_assignment(tree, text, name, place.line)
        value = assigned.value if assigned else None
        if assigned is None or value is None:
            continue
        if detail == "'float' object cannot be interpreted as an integer" and assigned.source.startswith("float("):
            return Finding(
                f"'{name}' is a float ({assigned.source} on line {assigned.line}), and line {place.line} needs a "
                f"whole number: read it with int(...) instead of float(...).",
                ws.Place(place.path, assigned.line),
            )
        if (
            detail == "object of type 'int' has no len()"
            and isinstance(value, ast.Constant)
            and re.search(rf"\blen\(\s*{name}\s*\)", code)
        ):
            return Finding(
                f"'{name}' is the int {value.value!r} (line {assigned.line}): len() counts the items of a sequence. "
                f"For the number of digits use len(str({name})).",
                place,
            )
    as_int = detail == "'float' object cannot be interpreted as an integer"
    division = re.search(r"\brange\([^)]*[^/]/[^/][^)]*\)", code)
    if as_int and division:
        return Finding(
            "/ always gives a float in Python 3, and range() needs a whole number: use floor division // "
            "(or int(...)) in the range on this line.",
            place,
        )
    for name in flow.names_on(code) if as_int and "range(" in code else []:
        assigned = flow.last_assignment(tree, text, name, place.line)
        if assigned and isinstance(assigned.value, ast.Constant) and isinstance(assigned.value.value, float):
            return Finding(
                f"'{name}' is the float {assigned.value.value!r} (line {assigned.line}), and range() needs a whole "
                f"number: give it an int there, or convert with int({name}).",
                ws.Place(place.path, assigned.line),
            )
    item = re.search(r"\blen\((?P<item>\w+\[[^\]]+\])\)", code)
    if detail.startswith("object of type") and item:
        target = item["item"]
        stores = [
            n for n in ast.walk(tree)
            if isinstance(n, ast.Assign) and n.lineno != place.line
            and any(ast.get_source_segment(text, t) == target for t in n.targets)
        ]  # fmt: skip
        if stores:
            at = stores[-1]
            return Finding(
                f"Line {at.lineno} replaces {target} with a single value ({ast.get_source_segment(text, at.value)}), "
                f"so len() of it fails here: if it is meant to hold a list, append to it instead, "
                f"{target}.append({ast.get_source_segment(text, at.value)}).",
                ws.Place(place.path, at.lineno),
            )
    return None


DETECTORS: list[Callable[[Facts], Finding | None]] = [
    empty_divided,
    wrong_kind_of_number,
    float_of_text,
    called_wrongly,
    operation_on_type,
    fewer_returned,
    empty_statistics,
]


def advise(facts: Facts) -> Finding | None:
    return first_finding(DETECTORS, facts)
