"""Node.js errors whose cause the code shows: a const assigned again, an imported binding assigned, await in a
callback that is not async, JSON.parse of an empty file, exports assigned instead of module.exports. Each speaks
only when the file states the cause; otherwise node.py's other detectors or an honest hint answer.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

from livepair.backends.offline import node_fixes
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import line_of
from livepair.backends.offline.enrich import Facts, Finding

MAX_FILES = 200  # workspace files looked through
ASSIGNED = re.compile(r"^\s*(?P<name>[A-Za-z_$][\w$]*)\s*(?:[-+*/%]?=(?!=)|\+\+|--)")


def _text(where: ws.Place | None) -> str | None:
    try:
        return where.path.read_text() if where is not None else None
    except OSError:
        return None


def constant_assigned(
    kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str
) -> Finding | None:
    text = _text(where)
    if where is None or text is None or msg != "Assignment to constant variable.":
        return None
    line = line_of(text, where.line) or ""
    m = ASSIGNED.match(line) or re.search(r"\b(?P<name>[A-Za-z_$][\w$]*)\s*(?:\+\+|--)", line)
    if m is None:
        return None
    name = m["name"]
    lines = text.splitlines()
    imported = next(
        (n for n, s in enumerate(lines, 1) if re.match(rf"\s*import\s.*\b{re.escape(name)}\b.*\bfrom\b", s)), None
    )
    if imported is not None:
        return Finding(
            f"'{name}' is an imported binding (line {imported}): imports are read-only in the importing module. "
            f"Change it in the module that exports it, e.g. export a function (a setter) that assigns it.",
            where,
        )
    declared = next(
        (n for n, s in enumerate(lines, 1) if re.search(rf"\bconst\s+{re.escape(name)}\b", s) and n <= where.line),
        None,
    )
    if declared is None:
        return None
    said = Finding(
        f"'{name}' is declared with const on line {declared}, and line {where.line} assigns it again: declare it "
        f"with let if it must change (or keep const and use a new name).",
        ws.Place(where.path, declared),
    )
    return node_fixes.line_edited(
        said, said.place, rf"\bconst(\s+{re.escape(name)}\s*=)", r"let\1", f"Declare {name} with let"
    )


def await_outside_async(
    kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str
) -> Finding | None:
    text = _text(where)
    if where is None or text is None or not msg.startswith("await is only valid in async functions"):
        return None
    lines = text.splitlines()[: where.line - 1]
    opener = next(
        (n for n in range(len(lines), 0, -1)
         if re.search(r"(?:\([^()]*\)|[\w$]+)\s*=>\s*\{\s*$|function\s*[\w$]*\s*\([^()]*\)\s*\{\s*$", lines[n - 1])),
        None,
    )  # fmt: skip
    if opener is None or re.search(r"\basync\b", lines[opener - 1]):
        return None
    loop = " In forEach the awaits are not waited for: use for...of or Promise.all(items.map(async ...))."
    in_loop = re.search(r"\.(?:forEach|map)\(", lines[opener - 1])
    said = Finding(
        f"This await is inside the function that starts on line {opener}, which is not async: mark that function "
        "async (e.g. async function name() or async (x) => { ... })." + (loop if in_loop else ""),
        where,
    )
    if in_loop:
        return said  # async alone would not make the loop wait: no one-line fix
    start = r"(\bfunction\b|(?:\([^()]*\)|\b[\w$]+)(?=\s*=>\s*\{\s*$))"
    return node_fixes.line_edited(said, ws.Place(where.path, opener), start, r"async \1", "Make the function async")


def exports_rebound(
    kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str
) -> Finding | None:
    """`x is not a function` for a require()d module whose file assigns `exports = ...`: that only rebinds the
    module's local name, so require() still gives the empty module.exports object."""
    called = re.fullmatch(r"(?P<name>[\w$]+) is not a function", msg)
    text = _text(where)
    if called is None or where is None or text is None:
        return None
    req = re.search(
        rf"(?:const|let|var)\s+{re.escape(called['name'])}\s*=\s*require\(['\"](?P<spec>\.[^'\"]+)['\"]\)", text
    )
    if req is None:
        return None
    base = (where.path.parent / req["spec"]).resolve()
    module = next((p for p in (base, base.with_name(base.name + ".js")) if p.is_file()), None)
    lines = module.read_text().splitlines() if module is not None else []
    at = next((n for n, line in enumerate(lines, 1) if re.match(r"\s*exports\s*=(?!=)", line)), None)
    if module is None or at is None:
        return None
    return Finding(
        f"{module.name} assigns `exports = ...` on line {at}, which only rebinds that file's local name: require() "
        f"still returns the original, empty module.exports, so {called['name']} is an empty object here. Write "
        "module.exports = ... instead.",
        ws.Place(module, at),
    )


UNTRUSTED = re.compile(
    r"code: '(?P<code>SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE"
    r"|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_GET_ISSUER_CERT)'"
)


def request_place(where: ws.Place | None, facts: Facts, command: str, also: str = "") -> ws.Place | None:
    """Where a failed network call is made: the stack's frame, else the script's first request line."""
    if where is not None:
        return where
    script = re.search(r"node\s+(?P<file>[\w./-]+\.[mc]?js)", command)
    path = facts.cwd / script["file"] if script else None
    try:
        lines = path.read_text().splitlines() if path is not None else []
    except OSError:
        return None
    for needle in ("fetch(", ".get(", ".request(", "connect(", *([also] if also else [])):
        hits = [n for n, line in enumerate(lines, 1) if needle in line]
        if path is not None and hits:
            return ws.Place(path, hits[-1])
    return None


def untrusted_certificate(
    kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str
) -> Finding | None:
    """A TLS server whose certificate chain ends in a CA Node does not trust (a private or company CA)."""
    m = UNTRUSTED.search(facts.output)
    if m is None:
        return None
    pems = [ws.relative_to(p, facts.cwd) for p in ws.workspace_files(facts.root, {".pem", ".crt", ".cer"})][:1]
    ca = pems[0] if pems else "ca.pem"
    have = f" The workspace has {ca}: if that is the CA, use it." if pems else ""
    return Finding(
        f"The server's TLS certificate was not accepted ({m['code']}): it is signed by a certificate authority (CA) "
        f"Node does not trust, typically a private or company CA. Give Node that CA's certificate: "
        f"NODE_EXTRA_CA_CERTS={ca} node ..., or the ca option of the request. Keep verification on.{have}",
        request_place(where, facts, command),
    )


def empty_json_file(
    kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str
) -> Finding | None:
    """JSON.parse of a file that is empty: 'Unexpected end of JSON input' with nothing in it to parse."""
    text = _text(where)
    if where is None or text is None or msg != "Unexpected end of JSON input":
        return None
    if "JSON.parse" not in (line_of(text, where.line) or "") or "readFileSync" not in text:
        return None
    truncates = [n for n, line in enumerate(text.splitlines(), 1)
                 if re.search(r"""openSync\([^;]*,\s*['"]w\+?['"]\s*\)""", line)]  # fmt: skip
    emptied = [p for p in itertools.islice(ws.workspace_files(facts.root), MAX_FILES) if p.stat().st_size == 0]
    if len(truncates) == 1 and len(emptied) == 1:  # the code opens a file with 'w' and one file is now empty
        return Finding(
            f"fs.openSync(..., 'w') on line {truncates[0]} opens the file for writing, which truncates it to 0 "
            f"bytes: {ws.relative_to(emptied[0], facts.cwd)} is empty now, so JSON.parse on line {where.line} "
            "reads ''. Open it with 'a' (or only create it when fs.existsSync says it is missing) to keep its "
            "content.",
            ws.Place(where.path, truncates[0]),
        )
    files = itertools.islice(ws.workspace_files(facts.root, {".json"}), MAX_FILES)
    empty = [p for p in files if p.stat().st_size < 64 and not p.read_bytes().strip()]
    if not empty:
        return None
    names = ", ".join(ws.relative_to(p, facts.cwd) for p in empty[:3])
    return Finding(
        f"{names} {'is' if len(empty) == 1 else 'are'} empty, and JSON.parse('') of an empty file fails with "
        f"'Unexpected end of JSON input' (line {where.line}). Put valid JSON in it ([] or {{}}), or skip empty "
        "files before parsing them.",
        where,
    )


def exports_replaced(
    kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str
) -> Finding | None:
    """`exports = fn` rebinds a local name; require() returns module.exports, still the empty object."""
    if kind != "TypeError" or not re.search(r"is not a function|is not a constructor", msg):
        return None
    for path in itertools.islice(ws.workspace_files(facts.root, {".js", ".cjs"}), MAX_FILES):
        for n, line in enumerate((_text(ws.Place(path, 1)) or "").splitlines(), 1):
            if re.match(r"\s*exports\s*=(?!=)", line):
                return Finding(
                    f"Line {n} of {ws.relative_to(path, facts.cwd)} assigns exports itself, which only rebinds a "
                    "local name: require() returns module.exports, which stays an empty object. Assign "
                    "module.exports = ... (or add to it: exports.name = ...).",
                    ws.Place(path, n),
                )
    return None


def governing_package(path: Path, facts: Facts) -> Path | None:
    """The package.json Node reads for this file's module type: the nearest one above it, within the workspace."""
    root = facts.root.resolve()
    for folder in path.parents:
        if (folder / "package.json").is_file():
            return folder / "package.json"
        if folder == root:
            break
    return None


def require_in_esm(where: ws.Place | None, facts: Facts) -> Finding | None:
    """require() in a file Node runs as an ES module: in a file that also imports, the require is the odd one;
    in a file of require only, a package.json above its folder made it ESM; beside it, the require is what fails
    and package.json's "type" is said as the other way out."""
    text = _text(where)
    package = governing_package(where.path, facts) if where is not None else None
    if where is None or text is None or package is None:
        return None
    declared = re.search(r'"type"\s*:\s*"module"', package.read_text())
    if declared is None:
        return None
    at = ws.Place(package, package.read_text()[: declared.start()].count("\n") + 1)
    shown = ws.relative_to(package, facts.root)
    said = f'{shown} says "type": "module" (line {at.line}), so Node runs {where.path.name} as an ES module'
    if re.search(r"^\s*(?:import\s|export\s)", text, re.M):
        return Finding(
            f"{said}, and it uses import elsewhere, so require on line {where.line} does not exist here: use import "
            "like the rest of the file (a JSON file: JSON.parse(fs.readFileSync(path, 'utf8'))), or make a require "
            "with createRequire(import.meta.url) from 'module'.",
            where,
        )
    if package.parent != where.path.parent:
        return Finding(
            f"{said}: that package.json is in a folder above it ({ws.relative_to(package.parent, facts.root)}/), and "
            f"it governs every .js file below it, so require does not exist in {where.path.name}. Remove "
            f'"type": "module" there if that project is CommonJS, rename the file to .cjs, or use import.',
            at,
        )
    return Finding(  # the file is all require: the code here is what fails, package.json is the other way out
        f"{said}, where require does not exist: use import here{_as_import(text, where.line)}, or, if this "
        "project is CommonJS, remove "
        f'"type": "module" from {shown} (line {at.line}) or rename the file to .cjs.',
        where,
    )


def listened_before(at: ws.Place, port: str, facts: Facts) -> ws.Place | None:
    """Another .listen( on the same port in a file the crashing file requires: the program's own first server."""
    text = _text(at)
    if text is None:
        return None
    for m in re.finditer(r"""(?:require\(|from\s+)\s*['"](?P<spec>\.{1,2}/[^'"]+)['"]""", text):
        base = (at.path.parent / m["spec"]).resolve()
        for path in (base, base.with_suffix(".js"), base.with_suffix(".mjs"), base / "index.js"):
            other = _text(ws.Place(path, 1)) if path.is_file() else None
            if other is None or port not in other:
                continue
            hits = [n for n, line in enumerate(other.splitlines(), 1) if ".listen(" in line]
            if len(hits) == 1:
                return ws.Place(path, hits[0])
    return None


def env_file(name: str, facts: Facts) -> str | None:
    """`name` is set in a .env file here, which Node does not read by itself: how to load it (and a package.json
    script that already does)."""
    files = [p for p in sorted({*facts.cwd.glob(".env*"), *facts.root.glob(".env*")}) if p.is_file()]
    holder = next((p for p in files if re.search(rf"^\s*(?:export\s+)?{re.escape(name)}\s*=", _read(p), re.M)), None)
    if holder is None:
        return None
    shown = ws.relative_to(holder, facts.cwd)
    scripts = _scripts(facts)
    loads = next((k for k, v in scripts.items() if "--env-file" in v or "dotenv" in v), None)
    via = f" (npm run {loads} does: its script is `{scripts[loads]}`)" if loads else ""
    return (
        f": it is in {shown}, but Node does not read .env files by itself. Run with node --env-file={shown} "
        f"...{via}, or load it in code (process.loadEnvFile() or the dotenv package)."
    )


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError):
        return ""


def _scripts(facts: Facts) -> dict[str, str]:
    try:
        data = json.loads((facts.cwd / "package.json").read_text())
    except (OSError, ValueError):
        return {}
    scripts = data.get("scripts") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in scripts.items()} if isinstance(scripts, dict) else {}


HTTP_OBJECTS = {"IncomingMessage", "ClientRequest", "ServerResponse", "Socket", "TLSSocket", "Agent", "Server"}


def circular_http_object(
    kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str
) -> Finding | None:
    """JSON.stringify of one of Node's HTTP objects (a response, a request, a socket): they refer to themselves."""
    ctor = re.search(r"starting at object with constructor '(?P<c>\w+)'", facts.output)
    text = _text(where)
    call = (
        re.search(r"JSON\.stringify\(\s*(?P<arg>[\w$.]+)", line_of(text, where.line) or "") if where and text else None
    )
    if "circular structure" not in msg or ctor is None or ctor["c"] not in HTTP_OBJECTS or call is None:
        return None
    return Finding(
        f"JSON.stringify({call['arg']}) on line {where.line if where else '?'} is given Node's {ctor['c']} object "
        "(an HTTP response, request or socket), which refers to itself (a circular structure), not the data: "
        "stringify the fields you need instead (statusCode, headers, the body read from it; for a failure, "
        "err.message and err.code).",
        where,
    )


def _as_import(text: str, line: int) -> str:
    """` (import x from 'y';)` for a `const x = require('y')` line, else ''."""
    m = re.match(
        r"""\s*(?:const|let|var)\s+(?P<name>[\w$]+|\{[^}]*\})\s*=\s*require\(\s*(?P<spec>['"][^'"]+['"])\s*\)""",
        line_of(text, line) or "",
    )
    return f" ({'import ' + m['name'] + ' from ' + m['spec']};)" if m else ""
