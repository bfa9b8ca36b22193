"""Node.js errors whose cause the code shows: a const assigned again, an imported binding assigned, await in a
callback that is not async, JSON.parse of an empty file, exports assigned instead of module.exports. Each speaks
only when the file states the cause; otherwise node.py's other detectors or an honest hint answer.
"""

from __future__ import annotations

import itertools
import re

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
    return Finding(
        f"'{name}' is declared with const on line {declared}, and line {where.line} assigns it again: declare it "
        f"with let if it must change (or keep const and use a new name).",
        ws.Place(where.path, declared),
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
    return Finding(
        f"This await is inside the function that starts on line {opener}, which is not async: mark that function "
        "async (e.g. async function name() or async (x) => { ... })."
        + (loop if re.search(r"\.(?:forEach|map)\(", lines[opener - 1]) else ""),
        where,
    )


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
