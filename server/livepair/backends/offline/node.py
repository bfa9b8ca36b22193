"""Node.js and npm failures: the error, the stack's frames in the workspace, package.json and the code.

A cause is said only when package.json, the files or the code show it; any other Node error gets an honest hint
on its line (never the Python catalogue's words).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from livepair.backends.offline import (
    honest,
    node_code,
    node_exports,
    node_fixes,
    node_misuse,
    node_pitfalls,
    node_shapes,
    node_undefined,
    node_values,
)
from livepair.backends.offline import refused as refused_port
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import line_of
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.probation import earned, on_probation

HEADER = re.compile(r"^(?P<file>/[^:\n]+\.[mc]?js):(?P<line>\d+)$", re.M)
FRAME = re.compile(r"^\s+at (?:.+? \()?(?:file://)?(?P<file>/[^:()\n]+):(?P<line>\d+):\d+\)?$", re.M)
ERROR = re.compile(r"^(?:Uncaught )?(?P<kind>\w*Error)(?: \[(?P<code>\w+)\])?: (?P<msg>.+)$", re.M)
SCRIPT = re.compile(r"npm (?:ERR!|error) Missing script: \"(?P<name>[^\"]+)\"")
# Commands of the tools a package.json's scripts commonly run (their own documentation): a script the project lacks
# can be one of them only when the tool has it.
TOOL_COMMANDS = {
    "next": ("dev", "build", "start", "lint"),
    "nuxt": ("dev", "build", "generate", "preview"),
    "astro": ("dev", "build", "preview"),
    "react-scripts": ("start", "build", "test"),
}
NOT_FOUND = re.compile(r"Cannot find module '(?P<what>[^']+)'(?: imported from (?P<by>\S+))?")


def is_node(output: str, command: str) -> bool:
    return bool(re.match(r"\s*(?:node|npm|npx)\b", command)) or "\nNode.js v" in output or bool(SCRIPT.search(output))


def _inside(facts: Facts, path: Path) -> bool:
    root = facts.root.resolve()
    return root in path.parents and "node_modules" not in path.parts


def place(facts: Facts) -> ws.Place | None:
    """The first stack frame in the workspace's own code, else the throw site Node printed first."""
    for m in [*FRAME.finditer(facts.output), *HEADER.finditer(facts.output)]:
        path = Path(m["file"]).resolve()
        if _inside(facts, path) and path.is_file():
            return ws.Place(path, int(m["line"]))
    return None


def _package(facts: Facts) -> dict[str, object]:
    try:
        data = json.loads((facts.cwd / "package.json").read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _scripts_of(path: Path) -> dict[str, object]:
    try:
        scripts = json.loads(path.read_text()).get("scripts")
    except (OSError, ValueError, AttributeError):
        return {}
    return scripts if isinstance(scripts, dict) else {}


def _line_with(path: Path, needle: str) -> ws.Place | None:
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return None
    hits = [n for n, line in enumerate(lines, 1) if needle in line]
    return ws.Place(path, hits[-1]) if hits else None


def _line_with_first(path: Path, prefix: str) -> ws.Place | None:
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return None
    hits = [n for n, line in enumerate(lines, 1) if line.startswith(prefix)]
    return ws.Place(path, hits[0]) if hits else None


def _line_with_first_match(path: Path, pattern: str) -> ws.Place | None:
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return None
    hits = [n for n, line in enumerate(lines, 1) if re.search(pattern, line)]
    return ws.Place(path, hits[0]) if hits else None


def _as_require(place: ws.Place) -> str:
    m = re.match(
        r"import\s+(?P<name>[\w$]+)\s+from\s+(?P<spec>['\"][^'\"]+['\"])",
        line_of(place.path.read_text(), place.line) or "",
    )
    return f" (line {place.line} as CommonJS: const {m['name']} = require({m['spec']});)" if m else ""


def advise(command: str, facts: Facts) -> Finding | None:
    script = SCRIPT.search(facts.output)
    if script:
        return missing_script(script["name"], facts)
    if re.search(r"npm (?:ERR!|error) enoent .*package\.json|Could not read package\.json", facts.output):
        return no_package_json(facts)
    ts = re.search(r'Unknown file extension "\.(?P<ext>ts|tsx|mts)" for (?P<file>\S+)', facts.output)
    if ts:
        file = ws.relative_to(Path(ts["file"]), facts.cwd)
        return Finding(
            f"Node does not run TypeScript (.{ts['ext']}) files by itself: compile with tsc and run the .js it "
            f"writes, or run the file with a TypeScript runner such as tsx (npx tsx {file})."
        )
    m = ERROR.search(facts.output)
    if m is None:
        return None
    kind, code, msg = m["kind"], m["code"] or "", m["msg"]
    where = place(facts)
    for detect in (node_values.advise, node_shapes.advise, node_exports.not_exported, module_not_found, module_kind,
                   node_undefined.undefined_value, node_undefined.undefined_json, html_as_json, port_taken,
                   refused, relative_file, unhandled, node_code.constant_assigned, node_code.exports_rebound,
                   node_code.untrusted_certificate, node_code.await_outside_async, node_code.empty_json_file,
                   node_code.exports_replaced, node_code.circular_http_object, node_misuse.advise,
                   node_pitfalls.advise):  # fmt: skip
        found = detect(kind, code, msg, where, facts, command)
        if found is not None:
            return found
    return honest.hint(f"Node stopped with {kind}: {msg}", where, "the error does not show where the value came from")


def no_package_json(facts: Facts) -> Finding:
    below = sorted(p.parent for p in facts.cwd.glob("*/package.json"))
    if len(below) == 1:  # several projects below: which one was meant is not shown
        folder = ws.relative_to(below[0], facts.cwd)
        return Finding(
            f"There is no package.json in {facts.cwd}; {folder}/package.json is the project: cd {folder} first."
        )
    return Finding(
        f"There is no package.json in {facts.cwd}, so npm has no project here: cd to the project's folder "
        "(the one with package.json) first."
    )


# right on 1 of the 4 unseen cases it spoke on (probation.py)
@on_probation("which script was meant, and whether this is the project's folder")
def missing_script(name: str, facts: Facts) -> Finding:
    below = [p.parent for p in sorted(facts.cwd.glob("*/package.json")) if name in _scripts_of(p)]
    if len(below) == 1:  # the project with that script is a folder down (a clone inside the folder npm ran in)
        folder = ws.relative_to(below[0], facts.cwd)
        return Finding(
            f'The package.json here has no "{name}" script, but {folder}/package.json has one: this is the folder '
            f"above the project. cd {folder} first, then npm run {name}."
        )
    scripts = _package(facts).get("scripts")
    have = sorted(scripts) if isinstance(scripts, dict) else []
    listed = f"; its scripts are {', '.join(have)}" if have else "; it has no scripts at all"
    message = f'package.json has no "{name}" script{listed}.'
    main = _package(facts).get("main")
    tools = {str(v).split()[0] for v in scripts.values() if str(v).strip()} if isinstance(scripts, dict) else set()
    tool = next(iter(tools)) if len(tools) == 1 else ""
    if name == "start" and isinstance(main, str):
        message += f' Add "start": "node {main}" to its scripts, or run node {main}.'
    elif name in TOOL_COMMANDS.get(tool, ()):  # every script runs one tool, and that tool has this command
        message += f' The other scripts run {tool}, which has a {name} command: add "{name}": "{tool} {name}".'
    return Finding(message, _line_with_first_match(facts.cwd / "package.json", r'^\s*"scripts"\s*:') if have else None)


# right on 0 of the 1 unseen cases it spoke on (probation.py)
@on_probation("whether the module is missing from the folder, from node_modules or from the path")
def module_not_found(
    kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str
) -> Finding | None:
    m = NOT_FOUND.search(msg)
    if m is None:
        return None
    what = m["what"]
    if code == "ERR_MODULE_NOT_FOUND" and m["by"]:
        by = Path(m["by"].removeprefix("file://"))
        spec = "./" + Path(what).name
        at = _line_with(by, f"'{spec}'") or _line_with(by, f'"{spec}"') or where
        if Path(what + ".js").is_file():
            said = Finding(f"ES modules need the file extension: import from '{spec}.js', not '{spec}'.", at)
            return node_fixes.respecified(said, at, spec, f"{spec}.js")
    stack = re.search(r"Require stack:\n- (?P<file>\S+)", facts.output)
    if what.startswith("/") and stack is None:
        wanted = Path(what)
        found = [p for p in ws.workspace_files(facts.root, {wanted.suffix or ".js"}) if p.name == wanted.name]
        if found:
            rel = ws.relative_to(found[0], facts.root)
            return Finding(
                f"Node looked for {wanted.name} in {wanted.parent}, the working directory of that command; it is "
                f"at {rel}: cd {Path(rel).parent} first, or run node {rel}."
            )
        return None
    if what.startswith("."):
        requirer = Path(stack["file"]) if stack else (where.path if where else None)
        if requirer is None:
            return None
        at = _line_with(requirer, what) or where
        target = (requirer.parent / what).resolve()
        stem = target.name.lower().removesuffix(".js")
        files = list(ws.workspace_files(facts.root, {".js", ".mjs", ".cjs", ".json"}))
        same = [p for p in files if p.parent == target.parent and p.stem.lower() == stem]
        if same:
            right = "./" + ws.relative_to(same[0], requirer.parent).removesuffix(".js")
            said = Finding(
                f"'{what}' differs only in case from {ws.relative_to(same[0], facts.root)}: file names are "
                f"case-sensitive here. require('{right}').",
                at,
            )
            return node_fixes.respecified(said, at, what, right)
        named = [p for p in files if p.stem.lower() == stem]
        if named:
            rel = ws.relative_to(named[0], requirer.parent)
            spec = (rel if rel.startswith(".") else "./" + rel).removesuffix(".js")
            return Finding(
                f"There is no {what} next to {requirer.name} (paths are relative to the requiring file); "
                f"{ws.relative_to(named[0], facts.root)} exists: require('{spec}').",
                at,
            )
        return None
    package = what.split("/")[0] if not what.startswith("@") else "/".join(what.split("/")[:2])
    data = _package(facts)
    deps = {**_dict(data.get("dependencies")), **_dict(data.get("devDependencies"))}
    at = (_line_with(Path(stack["file"]), f"'{what}'") if stack else None) or where
    if package in deps and not (facts.cwd / "node_modules" / package).exists():
        return Finding(
            f"'{package}' is in package.json's dependencies but not installed (there is no node_modules/{package}): "
            "run npm install in this folder.",
            at,
        )
    local = [p for p in ws.workspace_files(facts.root, {".js", ".mjs", ".cjs", ".json"}) if p.stem == package]
    if package not in deps and len(local) == 1 and not what.startswith("@"):
        # a file of the workspace by that name: a path without ./ is looked up in node_modules, never installed
        requirer = Path(stack["file"]) if stack else (where.path if where else local[0])
        rel = ws.relative_to(local[0], requirer.parent)
        spec = (rel if rel.startswith(".") else "./" + rel).rsplit(".", 1)[0]
        said = Finding(
            f"'{what}' has no ./ so Node looks for a package of that name in node_modules, but it is your own "
            f"{ws.relative_to(local[0], facts.root)}: require('{spec}').",
            at,
        )
        return node_fixes.respecified(said, at, what, spec)
    if package not in deps:
        return Finding(
            f"'{package}' is not in package.json's dependencies and not in node_modules: check the name; if it is "
            f"the package you mean, npm install {package}.",
            at,
        )
    return None


def _dict(value: object) -> dict[str, object]:
    return value if isinstance(value, dict) else {}


def module_kind(kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str) -> Finding | None:
    declared = _package(facts).get("type")
    said = f'package.json says "type": "{declared}"' if isinstance(declared, str) else 'package.json has no "type"'
    if "Cannot use import statement outside a module" in msg:
        return Finding(
            f"{said}, so Node reads this file as CommonJS, where import is not allowed: use require() here, or "
            'set "type": "module" in package.json (or rename the file to .mjs).',
            where,
        )
    if "require is not defined in ES module scope" in msg:
        if declared == "module" or where is not None:
            found = node_code.require_in_esm(where, facts)
            if found is not None:
                return found
        first = _line_with_first(where.path, "import ") if where else None
        if first is not None:
            return Finding(
                f"{said}, but this file uses import (line {first.line}), so Node ran it as an ES module, where "
                "require does not exist: use import for every module in it, or require for every one"
                f"{_as_require(first)}.",
                first,
            )
    called = re.match(r"(?P<name>\w+) is not a function", msg)
    if called and where is not None:
        text = where.path.read_text()
        req = re.search(rf"(?:const|let|var)\s+{called['name']}\s*=\s*require\(['\"](?P<pkg>[^'\"]+)['\"]\)", text)
        pkg = facts.cwd / "node_modules" / req["pkg"] / "package.json" if req else None
        if req and pkg is not None and pkg.is_file() and '"module"' in pkg.read_text():
            return Finding(
                f"'{req['pkg']}' is an ES module package: require() gives its namespace object, and the function "
                f"is its default export. Use import {called['name']} from '{req['pkg']}' (or "
                f"(await import('{req['pkg']}')).default).",
                _line_with(where.path, req[0]) or where,
            )
    return None


# right on 0 of the 2 unseen cases it spoke on, 1 harmful (probation.py)
@on_probation("which server the program meant to reach, and whether it is running")
def refused(kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str) -> Finding | None:
    m = re.search(r"ECONNREFUSED (?P<addr>[\w.:\[\]-]+:(?P<port>\d+))\b", facts.output)
    if m is None:
        return None
    return refused_port.advise(
        m["addr"], m["port"], facts, node_code.request_place(where, facts, command, f":{m['port']}")
    )


# right on 2 of the 2 unseen cases it spoke on (probation.py)
@earned(2, 2)
def relative_file(kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str) -> Finding | None:
    """fs paths are relative to the working directory, not to the file: the file is next to the code."""
    m = re.search(r"ENOENT: no such file or directory, (?:open|stat|scandir) '(?P<path>[^'/][^']*)'", msg)
    if m is None or where is None:
        return None
    beside = (where.path.parent / m["path"]).resolve()
    if not beside.exists():
        return None
    rel, declared = m["path"].removeprefix("./"), _package(facts).get("type")
    esm = node_fixes.is_es_module(where, where.path.read_text(), declared)
    use = f"new URL('./{rel}', import.meta.url)" if esm else f"path.join(__dirname, '{rel}')"
    said = Finding(
        f"fs paths are relative to the working directory ({facts.cwd}), not to this file, and {m['path']} is next "
        f"to {where.path.name} ({ws.relative_to(beside, facts.root)}): use {use}.",
        where,
    )
    return node_fixes.beside_the_file(said, where, m["path"], declared)


# right on 0 of the 1 unseen cases it spoke on (probation.py)
@on_probation("which address answered with a page, and why")
def html_as_json(kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str) -> Finding | None:
    if kind != "SyntaxError" or not re.search(r"Unexpected token '?<'?", msg) or "JSON" not in msg:
        return None
    return Finding(
        "The text parsed as JSON is an HTML page (it starts with '<'), not JSON: the server or file gave a web "
        "page (an error or login page, or a wrong URL). Check the response's status and URL before parsing it.",
        where,
    )


# right on 0 of the 1 unseen cases it spoke on (probation.py)
@on_probation("which process holds the port")
def port_taken(kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str) -> Finding | None:
    m = re.search(r"EADDRINUSE: address already in use (?P<addr>\S+)", msg)
    if m is None:
        return None
    script = re.search(r"node\s+(?P<file>[\w./-]+\.[mc]?js)", command)
    at = where or (_line_with(facts.cwd / script["file"], ".listen(") if script else None)
    port = m["addr"].rsplit(":", 1)[-1]
    first = node_code.listened_before(at, port, facts) if at is not None else None
    if first is not None and at is not None:
        return Finding(
            f"This program listens on port {port} twice: {ws.relative_to(first.path, facts.root)} line {first.line} "
            f"already started a server on it when it was loaded, so the second listen on "
            f"{ws.relative_to(at.path, facts.root)} line {at.line} finds the port taken. Keep one server: remove the "
            f"listen from {first.path.name} (export the app, and let one file start it).",
            first,
        )
    return Finding(
        f"Port {port} is already in use by another process, often an earlier run of this server that is still "
        "running: stop that one, or listen on another port.",
        at,
    )


def unhandled(kind: str, code: str, msg: str, where: ws.Place | None, facts: Facts, command: str) -> Finding | None:
    frames = [ws.Place(Path(f["file"]), int(f["line"])) for f in FRAME.finditer(facts.output)
              if _inside(facts, Path(f["file"]).resolve())]  # fmt: skip
    first = re.search(r"^\s+at .*$", facts.output, re.M)  # the throw site: code of the workspace, not a library
    if len(frames) < 2 or first is None or not any(str(f.path) in first[0] for f in frames[:1]):
        return None
    thrower = re.search(r"at (?:async )?(?P<fn>\w+) \(", facts.output)
    caller = frames[1]
    text = caller.path.read_text()
    line = line_of(text, caller.line) or ""
    fn = thrower["fn"] if thrower else ""
    if fn and re.search(rf"async\s+function\s+{fn}\b", text) and re.match(rf"\s*{fn}\(.*\);?\s*$", line):
        return Finding(
            f"{fn}() is async and its promise was rejected ({kind}: {msg}) with nothing to handle it: line "
            f"{caller.line} calls it without await or .catch(). Await it inside try/catch, or add .catch(...).",
            caller,
        )
    return None
