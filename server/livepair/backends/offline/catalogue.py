"""The error catalogue: data files (one per error family) of patterns and advice templates.

Order matters: families are tried in FAMILIES order and entries in file order, most specific first, and the
first match wins. Named groups become template fields; `name2`, `name3`... are alternatives for `name`.
"""

from __future__ import annotations

import re
import string
import tomllib
from dataclasses import dataclass
from importlib import resources

FAMILIES = ("http", "shell", "python")  # for terminal output
DIAGNOSTIC_FAMILIES = ("diagnostics", "python")  # for a diagnostic's message


@dataclass(frozen=True)
class Entry:
    id: str
    family: str
    pattern: re.Pattern[str]
    say: str
    enrich: str | None
    example: str


@dataclass(frozen=True)
class Match:
    entry: Entry
    fields: dict[str, str]

    def text(self, **extra: str) -> str:
        return self.entry.say.format_map(_Blank(self.fields | extra))

    def missing(self, **extra: str) -> set[str]:
        """Template fields this match cannot fill (a catalogue bug the tests catch)."""
        wanted = {name for _, name, _, _ in string.Formatter().parse(self.entry.say) if name}
        return wanted - self.fields.keys() - extra.keys()


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "that"  # reads naturally in any template if a pattern alternative lacks the group


def load(family: str) -> list[Entry]:
    raw = tomllib.loads((resources.files("livepair.backends.offline") / "catalogue" / f"{family}.toml").read_text())
    return [
        Entry(e["id"], family, re.compile(e["pattern"]), e["say"], e.get("enrich"), e.get("example", ""))
        for e in raw["entry"]
    ]


class Catalogue:
    def __init__(self) -> None:
        self.families = {name: load(name) for name in dict.fromkeys(FAMILIES + DIAGNOSTIC_FAMILIES)}

    def entries(self) -> list[Entry]:
        return [e for entries in self.families.values() for e in entries]

    def match(self, text: str, families: tuple[str, ...] = FAMILIES) -> Match | None:
        for family in families:
            for entry in self.families[family]:
                m = entry.pattern.search(text)
                if m:
                    return Match(entry, _fields(m))
        return None

    def match_output(self, output: str) -> tuple[Match, str] | None:
        """The last error in terminal output (scanning up from the end): the match and its line."""
        for line in reversed(output.splitlines()[-400:]):
            found = self.match(line)
            if found:
                return found, line
        return None


def _fields(m: re.Match[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for name, value in m.groupdict().items():
        if value:
            fields.setdefault(name.rstrip("0123456789"), value.strip())
    return fields
