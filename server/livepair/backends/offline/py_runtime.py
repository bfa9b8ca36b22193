"""Python failures where the traceback shows the symptom and the code the cause: a property setter that sets
itself, an event loop closed and used again or a loop-bound object used from another loop, time.sleep blocking the
loop under a timeout, and a 403 for a request that sends no credentials at all."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from livepair.backends.offline import flow, honest
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import line_of
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.py_crash import crash, first_finding, proposed, replace_line

CREDENTIALS = re.compile(r"(?i)authorization|api[_-]?key|token|auth=|password|bearer|x-goog|\?key=")


def _property_made_with(tree: ast.Module, setter: str) -> str | None:
    """The property name for `name = property(getter, setter)` (or fset=setter) in a class, else None."""
    for node in ast.walk(tree):
        call = node.value if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "property"):
            continue
        given = call.args[1:2] + [k.value for k in call.keywords if k.arg == "fset"]
        target = node.targets[0] if isinstance(node, ast.Assign) else None
        if isinstance(target, ast.Name) and any(isinstance(g, ast.Name) and g.id == setter for g in given):
            return target.id
    return None


def property_recursion(facts: Facts) -> Finding | None:
    """A setter that assigns its own property (self.value = ... inside @value.setter) calls itself forever."""
    c = crash(facts)
    if c is None or c.kind != "RecursionError":
        return None
    place, text = c.place, c.text
    tree = flow.parse(text)
    if tree is None:
        return None
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef) or not (node.lineno <= place.line <= (node.end_lineno or 0)):
            continue
        setter = any(isinstance(d, ast.Attribute) and d.attr == "setter" for d in node.decorator_list)
        name = node.name
        made = _property_made_with(tree, node.name)  # value = property(get_value, set_value)
        if made is not None:
            setter, name = True, made
        if not setter or f"self.{name} =" not in (line_of(text, place.line) or ""):
            continue
        if made is not None:
            return Finding(
                f"{node.name}() is the setter of the property '{name}' (property(...) with it as setter), and it "
                f"assigns self.{name} on line {place.line}, which calls the same setter again, forever. Keep the "
                f"value in another attribute: self._{name} = ... (the getter already returns self._{name} or should).",
                place,
            )
        message = (
            f"The setter of the property '{name}' assigns self.{name} on line {place.line}, which calls the same "
            f"setter again, forever. Keep the value in another attribute: self._{name} (and return self._{name} "
            "in the getter)."
        )
        own = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name]
        inside = {n for f in own for n in range(f.lineno, (f.end_lineno or f.lineno) + 1)}
        lines = text.splitlines(keepends=True)
        patched = "".join(
            re.sub(rf"\bself\.{name}\b", f"self._{name}", line) if n in inside else line
            for n, line in enumerate(lines, 1)
        )
        return proposed(message, place, text, patched, f"store the value in self._{name}")
    return None


def _kept_loop(text: str) -> int | None:
    """The one line that stores the running loop on an object or a global (`X._loop = get_running_loop()`)."""
    stored = [
        n for n, line in enumerate(text.splitlines(), 1)
        if re.search(r"(?:\w+\.\w+|^\s*global\b.*|\w+\[[^\]]+\])\s*=\s*asyncio\.get_(?:running|event)_loop\(\)", line)
    ]  # fmt: skip
    return stored[0] if len(stored) == 1 else None


def _in_a_loop(text: str) -> int:
    """1 when an asyncio.run() sits in a for/while body (it runs more than once), else 0."""
    lines = text.splitlines()
    for n, line in enumerate(lines):
        if re.match(r"\s*(?:for|while)\b.*:\s*$", line):
            indent = len(line) - len(line.lstrip())
            for body in lines[n + 1 :]:
                if body.strip() and len(body) - len(body.lstrip()) <= indent:
                    break
                if "asyncio.run(" in body:
                    return 1
    return 0


def closed_loop(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None:
        return None
    place, text = c.place, c.text
    if "Event loop is closed" in c.detail:
        lines = text.splitlines()
        closed = [
            n for n in range(1, place.line) if re.search(r"\b(\w+)\.close\(\)", lines[n - 1]) and "loop" in lines[n - 1]
        ]
        if closed:
            return Finding(
                f"The event loop was closed on line {closed[-1]} and line {place.line} uses it again; a closed loop "
                "cannot run anything. Create a new loop, or do all the async work inside one asyncio.run(main()).",
                place,
            )
        kept = _kept_loop(text)
        if kept is not None and len(re.findall(r"\basyncio\.run\(", text)) + _in_a_loop(text) > 1:
            return Finding(
                f"Line {kept} keeps the event loop for later, but each asyncio.run() makes a new loop and closes it "
                "when it returns: the next asyncio.run() finds the kept loop closed. Do not cache the loop: call "
                "asyncio.get_running_loop() where it is needed (or run everything in one asyncio.run(main())).",
                ws.Place(place.path, kept),
            )
        return honest.hint(
            f"The event loop line {place.line} uses is already closed",
            place,
            "which code closed it or kept it past the asyncio.run() that made it",
        )
    if re.search(r"bound to a different event loop|attached to a different loop", c.detail):
        return Finding(
            f"An asyncio object (a Lock, Queue, Event or a client) made under one event loop is used on line "
            f"{place.line} under another: each asyncio.run() starts a new loop. Create it inside the coroutine that "
            "uses it, or run everything in one asyncio.run(main()).",
            place,
        )
    return None


def forbidden_without_credentials(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None or "HTTP Error 403" not in c.detail:
        return None
    place, text = c.place, c.text
    if CREDENTIALS.search(text) or "User-Agent" in text:
        return None
    return Finding(
        f"The server refused the request on line {place.line} (403 Forbidden), and this code sends no credentials "
        "and Python's default User-Agent (Python-urllib). Many sites refuse that agent: send a User-Agent header "
        "that names your program (urllib.request.Request(url, headers={'User-Agent': 'my-tool/1.0'})), and check "
        "that the site allows scripts.",
        place,
    )


def unauthorized(facts: Facts) -> Finding | None:
    """A 401: the code sends credentials the server did not accept, or sends none at all (read from the code)."""
    c = crash(facts)
    if c is None or not re.search(r"HTTP Error 401|\b401\b.{0,40}Unauthori[sz]ed", c.detail, re.I):
        return None
    sent = [n for n, line in enumerate(c.text.splitlines(), 1) if CREDENTIALS.search(line)]
    if not sent:
        return Finding(
            f"The server answered 401 Unauthorized to the request on line {c.place.line}, and this code sends no "
            "credentials (no Authorization header, key or token): send them the way the API asks for.",
            c.place,
        )
    source = honest.api_key(facts, c.place, "The server answered 401 Unauthorized.")
    if source is not None:  # where the key came from shows why it was refused
        return source
    return Finding(
        f"The server answered 401 Unauthorized: it did not accept the credentials this code sends (line "
        f"{sent[0]}): the key or token is wrong, expired or revoked, or not in the form the API expects (e.g. "
        "'Bearer <token>'). Check its value where it is set, and how the API wants it sent.",
        c.place,
    )


def newline_in_header(facts: Facts) -> Finding | None:
    """A header value that ends in a newline: a key or token read from a file with .read(), not stripped."""
    c = crash(facts)
    bad = re.search(r"(?i)invalid (?:leading whitespace.*|header value).*?(?:\\r)?\\n['\"]", c.detail) if c else None
    if c is None or bad is None:
        return None
    tree = c.tree
    reads = [
        n for n in (ast.walk(tree) if tree is not None else [])
        if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)
        and ".read()" in (ast.get_source_segment(c.text, n.value) or "")
        and ".strip()" not in (ast.get_source_segment(c.text, n.value) or "")
    ]  # fmt: skip
    if not reads:
        return Finding(
            f"The header value sent on line {c.place.line} ends in a newline, which HTTP headers may not hold: "
            "strip it (value.strip()) where it is read.",
            c.place,
        )
    read = reads[-1]
    name = read.targets[0].id if isinstance(read.targets[0], ast.Name) else "the value"
    message = (
        f"{name} is read with .read() on line {read.lineno}, which keeps the file's trailing newline, and a header "
        f"value may not hold one (line {c.place.line} sends it): use .read().strip()."
    )
    code = line_of(c.text, read.lineno) or ""
    patched = replace_line(c.text, read.lineno, code.replace(".read()", ".read().strip()", 1))
    return proposed(message, ws.Place(c.place.path, read.lineno), c.text, patched, "strip the newline")


def _blocking_calls(tree: ast.Module) -> list[tuple[ast.Call, str]]:
    """time.sleep(...) calls written directly in the body of an async def: (the call, that function's name)."""
    found: list[tuple[ast.Call, str]] = []
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.AsyncFunctionDef):
            continue
        for node in ast.walk(fn):
            f = node.func if isinstance(node, ast.Call) else None
            time = isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "time"
            if isinstance(node, ast.Call) and time and isinstance(f, ast.Attribute) and f.attr == "sleep":
                found.append((node, fn.name))
    return found


def blocking_in_async(facts: Facts) -> Finding | None:
    """A timeout in async code where an async def calls time.sleep: it stops the whole loop, so what was awaited
    with a timeout could not run. The cause is the blocking call, not the timeout."""
    c = crash(facts)
    tree = c.tree if c is not None and c.kind == "TimeoutError" else None
    calls = _blocking_calls(tree) if tree is not None else []
    if c is None or len(calls) != 1:
        return None
    call, fn = calls[0]
    code = line_of(c.text, call.lineno) or ""
    patched = replace_line(c.text, call.lineno, code.replace("time.sleep(", "await asyncio.sleep(", 1))
    message = (
        f"time.sleep on line {call.lineno} runs inside async def {fn}(): it blocks the whole event loop, so nothing "
        f"else runs while it sleeps, and what line {c.place.line} waits for with a timeout could not finish in time. "
        "Use await asyncio.sleep(...) there (a blocking call that must stay: await asyncio.to_thread(...))."
    )
    return proposed(message, ws.Place(c.place.path, call.lineno), c.text, patched, "sleep without blocking the loop")


DETECTORS: list[Callable[[Facts], Finding | None]] = [
    blocking_in_async,
    newline_in_header,
    property_recursion,
    closed_loop,
    forbidden_without_credentials,
    unauthorized,
]


def advise(facts: Facts) -> Finding | None:
    return first_finding(DETECTORS, facts)
