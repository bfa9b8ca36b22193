"""`Object of type X is not JSON serializable`: follow the value json was given back to where the X was made (a
numpy number, a datetime, a set, a map or generator, a function not called) and convert it there.

Never `default=str`: it turns the error into data written as text (numbers become strings), which hides it.
When the code does not show where the value was made, an honest hint says what json can write.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from livepair.backends.offline import flow, honest
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.probation import on_probation
from livepair.backends.offline.py_crash import Crash, crash, proposed

NOT_SERIALIZABLE = re.compile(r"Object of type (?P<type>\w+) is not JSON serializable")
NUMPY_ROOTS = {"np", "numpy", "pd", "pandas"}
NUMPY_NUMBERS = {
    **{f"{k}{bits}": k for k in ("int", "uint") for bits in (8, 16, 32, 64)},
    **{f"float{bits}": "float" for bits in (16, 32, 64, 128)},
    "intc": "int", "intp": "int", "longlong": "int", "float_": "float", "double": "float", "bool_": "bool",
}  # fmt: skip
# numpy/pandas calls that make arrays, tables or generators, or Python values: not where a numpy number is made
NOT_NUMBERS = {"array", "asarray", "arange", "zeros", "ones", "empty", "full", "linspace", "zeros_like", "ones_like",
               "default_rng", "RandomState", "seed", "reshape", "concatenate", "stack", "where", "load", "loadtxt",
               "genfromtxt", "read_csv", "read_json", "read_excel", "DataFrame", "Series", "tolist",
               "item"}  # fmt: skip
PATHS = {"PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath"}
PATH_CALLS = {"Path", "PosixPath", "PurePath", "resolve", "absolute", "with_suffix", "with_name", "joinpath", "cwd",
              "home", "expanduser"}  # fmt: skip
DATETIMES = {"datetime", "date", "time", "timedelta"}
DATETIME_CALLS = {"datetime", "date", "time", "timedelta", "strptime", "now", "utcnow", "today", "fromtimestamp",
                  "fromisoformat", "combine"}  # fmt: skip
SETS = {"set", "frozenset"}
SET_METHODS = {"union", "intersection", "difference", "symmetric_difference"}
LAZY = {"map", "filter", "zip", "range", "reversed", "enumerate"}
VIEWS = {"dict_keys": "keys", "dict_values": "values", "dict_items": "items"}
WRITES = "json writes dicts, lists, text, numbers, True/False and None only"
DEPTH = 6  # names followed back, at most
Makes = Callable[[ast.expr], bool]


def advise(facts: Facts) -> Finding | None:
    c = crash(facts)
    m = NOT_SERIALIZABLE.search(c.detail) if c is not None and c.kind == "TypeError" else None
    tree = c.tree if c is not None else None
    if c is None or m is None or tree is None:
        return None
    kind = m["type"]
    makes = _maker(kind, tree) if _known(kind, tree) else None
    made = makes and (_traced(tree, c.text, c.place.line, makes) or _only(tree, makes))
    if made is None:
        return honest.hint(
            f"json cannot write a {kind}: {WRITES}",
            c.place,
            f"where the {kind} in this data was made (convert it there)",
        )
    return _convert_where_made(kind, made, c)


# right on 0 of the 1 unseen cases it spoke on (probation.py)
@on_probation("which of the places that make the value is the one this data holds")
def _convert_where_made(kind: str, made: ast.expr, c: Crash) -> Finding:
    source = ast.get_source_segment(c.text, made) or ""
    line = made.lineno
    message, new = _advice(kind, source, line, c.place.line)
    patched = None
    if new is not None and made.end_lineno == line:
        patched = _replace(c.text, made, new)
    return proposed(message, ws.Place(c.place.path, line), c.text, patched, f"convert the {kind} where it is made")


def _known(kind: str, tree: ast.Module) -> bool:
    classes = {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    known = kind in NUMPY_NUMBERS or kind in DATETIMES or kind in SETS or kind in LAZY or kind in VIEWS or kind in PATHS
    return known or kind in ("ndarray", "generator", "function", "Decimal") or kind in classes


def _maker(kind: str, tree: ast.Module) -> Makes:
    numpyish = _numpy_names(tree)
    functions = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}

    def makes(node: ast.expr) -> bool:
        if kind in NUMPY_NUMBERS or kind == "ndarray":
            if not isinstance(node, ast.Call | ast.Subscript) or _root(node) not in numpyish:
                return False
            if isinstance(node, ast.Subscript):  # arr[0] is a number, arr[1:] an array, df["col"] a column
                text_key = isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)
                sliced = isinstance(node.slice, ast.Slice)
                return not text_key and (sliced if kind == "ndarray" else not sliced)
            made = _called(node)
            if kind == "ndarray":
                return made not in ("default_rng", "RandomState", "seed", "tolist", "item")
            return made not in NOT_NUMBERS and not any(k.arg in ("size", "shape") for k in node.keywords)
        if kind in PATHS:
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                return makes(node.left)
            return isinstance(node, ast.Call) and _called(node) in PATH_CALLS
        if kind in DATETIMES:
            return isinstance(node, ast.Call) and _called(node) in DATETIME_CALLS
        if kind in SETS:
            if isinstance(node, ast.Set | ast.SetComp):
                return True
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub | ast.BitOr | ast.BitAnd | ast.BitXor):
                return makes(node.left) or makes(node.right)
            return isinstance(node, ast.Call) and _called(node) in SETS | SET_METHODS
        if kind in LAZY:
            return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == kind
        if kind in VIEWS:
            return isinstance(node, ast.Call) and _called(node) == VIEWS[kind] and not node.args
        if kind == "generator":
            return isinstance(node, ast.GeneratorExp)
        if kind == "function":
            return isinstance(node, ast.Name) and node.id in functions
        return isinstance(node, ast.Call) and _called(node) == kind  # Decimal, or a class of this file

    return makes


def _traced(tree: ast.Module, text: str, line: int, makes: Makes) -> ast.expr | None:
    """The maker inside what the json call on `line` was given, following names back through assignments."""
    for call in ast.walk(tree):
        if (
            isinstance(call, ast.Call)
            and call.lineno <= line <= (call.end_lineno or call.lineno)
            and _called(call) in ("dump", "dumps")
            and call.args
        ):
            return _find(call.args[0], tree, text, line, makes, DEPTH)
    return None


def _find(node: ast.expr, tree: ast.Module, text: str, line: int, makes: Makes, depth: int) -> ast.expr | None:
    if makes(node):
        return node
    if depth == 0:
        return None
    if isinstance(node, ast.Name):
        assigned = flow.last_assignment(tree, text, node.id, line)
        found = _find(assigned.value, tree, text, assigned.line, makes, depth - 1) if assigned else None
        for value, at in [] if found else _stored(tree, node.id, line):
            found = found or _find(value, tree, text, at, makes, depth - 1)
        return found
    if isinstance(node, ast.Dict):
        parts: list[ast.expr] = [v for v in node.values if v is not None]
    elif isinstance(node, ast.List | ast.Tuple | ast.Set):
        parts = list(node.elts)
    elif isinstance(node, ast.DictComp):
        parts = [node.value]
    elif isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp):
        parts = [node.elt]
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("dict", "list"):
        parts = [*node.args, *(k.value for k in node.keywords)]
    else:
        return None
    for part in parts:
        found = _find(part, tree, text, line, makes, depth - 1)
        if found is not None:
            return found
    return None


def _stored(tree: ast.Module, name: str, before: int) -> list[tuple[ast.expr, int]]:
    """Values put into `name` before line `before`: name.append(v), name.add(v), name[k] = v."""
    found: list[tuple[ast.expr, int]] = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", before) >= before:
            continue
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("append", "add", "insert")
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == name
            and node.args
        ):
            found.append((node.args[-1], node.lineno))
        elif isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == name for t in node.targets
        ):
            found.append((node.value, node.lineno))
    return found


def _only(tree: ast.Module, makes: Makes) -> ast.expr | None:
    """The one maker in the file, when there is exactly one (the value went through code too twisted to follow)."""
    found = [n for n in ast.walk(tree) if isinstance(n, ast.expr) and makes(n)]
    inner = {id(d) for n in found for d in ast.walk(n) if d is not n}
    outer = [n for n in found if id(n) not in inner]
    return outer[0] if len(outer) == 1 else None


def _advice(kind: str, source: str, line: int, crash_line: int) -> tuple[str, str | None]:
    where = f"{source} on line {line}" if line != crash_line else source
    if kind in NUMPY_NUMBERS:
        py = NUMPY_NUMBERS[kind]
        return (
            f"json cannot write numpy's {kind}: {where} makes a numpy number, not a Python {py}. Convert it where "
            f"it is made: {py}({source}) (or .item(); a whole array with .tolist()).",
            f"{py}({source})",
        )
    if kind == "ndarray":
        return (
            f"json cannot write a numpy array (ndarray): {where} makes one. Convert it with .tolist() where it is "
            f"made: {source}.tolist().",
            f"{source}.tolist()" if re.fullmatch(r"[\w.]+\(.*\)|[\w.]+", source, re.S) else None,
        )
    if kind in DATETIMES:
        return (
            f"json cannot write a {kind}: {where} makes one. Write it as text where the data is built: "
            f"{source}.isoformat() (or .strftime(...)), and read it back with {kind}.fromisoformat().",
            None,
        )
    if kind in SETS:
        return (
            f"json cannot write a {kind}: {where} makes one. Give json a list: sorted({source}) (or list(...)) "
            "where the data is built.",
            None,
        )
    if kind in LAZY or kind in VIEWS or kind == "generator":
        return (
            f"json cannot write a {kind}: {where} makes a lazy {kind}, not a list. Give json list({source}).",
            None,
        )
    if kind == "function":
        return (
            f"json was given the function {source} itself (line {line}), not what it returns: call it, {source}(...).",
            None,
        )
    if kind in PATHS:
        return (
            f"json cannot write a path ({kind}): {where} makes one. Give json its text: str({source}) where the "
            "data is built.",
            None,
        )
    if kind == "Decimal":
        return (
            f"json cannot write a Decimal: {where} makes one. Convert it where the data is built: float(...) for a "
            "number (or str(...) to keep every digit, if the reader expects text).",
            None,
        )
    return (
        f"json cannot write your class {kind}: {where} makes one. Give json a dict of its fields instead "
        "(dataclasses.asdict(...) for a dataclass, or a to_dict() method).",
        None,
    )


def _numpy_names(tree: ast.Module) -> set[str]:
    """numpy/pandas and the names assigned from them (rng = np.random.default_rng(), df = pd.read_csv(...))."""
    names = set(NUMPY_ROOTS)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names |= {a.asname or a.name for a in node.names if (a.name.split(".")[0] in ("numpy", "pandas"))}
    for _ in range(3):
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and _root(node.value) in names:
                names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _root(node: ast.expr) -> str | None:
    while isinstance(node, ast.Call | ast.Attribute | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _called(call: ast.Call) -> str:
    f = call.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _replace(text: str, node: ast.expr, new: str) -> str:
    """`text` with `node` (on one line) replaced by `new` (AST columns count UTF-8 bytes)."""
    lines = text.splitlines(keepends=True)
    raw = lines[node.lineno - 1].encode()
    patched = raw[: node.col_offset] + new.encode() + raw[node.end_col_offset or len(raw) :]
    lines[node.lineno - 1] = patched.decode()
    return "".join(lines)
