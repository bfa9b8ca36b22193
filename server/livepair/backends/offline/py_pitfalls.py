"""Everyday Python errors whose cause the code shows, though the message names only the operation: a file object
given to json.loads, a method subscripted, a dict read with dots, len() of a generator, an async generator awaited,
a float added to a Decimal, a path read from a file with its newline, a missing comma between strings, Python 2's
raw_input and print. Each is said only when the code at the crash (or the value's assignment above it) shows it.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize

from livepair.backends.offline import flow
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import line_of
from livepair.backends.offline.enrich import Facts, Finding, headline
from livepair.backends.offline.probation import on_probation
from livepair.backends.offline.py_crash import error, parsed_frame, proposed


def advise(facts: Facts) -> Finding | None:
    found = error(facts.output)
    if found is None:
        return None
    if found[0] == "SyntaxError":
        return _print_statement(facts, found[1])
    parsed = parsed_frame(facts)
    if parsed is None:
        return None
    place, text, tree = parsed
    code = line_of(text, place.line) or ""
    for rule in (_file_to_loads, _method_subscripted, _dict_by_attribute, _len_of_generator, _async_generator,
                 _decimal_and_float, _raw_input, _comma_missing):  # fmt: skip
        said = rule(found[1], place, text, tree, code)
        if said is not None:
            return said
    return _newline_in_path(found[1], place, text, tree, code)


def _file_to_loads(detail: str, place: ws.Place, text: str, tree: ast.Module, code: str) -> Finding | None:
    if not re.search(r"the JSON object must be str, bytes or bytearray, not TextIOWrapper", detail):
        return None
    m = re.search(r"json\.loads\((?P<arg>[\w.]+)\)", code)
    if m is None:
        return None
    patched = text.splitlines(keepends=True)
    patched[place.line - 1] = code.replace(m[0], f"json.load({m['arg']})") + "\n"
    return proposed(
        f"json.loads() reads JSON from a string, and {m['arg']} is an open file: use json.load({m['arg']}) "
        f"(no s), which reads the file, or json.loads({m['arg']}.read()).",
        place,
        text,
        "".join(patched),
        "Read the file with json.load",
        headline("json.loads takes text; a file needs json.load"),
    )


# right on 0 of the 1 unseen cases it spoke on (probation.py)
@on_probation("which call was meant, and with what")
def _method_subscripted(detail: str, place: ws.Place, text: str, tree: ast.Module, code: str) -> Finding | None:
    if not re.search(r"'(?:builtin_function_or_method|method)' object is not subscriptable", detail):
        return None
    m = re.search(r"\.(?P<name>\w+)\[", code)
    if m is None:
        return None
    return Finding(
        f".{m['name']} is a method, and [ ] after it tries to index the method itself: call it with round "
        f"brackets (parentheses), .{m['name']}(...).",
        place,
        headline=headline(f".{m['name']}[...] should be .{m['name']}(...)"),
    )


def _dict_by_attribute(detail: str, place: ws.Place, text: str, tree: ast.Module, code: str) -> Finding | None:
    m = re.fullmatch(r"'dict' object has no attribute '(?P<key>\w+)'", detail)
    if m is None or m["key"] in dir(dict):
        return None
    read = re.search(rf"(?P<obj>[\w\]\['\"]+)\.{m['key']}\b(?!\s*\()", code)
    if read is None:
        return None
    return Finding(
        f"{read['obj']} is a dict (as json.load and yaml.safe_load give), and a dict's keys are read with "
        f"brackets, not dots: {read['obj']}['{m['key']}'].",
        place,
        headline=headline(f"a dict's key: {read['obj']}['{m['key']}']"),
    )


def _len_of_generator(detail: str, place: ws.Place, text: str, tree: ast.Module, code: str) -> Finding | None:
    if detail != "object of type 'generator' has no len()":
        return None
    m = re.search(r"\blen\((?P<var>\w+)\)", code)
    made = flow.last_assignment(tree, text, m["var"], place.line) if m else None
    if m is None or made is None:
        return None
    return Finding(
        f"'{m['var']}' is a generator ({made.source}, line {made.line}): it yields its items one by one and has no "
        f"length. Make it a list where it is made, {m['var']} = list({made.source}), to count and reuse it.",
        ws.Place(place.path, made.line),
        headline=headline(f"'{m['var']}' is a generator: list() it", "a generator has no len()"),
    )


def _async_generator(detail: str, place: ws.Place, text: str, tree: ast.Module, code: str) -> Finding | None:
    if "async_generator can't be used in 'await' expression" not in detail:
        return None
    return Finding(
        "This awaits an async generator (an async def with yield), which gives many values, not one: loop over "
        "it with async for item in ...: (or collect them: [x async for x in ...]).",
        place,
        headline=headline("an async generator is read with async for"),
    )


def _decimal_and_float(detail: str, place: ws.Place, text: str, tree: ast.Module, code: str) -> Finding | None:
    if not re.search(r"'decimal\.Decimal' and 'float'|'float' and 'decimal\.Decimal'", detail):
        return None
    for name in re.findall(r"(?:\bself\.)?\b[A-Za-z_]\w*", code):
        made = _float_assigned(tree, text, name, place.line)
        if made is not None:
            line, literal = made
            return Finding(
                f"{name} is the float {literal} (line {line}), and Decimal does not mix with floats (a float is "
                f"not exact). Make it a Decimal from text where it is set: {name} = Decimal('{literal}').",
                ws.Place(place.path, line),
                headline=headline(f"{name} should be Decimal('{literal}')"),
            )
    return None


def _float_assigned(tree: ast.Module, text: str, name: str, before: int) -> tuple[int, str] | None:
    """The line and literal where `name` (a variable, or self.attr anywhere in the class) is set to a float."""
    attr = name.removeprefix("self.") if name.startswith("self.") else None
    hits = [
        (node.lineno, ast.get_source_segment(text, node.value) or "")
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, float)
        and any(
            (isinstance(t, ast.Name) and t.id == name and node.lineno < before)
            or (attr is not None and isinstance(t, ast.Attribute) and t.attr == attr)
            for t in node.targets
        )
    ]
    return hits[-1] if len(hits) == 1 else None


def _raw_input(detail: str, place: ws.Place, text: str, tree: ast.Module, code: str) -> Finding | None:
    m = re.fullmatch(r"name '(?P<name>raw_input|unicode|xrange|basestring|long)' is not defined", detail)
    if m is None:
        return None
    now = {"raw_input": "input", "unicode": "str", "xrange": "range", "basestring": "str", "long": "int"}[m["name"]]
    return Finding(
        f"{m['name']} is Python 2; this is Python 3, where it is {now}: use {now}(...) instead.",
        place,
        headline=headline(f"{m['name']} is Python 2: use {now}"),
    )


def _comma_missing(detail: str, place: ws.Place, text: str, tree: ast.Module, code: str) -> Finding | None:
    """Two string literals side by side inside brackets: Python joins them into one ('WARN' 'ERROR')."""
    if not re.search(r"is not in list|^'[^']*'$", detail):  # list.index() of an item, or a KeyError's key
        return None
    joined = _adjacent_strings(text)
    if len(joined) != 1:
        return None
    line, first, second = joined[0]
    return Finding(
        f"Line {line} has no comma between {first} and {second}, so Python joins them into one string: the list "
        f"holds {first[:-1]}{second[1:]}, not the two. Put the comma in: {first}, {second}.",
        ws.Place(place.path, line),
        headline=headline(f"no comma between {first} and {second}", "a missing comma joins two strings"),
    )


def _adjacent_strings(text: str) -> list[tuple[int, str, str]]:
    """String literals side by side in a list or set display whose other items are separated by commas (a
    long string split over lines in parentheses is deliberate and is not counted)."""
    found: list[tuple[int, str, str]] = []
    stack: list[tuple[str, bool, list[tuple[int, str, str]]]] = []
    last = None
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT):
                continue
            if tok.type == tokenize.OP and tok.string in "([{":
                stack.append((tok.string, False, []))
            elif tok.type == tokenize.OP and tok.string in ")]}" and stack:
                opener, comma, pairs = stack.pop()
                found += pairs if comma and opener in "[{" else []
            elif tok.type == tokenize.OP and tok.string == "," and stack:
                stack[-1] = (stack[-1][0], True, stack[-1][2])
            elif tok.type == tokenize.STRING and last is not None and last.type == tokenize.STRING and stack:
                stack[-1][2].append((last.end[0], last.string, tok.string))  # the comma goes after the first
            last = tok
    except (tokenize.TokenError, SyntaxError):
        return []
    return found


def _newline_in_path(detail: str, place: ws.Place, text: str, tree: ast.Module, code: str) -> Finding | None:
    """A path that ends in \\n: lines read from a file keep their newline (readlines, or iterating the file)."""
    if not re.search(r"No such file or directory: '[^']*\\n'", detail):
        return None
    functions = {f.name: f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}
    for name in flow.names_on(code):
        loop = next(
            (n for n in ast.walk(tree) if isinstance(n, ast.For) and isinstance(n.target, ast.Name)
             and n.target.id == name and n.lineno <= place.line),
            None,
        )  # fmt: skip
        if loop is None:
            continue
        line = _lines_read(loop.iter, functions)
        if line is None:
            continue
        return Finding(
            f"'{name}' is a line read from a file (line {line}), and each line keeps its newline (\\n) at the end, "
            f"so the path has one. Strip the lines where they are read: [line.strip() for line in ...], or "
            ".read().splitlines() (or use Path(" + name + ".strip())).",
            ws.Place(place.path, line),
            headline=headline(f"'{name}' keeps the line's newline: strip it"),
        )
    return None


def _lines_read(source: ast.expr, functions: dict[str, ast.FunctionDef]) -> int | None:
    """Where `source` reads a file's lines with their newlines: here, or in the return of the function it calls."""
    if _reads_lines(source):
        return source.lineno
    called = source.func.id if isinstance(source, ast.Call) and isinstance(source.func, ast.Name) else None
    fn = functions.get(called or "")
    returns = [r for r in ast.walk(fn) if isinstance(r, ast.Return) and r.value is not None] if fn else []
    read = [r for r in returns if r.value is not None and _reads_lines(r.value)]
    return read[0].lineno if len(read) == 1 else None


def _reads_lines(node: ast.expr) -> bool:
    call = node.func if isinstance(node, ast.Call) else None
    if isinstance(call, ast.Attribute) and call.attr == "readlines":
        return True
    return isinstance(call, ast.Name) and call.id == "open"  # for line in open(...)


def _print_statement(facts: Facts, detail: str) -> Finding | None:
    if not detail.startswith("Missing parentheses in call to 'print'"):
        return None
    m = list(ws.FRAME.finditer(facts.output))
    path = (facts.cwd / m[-1]["file"]).resolve() if m else None
    if path is None or not path.is_file():
        return None
    return Finding(
        "This is Python 2's print statement; in Python 3 print is a function: print(...) with parentheses "
        "(the file was written for Python 2: other lines may need the same).",
        ws.Place(path, int(m[-1]["line"])),
        headline=headline("Python 3: print(...) needs parentheses"),
    )
