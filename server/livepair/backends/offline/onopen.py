"""Checks on a document as it is opened or saved, as a linter would, before anything runs.

- An API key written in the code (a placeholder, or a real-looking key): read it from the environment variable
  the SDK in use expects instead.
- A file opened by a path relative to the working directory, where the file is only found relative to the script
  (or elsewhere in the workspace): open it relative to the script's folder.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from livepair import pyast
from livepair.backends.offline import edits
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Finding, Proposal, checked, headline

KEY_VALUE = re.compile(
    r"""(?P<lhs>\b(?P<var>\w*(?:api[_-]?key|token|secret)\w*)\s*(?::\s*str\s*)?=\s*)(?P<q>["'])(?P<value>[^"'\n]*)(?P=q)""",
    re.I,
)
PLACEHOLDER = re.compile(r"(?i)^$|your|xxx|placeholder|changeme|replace|insert|<.*>|^\*+$|example|dummy|todo|\.\.\.")
REAL_KEY = re.compile(r"^(?:AIza[\w-]{30,}|sk-[\w-]{20,}|(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{32,})$")
# The SDK imported -> the environment variable it reads the key from.
SDK_KEYS = (
    (re.compile(r"^\s*(?:from google import genai|import google\.genai|from google\.genai)", re.M), "GEMINI_API_KEY"),
    (re.compile(r"^\s*(?:import google\.generativeai|from google\.generativeai)", re.M), "GOOGLE_API_KEY"),
    (re.compile(r"^\s*(?:import|from) openai\b", re.M), "OPENAI_API_KEY"),
    (re.compile(r"^\s*(?:import|from) anthropic\b", re.M), "ANTHROPIC_API_KEY"),
    (re.compile(r"^\s*(?:import|from) mistralai\b", re.M), "MISTRAL_API_KEY"),
    (re.compile(r"^\s*(?:import|from) groq\b", re.M), "GROQ_API_KEY"),
)
OPENERS = {"open", "Path", "connect", "read_csv", "read_json", "read_excel", "read_parquet", "loadtxt", "imread"}
MAX_BYTES = 256 * 1024


def check_document(path: Path, text: str, root: Path) -> list[Finding]:
    """Everything worth saying about one document, each with a checked fix where one is safe."""
    if path.suffix != ".py" or len(text) > MAX_BYTES:
        return []
    return [checked(f) for f in [*key_findings(path, text), *path_findings(path, text, root)]]


def env_var_for(text: str, var: str) -> str:
    for pattern, env in SDK_KEYS:
        if pattern.search(text):
            return env
    return var.upper().replace("-", "_")


def key_findings(path: Path, text: str) -> list[Finding]:
    found: list[Finding] = []
    for n, line in enumerate(text.splitlines(), 1):
        m = KEY_VALUE.search(line)
        if m is None or line.lstrip().startswith("#"):
            continue
        value = m["value"]
        placeholder = bool(PLACEHOLDER.search(value))
        if not placeholder and not REAL_KEY.match(value):
            continue
        env = env_var_for(text, m["var"])
        read = f'os.environ["{env}"]'
        if placeholder:
            say = f'{m["var"]} is set to the placeholder "{value}", so every request will be rejected'
            cause = headline(f'{m["var"]} is the placeholder "{value}", not a key', f"{m['var']} is a placeholder")
        else:
            say = f"{m['var']} holds a real-looking key written in the code (it ends up in git and in screenshots)"
            cause = headline(f"{m['var']}: a real key written in the code", "A real key written in the code")
        message = f"{say}: read the real key from the environment instead, {read}, and keep it out of the code."
        patched = edits.replace_on_line(text, n, re.escape(m[0]), lambda _m, new=f"{m['lhs']}{read}": new, 1)
        patched = edits.ensure_import(patched, "import os", "os") if patched else None
        proposal = Proposal(text, patched, f"Read the key from ${env}") if patched else None
        found.append(Finding(message, ws.Place(path, n), None, proposal, concept="secrets", headline=cause))
    return found


def path_findings(path: Path, text: str, root: Path) -> list[Finding]:
    try:
        tree = pyast.parse(text)
    except SyntaxError:
        return []
    script = path.parent
    found: list[Finding] = []
    for node in ast.walk(tree):
        literal = _opened_literal(node)
        if literal is None or Path(literal).is_absolute() or "://" in literal or (root / literal).exists():
            continue
        line = getattr(node, "lineno", 0)
        if (script / literal).exists():
            where = f"It is next to the script, in {ws.relative_to(script, root)}/, but the path is read"
            cause = headline(f"'{literal}' is next to the script", "The file is next to the script")
            relative = literal
        else:
            near = _same_tail(literal, root)
            if near is None:
                continue
            at = ws.relative_to(near, root)
            where = f"It is at '{at}', but '{literal}' is read"
            cause = headline(f"'{literal}' is at {at}", f"It is at {at}")
            relative = ws.relative_to(near, script)
        message = (
            f"'{literal}' is not found from the workspace folder. {where} relative to the working directory: "
            "open it relative to the script, so it works from any folder."
        )
        patched = edits.script_relative(text, line, literal, relative)
        proposal = Proposal(text, patched, f"Open '{relative}' relative to the script's folder") if patched else None
        found.append(
            Finding(message, ws.Place(path, line), None, proposal, concept="working-directory", headline=cause)
        )
    return found


def _opened_literal(node: ast.AST) -> str | None:
    if not isinstance(node, ast.Call) or not node.args:
        return None
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    first = node.args[0]
    if name not in OPENERS or not isinstance(first, ast.Constant) or not isinstance(first.value, str):
        return None
    mode = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "mode"), None)
    if isinstance(mode, ast.Constant) and isinstance(mode.value, str) and set(mode.value) & set("wax"):
        return None  # a file being written need not exist yet
    value = first.value
    return value if ("/" in value or Path(value).suffix) and value != ":memory:" else None


def _same_tail(literal: str, root: Path) -> Path | None:
    """A workspace file whose path ends with the literal's parts (data/config.json -> src/data/config.json)."""
    parts = Path(literal).parts
    for candidate in ws.workspace_files(root):
        if candidate.parts[-len(parts) :] == parts:
            return candidate
    return None
