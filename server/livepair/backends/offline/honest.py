"""Honest hints: what the error says in plain words, where, and what the advisor could not tell.

A catalogue entry that only restates the error (GENERIC) is never dressed as a diagnosis: when no judge added a
checked fact, the advice becomes an honest hint. KeyError and a rejected API key get their own evidence here:
the keys that exist (read from the JSON file the code loaded), and where the key came from.
"""

from __future__ import annotations

import ast
import json
import re

from livepair.backends.offline import flow
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.catalogue import Match
from livepair.backends.offline.edits import line_of
from livepair.backends.offline.enrich import Facts, Finding, Proposal, checked, headline

HONEST = "I can't tell the cause from here"
DEEPER = "With a Gemini API key, the senior dev can look deeper."
# Entries whose words restate the error (the operation, not what made the value wrong): without a judge's
# checked fact they are honest hints, never diagnoses.
GENERIC = {
    "type-error", "value-error", "none-attribute", "attribute-error", "key-error", "json-decode-error",
    "syntax-error", "connection-error", "index-error", "http-400", "http-error", "not-callable", "unpack",
    "zero-division", "recursion-error", "assertion-error", "stop-iteration", "overflow-error", "missing-argument",
    "int-from-text", "datetime-format", "csv-error", "timeout", "subprocess-timeout", "sqlite-syntax",
    "sqlite-constraint", "sqlite-no-column", "sqlite-open", "sqlite-bindings", "permission-error",
    "called-process-error", "unicode-decode-error", "unicode-encode-error", "import-error", "http-401", "http-403",
    "http-404", "no-such-file-shell", "shell-syntax", "api-key-invalid", "permission-denied", "unbound-local",
    "naive-aware-datetime", "coroutine-not-awaited",
}  # fmt: skip
PLACEHOLDER = re.compile(r"(?i)your|xxx|placeholder|changeme|replace|insert|<.*>|example|dummy|todo")


def hint(plain: str, place: ws.Place | None, unknown: str) -> Finding:
    where = f" (line {place.line})" if place else ""
    return Finding(f"{plain.rstrip('.')}{where}. {HONEST}: {unknown}. {DEEPER}", place)


def unless_specific(found: Finding, match: Match, cwd: str) -> Finding:
    """The catalogue's finding, or an honest hint when it only restates a generic error."""
    if match.entry.id not in GENERIC or found.message.strip() != match.text(cwd=cwd).strip():
        return found
    plain = " ".join(s for s in re.split(r"(?<=\.) ", found.message) if ".get(" not in s)  # no default-swallowing
    return hint(plain, found.place, "the error names the operation, not where the wrong value came from")


def key_error(facts: Facts, place: ws.Place | None, key: str) -> Finding | None:
    """A KeyError: the keys that exist (when the dict's data is visible), the path of a nested key, or a hint."""
    text = facts.read(place.path) if place else None
    tree = flow.parse(text) if text else None
    if place is None or text is None or tree is None:
        return None
    code = line_of(text, place.line) or ""
    k = re.escape(key)
    m = re.search(rf"(?P<var>\w+)\[\s*(?P<k>(?P<q>['\"]){k}(?P=q)|{k})\s*\](?P<aug>\s*[-+*/]=)?", code)
    if m is None or m["var"] == "environ":
        return None
    var, shown = m["var"], m["k"]
    data = _data(facts, tree, text, var, place.line)
    if not isinstance(data, dict) or (not m["aug"] and _filled_later(tree, var)):  # what it holds is not shown
        return hint(
            f"The dictionary '{var}' has no key {shown}",
            place,
            f"I can't see the data it holds: print({var}.keys()) to see which keys exist; a nested value needs "
            "each level, e.g. data['outer']['inner']",
        )
    keys = ", ".join(repr(k) for k in data) or "none yet"
    made = flow.last_assignment(tree, text, var, place.line)
    if m["aug"] and made is not None and isinstance(made.value, ast.Dict):  # a tally the code starts empty itself
        return Finding(
            f"'{var}' has no key {shown} yet, and {var}[{shown}]{m['aug'].strip()} reads it first. Start it at 0: "
            f"{var}[{shown}] = {var}.get({shown}, 0) + 1, or make {var} a collections.Counter.",
            place,
            headline=headline(f"{var}[{shown}] is read before it is set", f"The key {shown} is read before it is set"),
        )
    path = _find_key(data, key)
    if path is None or len(path) == 1:
        return Finding(
            f"'{var}' has no key {shown} at any level; the keys it has are {keys}. Check the key's spelling, or add "
            f"it where {var} comes from (a default there would hide the missing data).",
            place,
            headline=headline(f"'{var}' has no {shown}; it has {keys}", f"'{var}' has no key {shown}", "No such key"),
        )
    full = var + "".join(f"[{p!r}]" for p in path)
    message = f"{shown} is not at the top of '{var}' (its keys are {keys}); it is nested: {full}."
    old = f"{var}[{shown}]"
    patched = "".join(
        line.replace(old, full.replace("'", m["q"] or "'"), 1) if n == place.line else line
        for n, line in enumerate(text.splitlines(keepends=True), 1)
    )
    cause = headline(f"{shown} is nested: {full}", f"{shown} is nested, not at the top")
    return checked(Finding(message, place, None, Proposal(text, patched, f"read {full}"), headline=cause))


def _data(facts: Facts, tree: ast.Module, text: str, var: str, before: int) -> object:
    """What `var` holds when the code shows it: a dict literal, or a JSON file from the workspace it loaded."""
    assigned = flow.last_assignment(tree, text, var, before)
    if assigned is not None and isinstance(assigned.value, ast.Dict):
        try:
            data = ast.literal_eval(assigned.value)
        except ValueError:
            return None
        return data if _unchanged(tree, var, assigned.line, before) else None
    return _json_loaded(facts, tree, text, var, before)


def _unchanged(tree: ast.Module, var: str, start: int, before: int) -> bool:
    """Nothing between the two lines adds or removes keys of `var` (else its literal is not what it holds)."""
    for node in ast.walk(tree):
        if not start < getattr(node, "lineno", 0) < before:
            continue
        target = node.value if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store | ast.Del) else None
        method = node.func if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) else None
        if method is not None and method.attr in ("pop", "popitem", "update", "setdefault", "clear"):
            target = method.value
        if isinstance(target, ast.Name) and target.id == var:
            return False
    return True


def _json_loaded(facts: Facts, tree: ast.Module, text: str, var: str, before: int) -> object:
    assigned = flow.last_assignment(tree, text, var, before)
    if assigned is None or "json.load" not in assigned.source:
        return None
    names = re.findall(r"open\(\s*['\"]([^'\"]+)['\"]", text)
    for name in names:
        path = facts.cwd / name
        if path.is_file() and path.suffix == ".json":
            try:
                return json.loads(path.read_text())
            except (OSError, ValueError):
                return None
    return None


def _filled_later(tree: ast.Module, var: str) -> bool:
    """`var` gets keys after it is made (var[k] = ..., var.update(...), var.setdefault(...)), maybe in a function
    or a thread: the literal it was made from does not say which keys it has when the error happens."""
    for node in ast.walk(tree):
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) else []
        )
        if any(isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name) and t.value.id == var for t in targets):
            return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("update", "setdefault", "__setitem__")
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == var
        ):
            return True
    return False


def _find_key(data: object, key: str, path: tuple[str, ...] = ()) -> tuple[str, ...] | None:
    if isinstance(data, dict):
        if key in data:
            return (*path, key)
        for k, v in data.items():
            found = _find_key(v, key, (*path, str(k)))
            if found:
                return found
    return None


def api_key(
    facts: Facts, place: ws.Place | None, said: str = "The server says the API key is not valid."
) -> Finding | None:
    """'API key not valid' (or a 401): say where the key came from, when the code shows it."""
    text = facts.read(place.path) if place else None
    tree = flow.parse(text) if text else None
    if place is None or text is None or tree is None:
        return None
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or not isinstance(node.targets[0], ast.Name):
            continue
        name = node.targets[0].id
        if not re.search(r"key|token|secret|password|auth", name, re.I):
            continue
        source = ast.get_source_segment(text, node.value) or ""
        at = ws.Place(place.path, node.lineno)
        value = node.value
        if isinstance(value, ast.Constant) and isinstance(value.value, str) and PLACEHOLDER.search(value.value):
            return Finding(
                f"{said.rstrip('.')}, and {name} on line {node.lineno} is the placeholder {value.value!r}, not a "
                "real key: put your key in an environment variable and read it from there.",
                at,
            )
        if ".read()" in source and ".strip()" not in source:
            return Finding(
                f"{said} {name} is read with .read() on line {node.lineno}, "
                "which keeps the file's trailing newline (whitespace) in the key: use .read().strip().",
                at,
            )
        env = flow.text_source(value)
        if env and env.startswith("env:"):
            var = env.split(":", 1)[1]
            default = value.args[1] if isinstance(value, ast.Call) and len(value.args) > 1 else None
            fallback = default.value if isinstance(default, ast.Constant) else None
            if isinstance(value, ast.Subscript):
                continue  # os.environ[...] would have raised KeyError: the variable is set, to a key it rejects
            sent = "an empty key is sent" if fallback == "" else f"{fallback!r} is sent in its place"
            return Finding(
                f"{said} {name} comes from {var} on line {node.lineno}: if {var} is not set in this terminal "
                f"(echo ${var}), {sent}.",
                at,
            )
    return None
