"""The layers of the daemon, as data, checked against every import of every module (read from the AST).

Each module of server/livepair belongs to a unit (its first path part: `lsp`, `session`, ..., or a top-level
module). `MAY_IMPORT` says which of our units a unit may import; `THIRD_PARTY` which files may import a restricted
outside package. Every import counts: at module level, inside a function (a lazy import is still a dependency) and
under `if TYPE_CHECKING:` (a type from a layer above still ties this layer to it) — no kind is exempt
(`EXEMPT_KINDS`). Known violations being removed are `WAIVERS`; a waiver that no
longer matches anything fails too, so it is deleted once the fix is merged.
"""

from __future__ import annotations

import ast
import fnmatch
import shutil
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.tools import ROOT

PACKAGE = ROOT / "server" / "livepair"

# The foundation: plain data and helpers every layer may use; they import nothing of ours but each other.
BASE = ("__init__", "model", "config", "state", "aio", "scenario", "uris", "held_secrets", "pyast")
BELOW_EDITOR = ("advice", "context", "media", "backends", "session")
ENTRY = ("app", "cli", "__main__", "demo", "doctor")

MAY_IMPORT: dict[str, tuple[tuple[str, ...], str]] = {
    **{unit: (BASE, "the foundation: the daemon's own types and helpers, below every layer") for unit in BASE},
    "advice": ((*BASE, "advice"), "advice is data about lines, built by any layer above"),
    "context": ((*BASE, "context"), "what the senior dev knows; fed by the editor face, read by the session"),
    "media": ((*BASE, "media", "context"), "senses: the screen consults the privacy gate and the redactor"),
    "backends": (
        (*BASE, "backends", "advice", "media"),
        "the model face: knows neither the session, the editor nor the context store (the offline advisor is"
        " handed a `ContextView`); checks fixes (advice/verify.py), speaks with media/pcm.py",
    ),
    "session": ((*BASE, *BELOW_EDITOR), "the orchestrator: everything below the editor face, never the face"),
    "lsp": ((*BASE, *BELOW_EDITOR, "lsp"), "the editor face: may use every layer below it"),
    "app": ((*BASE, *BELOW_EDITOR, "lsp"), "builds the server from the face's features"),
    "cli": (
        (*BASE, "app", "demo", "doctor", "lsp.codegen_cache"),
        "the entry point: each command imports its module when it runs (`serve` wraps its first import of lsprotocol"
        " in the start-up code cache)",
    ),
    "__main__": ((*BASE, "cli"), "`python -m livepair` is the cli"),
    "demo": (
        (*BASE, "lsp.protocol"),
        "plays the editor: a client of the daemon over stdio, it shares only the wire's names (lsp/protocol.py)",
    ),
    "doctor": (
        (*BASE, "media", "session.sandbox"),
        "checks this machine with the parts that touch it (devices, OCR, the sandbox), never the editor face",
    ),
}

# Outside packages only some files may import (fnmatch patterns on paths under server/livepair).
THIRD_PARTY: dict[str, tuple[tuple[str, ...], str]] = {
    "lsprotocol": (("lsp/*", "app.py", "demo.py"), "wire types stay in the editor face; demo.py is an editor"),
    "pygls": (("lsp/*", "app.py", "demo.py"), "the LSP framework is the editor face; demo.py drives it as a client"),
    "cattrs": (("lsp/*",), "pygls' converter, used only where pygls is"),
    "google": (
        ("backends/gemini*.py", "backends/grounding.py", "backends/reconnect.py"),
        "google-genai (and google.oauth2 for Vertex) belong to the Gemini backend and its helpers",
    ),
    "websockets": (
        ("backends/gemini*.py", "backends/reconnect.py"),
        "the SDK's transport: only the Gemini backend classifies its closes",
    ),
}

# Kinds of import that would be allowed to break the rules. None: see the module docstring.
EXEMPT_KINDS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Waiver:
    path: str  # under server/livepair
    target: str  # the import it excuses (a prefix)
    reason: str


# Known violations being removed elsewhere, each with its reason; none today (issue 20 removed the last).
WAIVERS: tuple[Waiver, ...] = ()


@dataclass(frozen=True)
class Import:
    path: str  # the importing file, under server/livepair
    line: int
    target: str  # dotted, absolute: `from a import b` is `a.b`
    kind: str  # "module", "function" or "type_checking"


@dataclass(frozen=True)
class Violation:
    imp: Import
    rule: str

    def __str__(self) -> str:
        return (
            f"server/livepair/{self.imp.path}:{self.imp.line}: imports {self.imp.target} ({self.imp.kind}): {self.rule}"
        )


def module_name(rel: Path) -> str:
    parts = list(rel.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["livepair", *parts])


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(root: Path, file: Path) -> list[Import]:
    rel = file.relative_to(root)
    package = module_name(rel).split(".")
    if rel.name != "__init__.py":
        package.pop()
    found: list[Import] = []

    def visit(node: ast.AST, kind: str) -> None:
        for child in ast.iter_child_nodes(node):
            child_kind = kind
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                child_kind = "function" if kind == "module" else kind
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    visit_stmt(stmt, "type_checking")
                for stmt in child.orelse:
                    visit_stmt(stmt, kind)
                continue
            visit_stmt(child, child_kind)

    def visit_stmt(node: ast.AST, kind: str) -> None:
        if isinstance(node, ast.Import):
            found.extend(Import(str(rel), node.lineno, alias.name, kind) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                found.append(Import(str(rel), node.lineno, base if alias.name == "*" else f"{base}.{alias.name}", kind))
        visit(node, kind)

    visit(ast.parse(file.read_text(), str(file)), "module")
    return found


def unit_of(rel: str) -> str:
    first = Path(rel).parts[0]
    return first.removesuffix(".py")


def owner(target: str, modules: set[str]) -> str | None:
    """The unit (relative dotted module name) a livepair target lives in, e.g. `lsp.protocol` for a name in it."""
    parts = target.split(".")
    while parts and ".".join(parts) not in modules:
        parts.pop()
    if not parts:
        return None
    return ".".join(parts[1:]) or "__init__"


def allowed(relative_module: str, may: tuple[str, ...]) -> bool:
    return any(relative_module == m or relative_module.startswith(m + ".") for m in may)


def violations(root: Path) -> list[Violation]:
    files = sorted(root.rglob("*.py"))
    modules = {module_name(f.relative_to(root)) for f in files}
    out: list[Violation] = []
    for file in files:
        for imp in imports_of(root, file):
            if imp.kind in EXEMPT_KINDS:
                continue
            unit = unit_of(imp.path)
            if unit not in MAY_IMPORT:
                out.append(Violation(imp, f"{unit!r} has no row in MAY_IMPORT: decide what it may import"))
                continue
            if imp.target == "livepair" or imp.target.startswith("livepair."):
                target = owner(imp.target, modules)
                may, why = MAY_IMPORT[unit]
                if target is not None and not allowed(target, may):
                    out.append(Violation(imp, f"{unit} may import only {', '.join(may)} ({why})"))
                continue
            top = imp.target.split(".")[0]
            if top in THIRD_PARTY:
                patterns, why = THIRD_PARTY[top]
                if not any(fnmatch.fnmatch(imp.path, p) for p in patterns):
                    out.append(Violation(imp, f"{top} only in {', '.join(patterns)} ({why})"))
    return out


def waived(violation: Violation) -> Waiver | None:
    for waiver in WAIVERS:
        target = violation.imp.target
        if violation.imp.path == waiver.path and (target == waiver.target or target.startswith(waiver.target + ".")):
            return waiver
    return None


def test_every_import_follows_the_layers() -> None:
    found = [v for v in violations(PACKAGE) if waived(v) is None]
    assert not found, "imports against the layers (tests/contract/test_layers.py):\n" + "\n".join(map(str, found))


def test_every_waiver_is_still_needed() -> None:
    used = {waived(v) for v in violations(PACKAGE)}
    stale = [w for w in WAIVERS if w not in used]
    assert not stale, "fixed: delete these WAIVERS from tests/contract/test_layers.py:\n" + "\n".join(
        f"{w.path} -> {w.target} ({w.reason})" for w in stale
    )


def test_every_rule_names_real_units_and_files() -> None:
    units = {unit_of(str(f.relative_to(PACKAGE))) for f in PACKAGE.rglob("*.py")}
    assert units <= set(MAY_IMPORT), f"units without a rule: {units - set(MAY_IMPORT)}"
    for may, _why in MAY_IMPORT.values():
        assert {m.split(".")[0] for m in may} <= units | set(BASE)
    for patterns, _why in THIRD_PARTY.values():
        for pattern in patterns:
            assert any(fnmatch.fnmatch(str(f.relative_to(PACKAGE)), pattern) for f in PACKAGE.rglob("*.py")), pattern


def test_a_planted_violation_fails_with_file_line_and_import(tmp_path: Path) -> None:
    root = tmp_path / "livepair"
    shutil.copytree(PACKAGE, root, ignore=shutil.ignore_patterns("__pycache__", "*.toml"))
    clean = {str(v) for v in violations(root)}
    backend = root / "backends" / "backend.py"
    lines = backend.read_text().splitlines()
    lines += [
        "def _planted() -> None:",
        "    from livepair.session import session  # a backend reaching up, lazily",
        "if TYPE_CHECKING:",
        "    from ..lsp.server import LivePairServer",
    ]
    backend.write_text("\n".join(lines) + "\n")
    (root / "context" / "planted.py").write_text("import google.genai\nfrom lsprotocol import types\n")
    new = sorted(str(v) for v in violations(root) if str(v) not in clean)
    n = len(lines)
    assert [line.split(": imports ")[0] + ": imports " + line.split(": imports ")[1].split(":")[0] for line in new] == [
        f"server/livepair/backends/backend.py:{n - 2}: imports livepair.session.session (function)",
        f"server/livepair/backends/backend.py:{n}: imports livepair.lsp.server.LivePairServer (type_checking)",
        "server/livepair/context/planted.py:1: imports google.genai (module)",
        "server/livepair/context/planted.py:2: imports lsprotocol.types (module)",
    ]
    assert "backends may import only" in new[0]
    assert "google only in backends/gemini*.py" in new[2]
