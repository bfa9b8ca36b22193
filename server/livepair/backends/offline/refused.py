"""A connection refused on this machine: nothing listens on that port. Why, when the workspace shows it: the port
comes from an environment variable that is not set (so the default, 80, is used), or the program's own server
listens on another port than the one the code connects to. Otherwise the fact alone, and both possibilities."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding

CODE = {".js", ".mjs", ".cjs", ".ts", ".py"}
LISTEN = re.compile(r"\.listen\(\s*(?P<port>[\w.$]+)|\.bind\(\s*\(\s*[^,]+,\s*(?P<bind>[\w.]+)|port\s*=\s*(?P<kw>\d+)")
ENV_PORT = re.compile(r"(?:process\.env\.|os\.environ\.get\(\s*['\"]|os\.getenv\(\s*['\"]|os\.environ\[\s*['\"])"
                      r"(?P<var>\w*PORT\w*)")  # fmt: skip


def _lines(path: Path, facts: Facts) -> list[str]:
    return (facts.read(path) or "").splitlines()


def _files(facts: Facts) -> list[Path]:
    return list(itertools.islice(ws.workspace_files(facts.root, CODE), 200))


def advise(addr: str, port: str, facts: Facts, near: ws.Place | None) -> Finding:
    """The advice for a refused connection to `addr` (host:port) made at `near`."""
    unset = _port_from_unset_variable(port, facts, near)
    if unset is not None:
        return unset
    other = _server_on_another_port(port, facts)
    if other is not None:
        return other
    return Finding(
        f"The network call failed: nothing is listening on {addr} (the connection was refused on this machine): "
        f"the server it talks to is not started, or it listens on another port than {port}, where this code "
        "looks. Start it first, or correct the port.",
        near,
    )


def _port_from_unset_variable(port: str, facts: Facts, near: ws.Place | None) -> Finding | None:
    """Port 80 (or none) where the code reads the port from a variable that the environment does not set."""
    if port not in ("80", "443") or near is None:
        return None
    lines = _lines(near.path, facts)
    hits = [(n, m["var"]) for n, line in enumerate(lines, 1) if (m := ENV_PORT.search(line))]
    if len(hits) != 1:
        return None
    line, var = hits[0]
    scripts = re.findall(rf'"(\w+)":\s*"[^"]*\b{var}=(\d+)', (facts.read(facts.cwd / "package.json") or ""))
    via = f" (npm run {scripts[0][0]} sets it to {scripts[0][1]})" if scripts else ""
    return Finding(
        f"{var} is not set in this terminal, so the port on line {line} is undefined and the request went to the "
        f"default port {port}, where nothing listens. Set {var} before running{via}.",
        ws.Place(near.path, line),
    )


def _server_on_another_port(port: str, facts: Facts) -> Finding | None:
    """The program's own server listens on one port, and one line of the code connects to `port` written out."""
    written = [
        ws.Place(p, n) for p in _files(facts) for n, line in enumerate(_lines(p, facts), 1)
        if re.search(rf"[:=/\s'\"]{port}\b", line) and not LISTEN.search(line)
    ]  # fmt: skip
    listens = [
        (p, n, m["port"] or m["bind"] or m["kw"]) for p in _files(facts)
        for n, line in enumerate(_lines(p, facts), 1) if (m := LISTEN.search(line))
    ]  # fmt: skip
    if len(written) != 1 or len(listens) != 1:
        return None
    path, line, what = listens[0]
    value = _value_of(what, path, facts)
    if value is None or value == port:
        return None
    at = written[0]
    return Finding(
        f"{ws.relative_to(at.path, facts.root)} line {at.line} connects to port {port}, written out there, but "
        f"this program's server ({ws.relative_to(path, facts.root)} line {line}) listens on {what}"
        f"{'' if what == value else f', which is {value}'}. Use the server's port there (read it from the same "
        "setting, e.g. PORT) instead of a fixed number.",
        at,
    )


def _value_of(what: str, path: Path, facts: Facts) -> str | None:
    """A port as the code writes it: a number, or a name set from a number or an env file in the workspace."""
    if what.isdigit():
        return what
    name = what.split(".")[-1]
    for line in _lines(path, facts):
        m = re.match(rf"\s*(?:const|let|var)?\s*{re.escape(name)}\s*=\s*(?P<rhs>.+)", line)
        if m and (num := re.fullmatch(r"\s*(\d+);?\s*", m["rhs"])):
            return num[1]
        env = re.search(r"(?:process\.env\.|getenv\(\s*['\"]|environ\[\s*['\"])(?P<var>\w+)", m["rhs"]) if m else None
        if env:
            return _env_file_value(env["var"], facts)
    return None


def _env_file_value(var: str, facts: Facts) -> str | None:
    for path in sorted(facts.root.glob("*.env")) + sorted(facts.root.glob(".env*")):
        m = re.search(rf"^\s*{re.escape(var)}\s*=\s*(?P<v>\d+)\s*$", facts.read(path) or "", re.M)
        if m:
            return m["v"]
    return None
