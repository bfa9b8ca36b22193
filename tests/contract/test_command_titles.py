"""A message that tells the user to run a command names it as the command palette shows it ("LivePair: <title>"
from extension/package.json), in the daemon's Python and in the extension's TypeScript.

A literal that starts with "LivePair: " is the speaker's prefix ("LivePair: API key saved ..."), and a lower-case
word after it is a state ("$(error) LivePair: stopped"); every other "LivePair: " followed by a capital, as the
palette's titles begin, names a command and must be followed by a real title.
"""

from __future__ import annotations

import ast
import json
import re

from tests.e2e.tools import ROOT

PREFIX = "LivePair: "


def titles() -> list[str]:
    manifest = json.loads((ROOT / "extension" / "package.json").read_text())
    return [f"{c['category']}: {c['title']}" for c in manifest["contributes"]["commands"] if "category" in c]


def python_literals() -> list[tuple[str, int, str]]:
    found = []
    for file in sorted((ROOT / "server" / "livepair").rglob("*.py")):
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.JoinedStr):
                text = "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            found.append((str(file.relative_to(ROOT)), node.lineno, text))
    return found


TS_TOKEN = re.compile(r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`", re.S)


def ts_literals() -> list[tuple[str, int, str]]:
    found = []
    for file in sorted((ROOT / "extension" / "src").rglob("*.ts")):
        source = file.read_text()
        for match in TS_TOKEN.finditer(source):
            token = match.group()
            if token.startswith("/"):
                continue  # a comment
            found.append((str(file.relative_to(ROOT)), source.count("\n", 0, match.start()) + 1, token[1:-1]))
    return found


def mentions(literals: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    """Every command a literal names: the text after each "LivePair: " that does not start the literal."""
    out = []
    for where, line, text in literals:
        for match in re.finditer(re.escape(PREFIX), text):
            if match.start() > 0 and text[match.end() : match.end() + 1].isupper():
                out.append((where, line, text[match.start() :]))
    return out


def unknown(literals: list[tuple[str, int, str]]) -> list[str]:
    known = titles()
    return [
        f"{where}:{line}: {text[:60]!r}"
        for where, line, text in mentions(literals)
        if not any(text.startswith(title) for title in known)
    ]


def test_every_command_a_daemon_message_names_exists() -> None:
    assert len(mentions(python_literals())) >= 3  # the key messages (session/factory.py, backends/) are seen
    assert not unknown(python_literals()), "no such command in extension/package.json"


def test_every_command_an_extension_message_names_exists() -> None:
    assert mentions(ts_literals())  # the screen-sharing picker names its command
    assert not unknown(ts_literals()), "no such command in extension/package.json"


def test_a_wrong_title_is_caught() -> None:
    assert titles() and "LivePair: Set Gemini API key" in titles()
    planted = [("x.py", 1, "No key. Run 'LivePair: Set API Key' or set GEMINI_API_KEY.")]
    assert unknown(planted) == ['x.py:1: "LivePair: Set API Key\' or set GEMINI_API_KEY."']
    assert not unknown([("x.py", 1, "LivePair: API key saved.")])  # the speaker's prefix
    assert not unknown([("x.ts", 1, "$(error) LivePair: stopped")])  # a state
