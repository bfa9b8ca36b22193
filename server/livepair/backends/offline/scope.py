"""What the offline advisor covers: Python, Node.js and the shell. A failed run of another language (a compiler
or runtime it does not read: go, cargo, javac, gcc...) gets one honest note per session, on the line the compiler
named when it named one, and never a diagnosis borrowed from the Python catalogue.
"""

from __future__ import annotations

import re
from pathlib import Path

from livepair.backends.offline import honest
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Finding

LANGUAGES = {
    "go": "Go", "cargo": "Rust", "rustc": "Rust", "javac": "Java", "java": "Java", "mvn": "Java", "gradle": "Java",
    "gradlew": "Java", "gcc": "C", "cc": "C", "clang": "C", "g++": "C++", "clang++": "C++", "dotnet": "C#",
    "ruby": "Ruby", "bundle": "Ruby", "php": "PHP", "swift": "Swift", "swiftc": "Swift", "kotlinc": "Kotlin",
    "kotlin": "Kotlin", "perl": "Perl", "Rscript": "R", "julia": "Julia", "ghc": "Haskell", "zig": "Zig",
    "dart": "Dart", "scala": "Scala", "elixir": "Elixir", "mix": "Elixir", "lua": "Lua",
}  # fmt: skip
ENV = re.compile(r"^(?:\w+=\S*\s+)+")
# file:line as compilers print it: "main.go:5:2:", "Hello.java:3: error", "--> src/main.rs:2:5", "main.c:3:5: error"
EXTENSIONS = r"go|rs|java|c|cc|cpp|h|hpp|cs|rb|php|swift|kt|pl|jl|hs|zig|dart|scala|exs?|lua|R"
WHERE = re.compile(rf"(?:^|\s|--> )(?P<file>[\w./-]+\.(?:{EXTENSIONS})):(?P<line>\d+)", re.M)


def language(command: str, output: str) -> str | None:
    """The language of a run the advisor does not read, from the program the command starts."""
    words = ENV.sub("", command.strip()).split()
    if not words:
        return None
    program = Path(words[0]).name
    lang = LANGUAGES.get(program)
    if lang is None or re.search(rf"{re.escape(program)}: (?:command )?not found", output):
        return None  # a missing program is the shell's failure, which the advisor does cover
    return lang


class Scope:
    """Says once per session that another language is outside the offline advisor."""

    def __init__(self) -> None:
        self.said = False

    def note(self, command: str, output: str, root: Path, cwd: Path) -> Finding | None:
        lang = language(command, output)
        if lang is None or self.said:
            return None
        self.said = True
        place = None
        for m in WHERE.finditer(output):
            path = (cwd / m["file"]).resolve()
            if path.is_file() and (root.resolve() == path or root.resolve() in path.parents):
                place = ws.Place(path, int(m["line"]))
                break
        return honest.hint(
            f"This {lang} run failed: the offline advisor covers Python, Node.js and the shell, not {lang}, so "
            "read the compiler's message above",
            place,
            f"I don't read {lang} errors, and I say so once per session",
        )
