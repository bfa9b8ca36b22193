"""Errors of classes, context managers and library calls whose cause sits in another line (or file) than the crash:
__init__ returning a value, __enter__ returning nothing, an attribute that hides a method of the same name,
subprocess output that was never captured, asyncio.run given a plain function's result, heap entries that tie,
DictWriter's fieldnames from the first row only, and a trailing comma in a JSON file. Each is placed where the code
(or the data file) shows the cause.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from livepair.backends.offline import flow
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding, headline
from livepair.backends.offline.probation import on_probation
from livepair.backends.offline.py_crash import error, parsed_frame

MAX_FILES = 200  # workspace files parsed to find a class, a function or a JSON file
MAX_JSON_BYTES = 1024 * 1024


def advise(facts: Facts) -> Finding | None:
    found = error(facts.output)
    if found is None:
        return None
    kind, detail = found
    if kind == "JSONDecodeError":
        return _json_file(detail, facts)
    if kind == "TypeError" and (m := re.fullmatch(r"__init__\(\) should return None, not '(?P<cls>\w+)'", detail)):
        return _init_returns(m["cls"], facts)
    parsed = parsed_frame(facts)
    if parsed is None:
        return None
    place, text, tree = parsed
    for rule in (_enter_returns_nothing, _not_captured, _plain_function_run, _attribute_hides_method, _heap_tie,
                 _first_row_fields):  # fmt: skip
        said = rule(detail, place, text, tree, facts)
        if said is not None:
            return said
    return None


def _python_files(facts: Facts) -> list[tuple[Path, str, ast.Module]]:
    parsed: list[tuple[Path, str, ast.Module]] = []
    for n, path in enumerate(ws.workspace_files(facts.root, {".py"})):
        text = facts.read(path) if n < MAX_FILES else None
        tree = flow.parse(text) if text is not None else None
        if text is not None and tree is not None:
            parsed.append((path, text, tree))
    return parsed


# right on 0 of the 1 unseen cases it spoke on (probation.py)
@on_probation("whether the returned value was meant for a factory method instead")
def _init_returns(cls: str, facts: Facts) -> Finding | None:
    for path, _text, tree in _python_files(facts):
        for node in ast.walk(tree):
            init = _method(node, "__init__") if isinstance(node, ast.ClassDef) and node.name == cls else None
            returns = [r for r in ast.walk(init) if isinstance(r, ast.Return) and r.value is not None] if init else []
            if returns:
                return Finding(
                    f"{cls}.__init__ returns a value (line {returns[0].lineno}), and __init__ must return None: "
                    "Python makes the object itself. Remove that return.",
                    ws.Place(path, returns[0].lineno),
                    headline=headline("__init__ must not return a value"),
                )
    return None


def _method(cls: ast.ClassDef, name: str) -> ast.FunctionDef | None:
    return next((f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == name), None)


def _classes(tree: ast.Module) -> dict[str, ast.ClassDef]:
    return {n.name: n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}


def _enter_returns_nothing(detail: str, place: ws.Place, text: str, tree: ast.Module, facts: Facts) -> Finding | None:
    """`with C() as x`, x is None: C.__enter__ returns nothing (the value of `as` is what __enter__ returns)."""
    if not detail.startswith("'NoneType' object has no attribute"):
        return None
    code = text.splitlines()[place.line - 1] if place.line <= len(text.splitlines()) else ""
    classes = _classes(tree)
    for node in ast.walk(tree):
        for item in node.items if isinstance(node, ast.With) else []:
            var, made = item.optional_vars, item.context_expr
            if not (isinstance(var, ast.Name) and re.search(rf"\b{var.id}\.", code)):
                continue
            cls = classes.get(made.func.id) if isinstance(made, ast.Call) and isinstance(made.func, ast.Name) else None
            enter = _method(cls, "__enter__") if cls else None
            if cls is None or enter is None or any(isinstance(r, ast.Return) and r.value for r in ast.walk(enter)):
                continue
            last = enter.body[-1].end_lineno or enter.lineno
            return Finding(
                f"'{var.id}' is None: `with ... as {var.id}` takes what {cls.name}.__enter__ returns, and __enter__ "
                f"(line {enter.lineno}) returns nothing. End it with return self.",
                ws.Place(place.path, last),
                headline=headline("__enter__ must return self"),
            )
    return None


def _not_captured(detail: str, place: ws.Place, text: str, tree: ast.Module, facts: Facts) -> Finding | None:
    if not detail.startswith("'NoneType' object has no attribute"):
        return None
    code = text.splitlines()[place.line - 1]
    m = re.search(r"\b(?P<var>\w+)\.(?P<stream>stdout|stderr)\b", code)
    made = flow.last_assignment(tree, text, m["var"], place.line) if m else None
    call = made.value if made is not None else None
    if m is None or made is None or not (isinstance(call, ast.Call) and flow.calls(call, "run")):
        return None
    given = {k.arg for k in call.keywords}
    if given & {"capture_output", m["stream"]}:
        return None
    return Finding(
        f"subprocess.run() on line {made.line} lets the command print straight to the terminal, so "
        f"{m['var']}.{m['stream']} is None. Capture it: subprocess.run(..., capture_output=True, text=True).",
        ws.Place(place.path, made.line),
        headline=headline(f"capture_output=True, else .{m['stream']} is None"),
    )


def _plain_function_run(detail: str, place: ws.Place, text: str, tree: ast.Module, facts: Facts) -> Finding | None:
    if not re.match(r"a coroutine was expected, got", detail):
        return None
    code = text.splitlines()[place.line - 1]
    m = re.search(r"asyncio\.run\(\s*(?P<call>[\w.]+)\(", code)
    if m is None:
        return None
    name = m["call"].split(".")[-1]
    defs = [
        n for _p, _t, t in _python_files(facts) for n in ast.walk(t)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name
    ]  # fmt: skip
    if not defs or any(isinstance(d, ast.AsyncFunctionDef) for d in defs):
        return None
    return Finding(
        f"{m['call']}() is a plain (not async) function: calling it runs it right away and gives its result, not "
        "a coroutine, so there is nothing for asyncio.run() to run. Call it directly, without asyncio.run.",
        place,
        headline=headline(f"{m['call']}() is not async: call it directly"),
    )


def _attribute_hides_method(detail: str, place: ws.Place, text: str, tree: ast.Module, facts: Facts) -> Finding | None:
    if not re.fullmatch(r"'\w+' object is not callable", detail):
        return None
    code = text.splitlines()[place.line - 1]
    for cls in _classes(tree).values():
        methods = {f.name for f in cls.body if isinstance(f, ast.FunctionDef)}
        for node in ast.walk(cls):
            if not isinstance(node, ast.Assign) or len(node.targets) != 1:
                continue
            target = node.targets[0]
            if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)):
                continue
            attr = target.attr
            if target.value.id == "self" and attr in methods and re.search(rf"\.{attr}\(", code):
                return Finding(
                    f"Line {node.lineno} sets self.{attr}, which has the same name as the method {attr}(): the "
                    f"instance's attribute hides the method, so .{attr}() calls the value. Rename one of them.",
                    ws.Place(place.path, node.lineno),
                    headline=headline(f"self.{attr} hides the method {attr}()"),
                )
    return None


def _heap_tie(detail: str, place: ws.Place, text: str, tree: ast.Module, facts: Facts) -> Finding | None:
    m = re.fullmatch(r"'[<>]=?' not supported between instances of '(?P<a>\w+)' and '(?P=a)'", detail)
    if m is None or "heapq" not in text:
        return None
    pushes = [
        n for n in ast.walk(tree)
        if flow.calls(n, "heappush") and isinstance(n, ast.Call) and len(n.args) == 2
        and isinstance(n.args[1], ast.Tuple)
    ]  # fmt: skip
    if len(pushes) != 1:
        return None
    line = pushes[0].lineno
    return Finding(
        f"The heap compares its tuples item by item: two entries with the same priority (line {line}) go on to "
        f"compare their {m['a']}s, which have no order. Add a tie-breaker between them: (priority, next(counter), "
        "item), with counter = itertools.count().",
        ws.Place(place.path, line),
        headline=headline("equal priorities compare the items: add a counter"),
    )


def _first_row_fields(detail: str, place: ws.Place, text: str, tree: ast.Module, facts: Facts) -> Finding | None:
    m = re.fullmatch(r"dict contains fields not in fieldnames: (?P<fields>.+)", detail)
    if m is None:
        return None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        source = ast.get_source_segment(text, node.value)
        if source and re.search(r"\[0\]\.keys\(\)", source):
            return Finding(
                f"The fieldnames come from the first row only ({source}, line {node.lineno}), and a later row has "
                f"more keys ({m['fields']}). Collect the keys of every row, in order: "
                "list(dict.fromkeys(k for row in rows for k in row)).",
                ws.Place(place.path, node.lineno),
                headline=headline("fieldnames from the first row only"),
            )
    return None


def _json_file(detail: str, facts: Facts) -> Finding | None:
    """The workspace's JSON file that fails to parse with exactly this error, when the error is a trailing comma (a
    hand edit): placed at the comma in that file."""
    failing: list[tuple[Path, json.JSONDecodeError]] = []
    for n, path in enumerate(ws.workspace_files(facts.root, {".json"})):
        if n >= MAX_FILES:
            break
        try:
            if path.stat().st_size <= MAX_JSON_BYTES:
                json.loads(path.read_text())
        except json.JSONDecodeError as e:
            if str(e) == detail:
                failing.append((path, e))
        except (OSError, UnicodeDecodeError):
            continue
    if len(failing) != 1:
        return None
    path, e = failing[0]
    before = e.doc[: e.pos].rstrip()
    if not (before.endswith(",") and e.doc[e.pos : e.pos + 1] in "}]"):
        return None  # empty, single-quoted or with a BOM: the program that wrote or read it is the cause, not the file
    line = before.count("\n") + 1
    return Finding(
        f"{path.name} has a comma after its last item (line {line}), and JSON allows none there. Remove it.",
        ws.Place(path, line),
        headline=headline(f"a trailing comma in {path.name}"),
    )
