"""Node.js's "Cannot read properties of undefined" and JSON.parse(undefined): why the value is undefined, when the
code shows it (a declaration without a value, an unset environment variable, an un-awaited async call, a loop one
past the end, or node_trace.py's trace through parameters, returns and objects); else an honest hint.
"""

from __future__ import annotations

import json
import re

from livepair.backends.offline import honest, node_code, node_trace
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import line_of
from livepair.backends.offline.enrich import Facts, Finding

UNDEFINED = re.compile(
    r"Cannot (?P<op>read|set) properties of (?:undefined|null) \((?:reading|setting) '(?P<prop>[^']+)'\)"
)


def undefined_value(
    kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str
) -> Finding | None:
    m = UNDEFINED.search(msg)
    if m is None or where is None:
        return None
    text = where.path.read_text()
    prop = m["prop"]
    expr = re.search(rf"(?P<expr>[\w$]+(?:\.[\w$]+|\[[^\]]+\])*)\.{re.escape(prop)}\b", line_of(text, where.line) or "")
    if expr is None:
        return None
    var = re.match(r"[\w$]+", expr["expr"])
    found = _declared(text, var[0] if var else "", where, prop, facts) or _past_the_end(text, expr["expr"], where)
    if found is not None:
        return found
    env = re.fullmatch(r"process\.env\.(\w+)", expr["expr"])
    loaded = node_code.env_file(env[1], facts) if env else None
    if env:  # undefined there means exactly that: the variable is not set
        loaded = loaded or f": set {env[1]} before running (export {env[1]}=...)."
        return Finding(f"{env[1]} is not set in the environment, so {expr['expr']} is undefined{loaded}", where)
    traced = node_trace.origin(text, expr["expr"], where.line, lambda name, how: _json_data(facts, where, name, how))
    if traced is not None:
        return Finding(f"{traced.why}.", ws.Place(where.path, traced.line))
    return honest.hint(
        f"{expr['expr']} is undefined where line {where.line} reads .{prop}",
        where,
        f"where {expr['expr']} gets its value",
    )


def _json_data(facts: Facts, where: ws.Place, name: str, how: str) -> object:
    """The data of a JSON file the code loads: require() is relative to the file, readFileSync to the cwd."""
    path = (where.path.parent if how == "require" else facts.cwd) / name
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _declared(text: str, var: str, where: ws.Place, prop: str, facts: Facts) -> Finding | None:
    """The value's declaration shows why it is undefined: no value, an unset variable, an un-awaited call."""
    decl = node_trace.declaration(text, var, where.line + 1) if var else None
    if decl is None or node_trace.assigned_later(text, var, decl[0]):
        return None  # no single declaration, or a later assignment: which value it held here is not shown
    at = ws.Place(where.path, decl[0])
    rhs = (decl[1] or "").strip().rstrip(";")
    env = re.fullmatch(r"process\.env\.(\w+)", rhs)
    call = re.fullmatch(r"(\w+)\(.*\)", rhs)
    uses = f"line {where.line} uses {var}" + (f".{prop}" if prop else "")
    if not rhs:
        message = f"{var} is declared on line {at.line} without a value, so it is undefined when {uses}: give it one."
        return Finding(message + f" (e.g. let {var} = {{}})", at)
    if env:
        message = f"{env[1]} is not set in the environment, so process.env.{env[1]} is undefined when {uses}"
        return Finding(message + (node_code.env_file(env[1], facts) or f": set {env[1]} before running."), at)
    if call and re.search(rf"async\s+function\s+{call[1]}\b", text):
        message = f"{call[1]}() is async, so it returns a Promise, not the value, and {uses}"
        return Finding(message + f": write await {call[1]}() (inside an async function).", at)
    return None


def _past_the_end(text: str, expr: str, where: ws.Place) -> Finding | None:
    """array[i] in a loop that runs i up to array.length with <=: the last turn reads past the end."""
    index = re.search(r"\[(?P<i>\w+)\]", expr)
    if index is None:
        return None
    i = index["i"]
    loop = re.search(rf"for\s*\(\s*let\s+{i}\s*=\s*0;\s*{i}\s*<=\s*(?P<arr>[\w$.]+)\.length", text)
    if loop is None:
        return None
    at = ws.Place(where.path, text[: loop.start()].count("\n") + 1)
    return Finding(
        f"The loop on line {at.line} runs {i} up to {loop['arr']}.length with <=, one past the last index, where "
        f"the element is undefined: use {i} < {loop['arr']}.length.",
        at,
    )


def undefined_json(
    kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str
) -> Finding | None:
    if '"undefined" is not valid JSON' not in msg or where is None:
        return None
    text = where.path.read_text()
    arg = re.search(r"JSON\.parse\(\s*(?P<var>[\w$]+)\s*\)", line_of(text, where.line) or "")
    return _declared(text, arg["var"], where, "", facts) if arg else None
