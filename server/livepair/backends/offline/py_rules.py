"""Errors whose message states a rule of Python, placed where the code breaks it: join() of numbers, text given to
a hash, random.sample() of a set, one text value as sqlite bindings, {} used as a set, a mutable dataclass default,
__eq__ without __hash__, a subclass __init__ that skips its parent's, an abstract method left unimplemented.

Each speaks only when the file shows the rule broken on the line it names; otherwise the catalogue's honest hint.
"""

from __future__ import annotations

import ast
import difflib
import itertools
import re
from collections.abc import Callable

from livepair.backends.offline import edits, flow
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.probation import earned
from livepair.backends.offline.py_crash import Crash, crash, frames, proposed, replace_line

Rule = Callable[[Crash, ast.Module], Finding | None]


def join_numbers(c: Crash, tree: ast.Module) -> Finding | None:
    m = re.match(r"sequence item \d+: expected str instance, (?P<type>\w+) found", c.detail)
    call = re.search(r"\.join\((?P<arg>[^()]*(?:\([^()]*\))?[^()]*)\)", c.code) if m else None
    if m is None or call is None:
        return None
    arg = call["arg"].strip()
    message = (
        f"join() takes text only, and {arg} holds {m['type']} values: convert each to text first, "
        f".join(map(str, {arg})) (or an f-string per item)."
    )
    fixed = c.code.replace(call.group(0), f".join(map(str, {arg}))", 1)
    return proposed(message, c.place, c.text, replace_line(c.text, c.place.line, fixed), "join the numbers as text")


def text_hashed(c: Crash, tree: ast.Module) -> Finding | None:
    if "Strings must be encoded before hashing" not in c.detail:
        return None
    call = re.search(r"(?:hashlib\.\w+|\.update|\bnew)\((?P<arg>[\w.\[\]'\"]+)\)", c.code)
    if call is None:
        return None
    arg = call["arg"]
    message = f"{arg} is text (str), and hash functions take bytes: hash {arg}.encode() (UTF-8) instead."
    fixed = c.code.replace(call.group(0), call.group(0).replace(f"({arg})", f"({arg}.encode())"), 1)
    return proposed(message, c.place, c.text, replace_line(c.text, c.place.line, fixed), "encode the text")


def sample_of_set(c: Crash, tree: ast.Module) -> Finding | None:
    call = re.search(r"\bsample\((?P<arg>[\w.\[\]'\"]+)\s*,", c.code)
    if "Population must be a sequence" not in c.detail or call is None:
        return None
    arg = call["arg"]
    message = (
        f"random.sample() takes a sequence (a list or tuple) since Python 3.11, and {arg} is a set or a dict: "
        f"pass sorted({arg}) (a repeatable order) or list({arg})."
    )
    fixed = c.code.replace(call.group(0), call.group(0).replace(arg, f"list({arg})", 1), 1)
    return proposed(message, c.place, c.text, replace_line(c.text, c.place.line, fixed), "sample from a list")


def one_text_binding(c: Crash, tree: ast.Module) -> Finding | None:
    m = re.search(r"The current statement uses 1, and there are (?P<n>\d+) supplied", c.detail)
    call = re.search(r"\.execute\(\s*(?P<sql>(?P<q>['\"]).*?(?P=q))\s*,\s*(?P<arg>\(?[\w.\[\]'\" ]+\)?)\s*\)", c.code)
    if m is None or call is None or int(m["n"]) < 2:
        return None
    arg = call["arg"].strip()
    inner = arg[1:-1].strip() if arg.startswith("(") and arg.endswith(")") else arg
    made = flow.last_assignment(tree, c.text, inner, c.place.line) if inner.isidentifier() else None
    if made is not None and isinstance(made.value, ast.List | ast.Tuple | ast.ListComp):
        return None  # several rows or values: executemany() or the statement's ? count is the question
    message = (
        f"The statement has one ? and execute() reads its values as a sequence, so {arg} counts as {m['n']} values "
        f"(a string is a sequence of its characters). Pass a one-item tuple: ({inner},)."
    )
    fixed = c.code[: call.start("arg")] + f"({inner},)" + c.code[call.end("arg") :]
    return proposed(message, c.place, c.text, replace_line(c.text, c.place.line, fixed), "a one-item tuple")


def braces_not_a_set(c: Crash, tree: ast.Module) -> Finding | None:
    m = re.fullmatch(r"'dict' object has no attribute '(?P<attr>add|discard|union|intersection)'", c.detail)
    used = re.search(rf"(?P<name>(?:self\.)?\w+)\.{m['attr']}\(", c.code) if m else None
    if used is None:
        return None
    name = used["name"]
    lines = c.text.splitlines()
    made = next(
        (n for n in range(c.place.line - 1, 0, -1) if re.match(rf"\s*{re.escape(name)}\s*(?::[^=]+)?=\s*{{}}\s*(#.*)?$",
                                                              lines[n - 1])),
        None,
    )  # fmt: skip
    if made is None:
        return None
    message = (
        f"{name} = {{}} on line {made} makes an empty dict, not a set ({{}} is a dict in Python), so line "
        f"{c.place.line} finds no .{m['attr'] if m else ''}(). "
        f"Make an empty set with set(): {name} = set()."
    )
    fixed = re.sub(r"\{\}", "set()", lines[made - 1], count=1)
    return proposed(message, ws.Place(c.place.path, made), c.text, replace_line(c.text, made, fixed), "set()")


def _class(tree: ast.Module, name: str) -> ast.ClassDef | None:
    return next((n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == name), None)


def _methods(cls: ast.ClassDef) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    return {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}


def eq_without_hash(c: Crash, tree: ast.Module) -> Finding | None:
    m = re.fullmatch(r"unhashable type: '(?P<cls>\w+)'", c.detail)
    cls = _class(tree, m["cls"]) if m else None
    methods = _methods(cls) if cls else {}
    if cls is None or "__eq__" not in methods or "__hash__" in methods:
        return None
    eq = methods["__eq__"]
    return Finding(
        f"{cls.name} defines __eq__ (line {eq.lineno}) and no __hash__, and a class that defines __eq__ alone gets "
        f"__hash__ = None: its objects cannot go in a set or be dict keys. Add a __hash__ that hashes the same "
        f"fields __eq__ compares, e.g. def __hash__(self): return hash((self.a, self.b)).",
        ws.Place(c.place.path, eq.lineno),
    )


def init_skips_parent(c: Crash, tree: ast.Module) -> Finding | None:
    m = re.fullmatch(r"'(?P<cls>\w+)' object has no attribute '(?P<attr>\w+)'", c.detail)
    cls = _class(tree, m["cls"]) if m else None
    init = _methods(cls).get("__init__") if cls else None
    if m is None or cls is None or init is None or "super()" in (ast.get_source_segment(c.text, init) or ""):
        return None
    for base in (b.id for b in cls.bases if isinstance(b, ast.Name)):
        parent = _class(tree, base)
        parent_init = _methods(parent).get("__init__") if parent else None
        sets = parent_init is not None and re.search(
            rf"self\.{m['attr']}\s*(?::[^=]+)?=", ast.get_source_segment(c.text, parent_init) or ""
        )
        if parent_init is not None and sets:
            return Finding(
                f"{cls.name}.__init__ (line {init.lineno}) replaces {base}.__init__ and never calls it, so "
                f"self.{m['attr']} (set in {base}.__init__, line {parent_init.lineno}) is never made. Call "
                f"super().__init__(...) at the start of {cls.name}.__init__.",
                ws.Place(c.place.path, init.lineno),
            )
    return None


def abstract_left(c: Crash, tree: ast.Module) -> Finding | None:
    m = re.match(r"Can't instantiate abstract class (?P<cls>\w+) with abstract methods? (?P<names>[\w, ]+)", c.detail)
    cls = _class(tree, m["cls"]) if m else None
    if m is None or cls is None:
        return None
    missing = [n.strip() for n in m["names"].split(",") if n.strip() and not n.strip().startswith("_")]
    if not missing:
        return None
    name, methods = missing[0], _methods(cls)
    close = difflib.get_close_matches(name, list(methods), n=1, cutoff=0.75)
    if close:
        typo = methods[close[0]]
        message = (
            f"{cls.name} defines {close[0]} (line {typo.lineno}), not {name}, so the abstract method {name} is still "
            f"not implemented and {cls.name} cannot be made: rename it to {name}."
        )
        new = re.sub(rf"\bdef {close[0]}\b", f"def {name}", c.text.splitlines()[typo.lineno - 1], count=1)
        return proposed(message, ws.Place(c.place.path, typo.lineno), c.text,
                        replace_line(c.text, typo.lineno, new), f"rename to {name}")  # fmt: skip
    return Finding(
        f"{cls.name} does not implement {name}, which its base class declares abstract (@abstractmethod), so "
        f"{cls.name} cannot be made: define {name} in {cls.name} (line {cls.lineno}).",
        ws.Place(c.place.path, cls.lineno),
    )


def mutable_field(c: Crash, tree: ast.Module) -> Finding | None:
    m = re.search(r"mutable default <class '(?P<type>[\w.]+)'> for field (?P<field>\w+) is not allowed", c.detail)
    if m is None:
        return None
    fields = [
        stmt
        for cls in sorted((n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)), key=lambda n: n.lineno)
        for stmt in cls.body
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None
        and stmt.target.id == m["field"] and not isinstance(stmt.value, ast.Constant) and "field(" not in
        (ast.get_source_segment(c.text, stmt.value) or "")
    ]  # fmt: skip
    # the class the traceback points at first (its decorator or class line); the others get the same fix
    fields.sort(key=lambda f: abs(f.lineno - c.place.line))
    if not fields or fields[0].value is None:
        return None
    first = fields[0]
    src = ast.get_source_segment(c.text, first.value) or "" if first.value is not None else ""
    factory = {"[]": "list", "{}": "dict"}.get(src.replace(" ", "")) or f"lambda: {src}"
    message = (
        f"The dataclass field {m['field']} (line {first.lineno}) has the default {src}, one mutable object every "
        f"instance would share, which dataclasses refuses: give each instance its own with "
        f"field(default_factory={factory}) (from dataclasses import field), or make the class frozen."
    )
    patched = c.text
    for stmt in fields:
        code = patched.splitlines()[stmt.lineno - 1]
        patched = replace_line(patched, stmt.lineno, code.replace(f"= {src}", f"= field(default_factory={factory})", 1))
    patched = edits.ensure_import(patched, "from dataclasses import field", "field")
    return proposed(message, ws.Place(c.place.path, first.lineno), c.text, patched, "default_factory")


def gather_functions(c: Crash, tree: ast.Module) -> Finding | None:
    call = re.search(r"\bgather\((?P<args>[\w\s,]+)\)", c.code)
    if "a coroutine or an awaitable is required" not in c.detail or call is None:
        return None
    names = [a.strip() for a in call["args"].split(",") if a.strip()]
    if not names or not set(names) <= flow.async_functions(tree):
        return None
    called = ", ".join(f"{n}()" for n in names)
    message = (
        f"asyncio.gather() takes coroutines, what calling an async function gives, and {', '.join(names)} "
        f"{'is the function' if len(names) == 1 else 'are the functions'} themselves, never called: call them, "
        f"gather({called})."
    )
    fixed = c.code.replace(call.group(0), f"gather({called})", 1)
    return proposed(message, c.place, c.text, replace_line(c.text, c.place.line, fixed), "call the coroutines")


NOT_STRIPPED = re.compile(r"\.(?:read|readline)\(\)(?!\s*\.\s*(?:strip|rstrip)\()")


def no_row(c: Crash, tree: ast.Module) -> Finding | None:
    """fetchone() gave None: the query matched no row (and a value read with its newline is why, when shown)."""
    if not c.detail.startswith("'NoneType' object") or ".fetchone()" not in c.code:
        return None
    lines = c.text.splitlines()
    at = next((n for n in range(c.place.line, max(c.place.line - 6, 0), -1) if ".execute(" in lines[n - 1]), None)
    params = re.search(r",\s*\((?P<names>[\w\s,]+)\)\s*\)", lines[at - 1]) if at else None
    for name in (p.strip() for p in (params["names"].split(",") if params else []) if p.strip()):
        made = flow.last_assignment(tree, c.text, name, at or c.place.line) if name.isidentifier() else None
        if made is None or not NOT_STRIPPED.search(made.source):
            continue
        message = (
            f"{name} is read on line {made.line} with its file's trailing newline (\\n), so the query on line {at} "
            f"looks for a value with a newline in it, matches no row, and fetchone() gives None. Strip it where it "
            f"is read: .strip()."
        )
        fixed = NOT_STRIPPED.sub(lambda m: m.group(0) + ".strip()", lines[made.line - 1], count=1)
        return proposed(message, ws.Place(c.place.path, made.line), c.text,
                        replace_line(c.text, made.line, fixed), "strip the newline")  # fmt: skip
    return Finding(
        f"fetchone() gives None when the query matched no row, and line {c.place.line} uses that None as a row: no "
        "row matches these values (print them, and what the table holds), or the table is empty.",
        c.place,
    )


# right on 2 of the 2 unseen cases it spoke on (probation.py)
@earned(2, 2)
def escape_in_replacement(c: Crash, tree: ast.Module) -> Finding | None:
    """re.sub() read a backslash in its replacement (a Windows path, data) as an escape: \\U, \\d..."""
    m = re.match(r"bad escape (?P<esc>\\\w)", c.detail)
    call = next(
        (n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
         and n.func.attr in ("sub", "subn") and n.lineno <= c.place.line <= (n.end_lineno or n.lineno)
         and len(n.args) >= 3),
        None,
    )  # fmt: skip
    if m is None or call is None or c.kind != "error":
        return None
    repl = ast.get_source_segment(c.text, call.args[1]) or ""
    message = (
        f"re.{'subn' if 'subn(' in c.code else 'sub'}() reads backslashes in its replacement as escapes, and the "
        f"replacement {repl} holds "
        f"text with a backslash ({m['esc']}, e.g. from a Windows path), which is no valid escape. Pass the "
        f"replacement as a function so it is used as it is: lambda _m: {repl}."
    )
    patched = None
    if not isinstance(call.args[1], ast.Constant) and call.args[1].lineno == call.args[1].end_lineno == c.place.line:
        code = c.text.splitlines()[c.place.line - 1]
        patched = replace_line(c.text, c.place.line, code.replace(repl, f"lambda _m: {repl}", 1))
    return proposed(message, c.place, c.text, patched, "the replacement as a function")


def _re_error(facts: Facts) -> Crash | None:
    """re.error is named in lower case, so the common crash reading misses it."""
    m = re.search(r"^re\.error: (?P<detail>.*)$", facts.output, re.M)
    where = frames(facts)
    return Crash("error", m["detail"], where, facts.read(where[-1].path) or "") if m and where else None


MAX_FILES = 200  # workspace files searched for the class an error names
CLASS_RULES: list[Rule] = [eq_without_hash, init_skips_parent, abstract_left]
RULES: list[Rule] = [escape_in_replacement, no_row, gather_functions, join_numbers, text_hashed, sample_of_set,
                     one_text_binding, braces_not_a_set, mutable_field, eq_without_hash, init_skips_parent,
                     abstract_left]  # fmt: skip


def advise(facts: Facts) -> Finding | None:
    c = crash(facts) or _re_error(facts)
    if c is None:
        return None
    # a class or a field may sit in another file of the traceback than the crash line, or in one it imported
    places = list(reversed(frames(facts)))
    named = re.search(r"(?:type|class)\W+(?P<a>[A-Z]\w*)|'(?P<b>[A-Z]\w*)' object", c.detail)
    if named:
        defines = re.compile(rf"^class {named['a'] or named['b']}\b", re.M)
        places += [
            ws.Place(p, 1)
            for p in itertools.islice(ws.workspace_files(facts.root, {".py"}), MAX_FILES)
            if p not in {q.path for q in places} and defines.search(facts.read(p) or "")
        ]
    for place in places:
        text = facts.read(place.path)
        tree = flow.parse(text) if text else None
        if text is None or tree is None:
            continue
        here = Crash(c.kind, c.detail, [place], text) if place != c.place else c
        for rule in RULES if place == c.place or place in c.frames else CLASS_RULES:
            found = rule(here, tree)
            if found is not None:
                return found
    return None
