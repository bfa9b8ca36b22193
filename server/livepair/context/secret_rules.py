"""Token formats from gitleaks' maintained rule set (`secret_rules.toml`, MIT, attribution in its header).

The rule data is read and its ~220 regexes compiled on first use, never at import: the daemon must start fast.
Matching follows gitleaks' semantics: a rule runs only where one of its keywords occurs (one pass of a keyword
regex over the lower-cased text finds them), the secret is the rule's secret group (else the first non-empty
group, else the whole match), its Shannon entropy must exceed the rule's threshold (generic rules also need a
digit), and the rule's and the global allowlists (regexes on the secret, the match or the line; stopwords) veto.
Each rule runs over the line holding its keyword, so one hit costs one short search.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("secret_rules.toml")
# rules we replace: private keys are found as a stream (key_blocks), and generic assignments by the redactor's
# own name/entropy rules, which know code styles (type hints, kwargs, YAML) that gitleaks' one regex does not
SKIPPED = frozenset({"private-key", "generic-api-key"})


@dataclass(frozen=True)
class Allow:
    target: str  # "secret", "match" or "line"
    regexes: tuple[re.Pattern[str], ...]
    stopwords: tuple[str, ...]

    def vetoes(self, secret: str, match: str, line: str) -> bool:
        subject = {"match": match, "line": line}.get(self.target, secret)
        low = secret.lower()
        return any(r.search(subject) for r in self.regexes) or any(w in low for w in self.stopwords)


@dataclass(frozen=True)
class Rule:
    id: str
    regex: re.Pattern[str]
    group: int  # 0: gitleaks' default (first non-empty group, else the whole match)
    entropy: float
    allows: tuple[Allow, ...] = field(default=())

    @property
    def kind(self) -> str:
        return re.sub(r"[^A-Z0-9]+", "_", self.id.upper()).strip("_")

    def secret_span(self, m: re.Match[str]) -> tuple[int, int]:
        if self.group:
            return m.span(self.group)
        for g in range(1, (m.re.groups or 0) + 1):
            if m.group(g):
                # a group shorter than any secret is a piece of it (one of a webhook URL's repeated ids): mask all
                return m.span(g) if len(m.group(g)) >= 8 else m.span()
        return m.span()


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    by_keyword: dict[str, tuple[int, ...]]
    keywords: re.Pattern[str]
    allow: Allow

    def scan(self, text: str, low: str) -> list[tuple[int, int, str]]:
        """(start, end, kind) of every secret the rules find; `low` is text.lower() with the same offsets."""
        out: list[tuple[int, int, str]] = []
        done: set[tuple[int, int]] = set()  # (rule, line start): each rule runs once per line
        line_start, line_end = 0, -1
        for hit in self.keywords.finditer(low):
            at, word = hit.start(), hit.group()
            if at > line_end:
                line_start = text.rfind("\n", 0, at) + 1
                line_end = text.find("\n", at) % (len(text) + 1)
            # the regex takes the longest keyword at a position: its hit stands for every keyword it starts with
            for index in {i for n in range(1, len(word) + 1) for i in self.by_keyword.get(word[:n], ())}:
                if (index, line_start) in done:
                    continue
                done.add((index, line_start))
                self.run(index, text, line_start, line_end, out)
        return out

    def run(self, index: int, text: str, start: int, end: int, out: list[tuple[int, int, str]]) -> None:
        """Rule `index` over text[start:end] (one line), appending (start, end, kind) of what it finds."""
        rule = self.rules[index]
        for m in rule.regex.finditer(text, start, end):
            s, e = rule.secret_span(m)
            secret = text[s:e]
            if not secret or (rule.entropy and entropy(secret) <= rule.entropy):
                continue
            if rule.id.startswith("generic") and not any(c.isdigit() for c in secret):
                continue
            line = text[start:end]
            if any(a.vetoes(secret, m.group(), line) for a in (*rule.allows, self.allow)):
                continue
            out.append((s, e, rule.kind))


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def trie(words: list[str]) -> str:
    """One regex for many literals, factored by prefix: Python's engine does not do that for a plain `a|b|c`."""
    heads: dict[str, list[str]] = {}
    for word in words:
        heads.setdefault(word[:1], []).append(word[1:])
    alts = []
    for head, tails in sorted(heads.items()):
        rest = [t for t in tails if t]
        body = trie(rest) if rest else ""
        alts.append(re.escape(head) + (f"(?:{body})?" if body and "" in tails else body))
    return alts[0] if len(alts) == 1 else f"(?:{'|'.join(alts)})"


def _allow(data: dict[str, object]) -> Allow:
    regexes = data.get("regexes", [])
    stopwords = data.get("stopwords", [])
    assert isinstance(regexes, list) and isinstance(stopwords, list)
    return Allow(
        str(data.get("regexTarget", "secret")),
        tuple(re.compile(str(r)) for r in regexes),
        tuple(str(w).lower() for w in stopwords),
    )


@cache
def load(path: Path = DATA) -> RuleSet:
    """Parse and compile the rule data once per process (first use)."""
    import tomllib  # only here: importing it costs start-up time

    with path.open("rb") as f:
        data = tomllib.load(f)
    rules: list[Rule] = []
    by_keyword: dict[str, list[int]] = {}
    for raw in data["rules"]:
        if raw["id"] in SKIPPED or not raw.get("keywords"):
            continue
        allows = tuple(_allow(a) for a in raw.get("allowlists", []))
        rule = Rule(raw["id"], re.compile(raw["regex"]), int(raw.get("secretGroup", 0)), float(raw.get("entropy", 0)))
        rules.append(Rule(rule.id, rule.regex, rule.group, rule.entropy, allows))
        for word in raw["keywords"]:
            by_keyword.setdefault(word.lower(), []).append(len(rules) - 1)
    keywords = re.compile(trie(sorted(by_keyword)))
    frozen = {k: tuple(v) for k, v in by_keyword.items()}
    return RuleSet(tuple(rules), frozen, keywords, _allow(data.get("allowlist", {})))
