"""Node errors about a value of the wrong kind whose source the code shows: an object written to a file unconverted,
a BigInt given to JSON.stringify, a request's path given to new URL() alone, an environment variable used as a
number, a response body read twice, and a config file only its example of which exists.
"""

from __future__ import annotations

import re

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import line_of
from livepair.backends.offline.enrich import Facts, Finding, headline

NOT_FOUND = re.compile(r"Cannot find module '(?P<spec>\.{1,2}/[^']+)'")


def advise(kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str) -> Finding | None:
    example = _example_only(msg, facts)
    if example is not None or where is None:
        return example
    try:
        text = where.path.read_text()
    except OSError:
        return None
    line = line_of(text, where.line) or ""
    for rule in (_object_written, _bigint, _url_of_path, _env_number, _body_twice):
        found = rule(msg, where, text, line)
        if found is not None:
            return found
    return None


def _object_written(msg: str, where: ws.Place, text: str, line: str) -> Finding | None:
    if not re.search(r'The "data" argument must be of type string .*Received an instance of (?:Object|Array)', msg):
        return None
    call = re.search(r"\b(?:fs\.)?(?P<fn>writeFile(?:Sync)?|appendFile(?:Sync)?)\(", line)
    if call is None:
        return None
    return Finding(
        f"{call['fn']}() writes text or bytes, and it is given an object. Turn it into JSON text first: "
        f"{call['fn']}(path, JSON.stringify(value, null, 2)) (and JSON.parse it when you read it back).",
        where,
        headline=headline("an object must be JSON.stringify'd to be written"),
    )


def _bigint(msg: str, where: ws.Place, text: str, line: str) -> Finding | None:
    if "Do not know how to serialize a BigInt" not in msg or "JSON.stringify" not in line:
        return None
    return Finding(
        "JSON has no BigInt, so JSON.stringify stops at the first one. Say how to write it: a replacer, "
        "JSON.stringify(value, (k, v) => typeof v === 'bigint' ? v.toString() : v), or a toJSON() method that "
        "returns the number as a string.",
        where,
        headline=headline("JSON.stringify cannot write a BigInt: a replacer"),
    )


def _url_of_path(msg: str, where: ws.Place, text: str, line: str) -> Finding | None:
    m = re.search(r"new URL\(\s*(?P<arg>(?P<req>\w+)\.url)\s*\)", line)
    if msg != "Invalid URL" or m is None:
        return None
    return Finding(
        f"{m['arg']} is only the path and query (/status?target=api), not a whole URL, and new URL() with one "
        f"argument needs a whole one. Give it a base as the second argument: new URL({m['arg']}, "
        f"`http://${{{m['req']}.headers.host}}`).",
        where,
        headline=headline(f"{m['arg']} is a path: new URL needs a base"),
    )


def _env_number(msg: str, where: ws.Place, text: str, line: str) -> Finding | None:
    """A port (or size) received as a string built by +: a value read from process.env stays text."""
    m = re.search(r"Received type string \('(?P<value>\d+)'\)", msg)
    if m is None:
        return None
    for n, code in enumerate(text.splitlines(), 1):
        env = re.match(r"\s*(?:const|let|var)\s+(?P<name>\w+)\s*=\s*process\.env\.(?P<var>\w+)", code)
        if env and not re.search(r"Number\(|parseInt\(|\+process", code):
            return Finding(
                f"'{env['name']}' is process.env.{env['var']} (line {n}), and environment variables are always "
                f"text: '{env['name']} + 1' then joins digits ('{m['value']}'). Make it a number where it is read: "
                f"Number(process.env.{env['var']}).",
                ws.Place(where.path, n),
                headline=headline(f"process.env.{env['var']} is text: Number() it"),
            )
    return None


def _body_twice(msg: str, where: ws.Place, text: str, line: str) -> Finding | None:
    if "Body is unusable" not in msg and "body used already" not in msg.lower():
        return None
    m = re.search(r"(?P<var>\w+)\.(?:json|text|arrayBuffer|blob)\(\)", line)
    if m is None:
        return None
    reads = [
        n for n, code in enumerate(text.splitlines()[: where.line - 1], 1)
        if re.search(rf"\b{m['var']}\.(?:json|text|arrayBuffer|blob)\(\)", code)
    ]  # fmt: skip
    if not reads:
        return None
    return Finding(
        f"A response body can be read once, and line {reads[-1]} already read {m['var']}'s. Read it once and "
        f"reuse it: const text = await {m['var']}.text(); then JSON.parse(text).",
        ws.Place(where.path, reads[-1]),
        headline=headline("the body was already read: read it once"),
    )


def _example_only(msg: str, facts: Facts) -> Finding | None:
    """require('./config.json') of a file that only exists as its example (config.json.example, ...)."""
    m = NOT_FOUND.search(msg)
    if m is None:
        return None
    name = m["spec"].rsplit("/", 1)[-1]
    stem, _, suffix = name.rpartition(".")
    candidates = [f"{name}.example", f"{name}.sample", f"{stem}.example.{suffix}", f"{stem}.sample.{suffix}"]
    found = [c for c in candidates if (facts.cwd / c).is_file()]
    if not found:
        return None
    return Finding(
        f"There is no {name}, only {found[0]}: the project ships an example to copy and fill in (the real one is kept "
        f"out of git). Copy it, cp {found[0]} {name}, and put your own values in.",
        headline=headline(f"copy {found[0]} to {name}"),
    )
