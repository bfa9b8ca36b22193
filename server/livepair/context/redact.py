"""Find secrets in editor context and mask them with stable placeholders before anything leaves the machine.

One pass of a trigger regex over the lower-cased text (``key``, ``token``, ``aiza``, ``://``, and every keyword of
gitleaks' rules) finds where to look; only the regexes anchored at each hit run. What is looked for:
  - token formats: gitleaks' maintained rule set (secret_rules, data in secret_rules.toml) and our own where it
    has none or would leave part of a secret visible (hand_rules: Google keys, JWT signatures, mysql -p...);
  - values assigned to secret-looking names, in code, JSON, YAML, .env, shell flags, URLs (secret_values);
  - private keys as a stream, with or without their BEGIN line (key_blocks);
  - the same again on escaped strings with their escapes resolved (a JSON-encoded config or key).
Tables are built on first use, so importing this module stays cheap.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache

from livepair.context import key_blocks, secret_rules
from livepair.context.hand_rules import CONTEXTUAL, UNTRIGGERED, token_specs
from livepair.context.secret_values import LENIENT, STRICT, looks_fake, name_strictness, plausible


@dataclass(frozen=True)
class SecretMatch:
    """One secret: its kind (`GOOGLE_API_KEY`, or the variable name it was assigned to) and where it is."""

    kind: str
    start: int  # span of the secret value itself, not of its variable name or quotes
    end: int


# values found by context rather than by format still need the plausibility check
_CONTEXTUAL = {"URL_PASSWORD": LENIENT, "BEARER_TOKEN": STRICT, "AUTHORIZATION": STRICT, **CONTEXTUAL}
# words that make a variable name secret-looking; the last two also trigger token formats
_NAME_TRIGGERS = ("pass", "pwd", "secret", "token", "key", "auth", "cred", "authorization", "accountkey=", "api")


@dataclass(frozen=True)
class _Tables:
    """Compiled on first use, not at import (daemon start-up time): token formats, their triggers, gitleaks' rules."""

    tokens: list[tuple[str, re.Pattern[str], int, int]]
    # each trigger word -> (offset, token spec) pairs, gitleaks rules, and the offset of a secret-looking name
    # word in it ((-1, -1): none). The trigger regex takes the longest word at a position, which so stands for every
    # trigger inside it: `co_api_key` is cohere's keyword and also a name ending in `key`.
    dispatch: dict[str, tuple[tuple[tuple[int, int], ...], tuple[int, ...], tuple[int, int]]]
    trigger: re.Pattern[str]
    untriggered: list[tuple[str, re.Pattern[str], int]]
    rules: secret_rules.RuleSet


@cache
def _tables() -> _Tables:
    specs = token_specs()
    by_trigger: dict[str, list[int]] = {}
    for i, (_, triggers, *_) in enumerate(specs):
        for t in triggers.split():
            by_trigger.setdefault(t, []).append(i)
    rules = secret_rules.load()
    words = {*by_trigger, *_NAME_TRIGGERS, "-----begin", *rules.by_keyword}
    dispatch = {}
    for word in words:
        inside = [(at, word[at:end]) for at in range(len(word)) for end in range(at + 1, len(word) + 1)]
        names = [(at, at + len(part)) for at, part in inside if part in _NAME_TRIGGERS]
        dispatch[word] = (
            tuple(sorted({(at, i) for at, part in inside for i in by_trigger.get(part, ())})),
            tuple(sorted({i for at, part in inside if at == 0 for i in rules.by_keyword.get(part, ())})),
            min(names, default=(-1, -1)),
        )
    return _Tables(
        [(kind, re.compile(src), group, back) for kind, _, src, group, back in specs],
        dispatch,
        re.compile(secret_rules.trie(sorted(words))),
        [(kind, re.compile(src), group) for kind, src, group in UNTRIGGERED],
        rules,
    )


_QUOTED = r"""[bBrRuUfF]?(?P<q>["'`])(?P<quoted>(?:(?!(?P=q))[^\\\n]|\\.)*)(?P=q)"""
_TYPE_HINT = r"(?:\??:[ \t]*[A-Za-z_][\w\[\], .|]{0,60}?[ \t]*)?"
# what may follow a secret-looking name, by style; the value is in `v` (unquoted) or `quoted`
_TAILS = {
    "code": re.compile(rf"\]?[ \t]*{_TYPE_HINT}(?:[:=]|:=|=>|\?\?=|\|\|=)[ \t]*{_QUOTED}"),  # code, JSON, YAML
    "pair": re.compile(rf"[ \t]*,[ \t]*{_QUOTED}"),  # `set("password", "...")`; lists of names are not pairs
    "env": re.compile(r"""=(?P<v>[^\s"'`=][^\s"'`]*)"""),  # .env and shell, no spaces around `=`
    "line": re.compile(r"""[ \t]*(?P<sep>[=:])[ \t]*(?P<v>[^\s"'`#|>&*!]\S*)(?:[ \t]+#.*)?[ \t]*\r?$"""),
    "kv": re.compile(r"""=(?P<v>[^\s"'`;,&()]+)(?=[\s;&]|$)"""),  # logs, libpq and .NET connection strings
    "query": re.compile(r"""=(?P<v>[^&#\s"'`<>=][^&#\s"'`<>]*)"""),
    "cli": re.compile(rf"""(?:=|[ \t]+)(?:{_QUOTED}|(?P<v>[^\s"'`-]\S*))"""),
    "xml": re.compile(r""">(?P<v>[^<>\s]+)</"""),
}
# a YAML / INI line may follow an excerpt gutter (`  12| `) or a `grep -n` prefix
_LINE_HEAD = re.compile(r"(?:[^\n]*?(?:\||\d:))?[ \t]*(?:-[ \t]+)?")
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$.-")
_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*")


_PLACEHOLDER = re.compile(r"<secret:[A-Z0-9_]+#\d+>")
_PEM_BEGIN = re.compile(r"-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = re.compile(r"-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----")
_PEM_INNER = re.compile(r"[A-Za-z0-9+/=\s\\|│:,.-]*")  # base64, headers, JSON escapes, excerpt gutters
# body lines of a truncated key: base64 or `Header: value`, maybe JSON-escaped or behind an excerpt gutter
_PEM_BODY = re.compile(
    r"(?:(?:\r?\n|\\r?\\n)[ \t]*(?:\d+[ \t]*[|│][ \t]?)?"
    r"(?:[A-Za-z-]+: ?[^\n\\]*|[A-Za-z0-9+/=]*)[ \t]*(?=[\r\n\\\"']|$))*"
)
_LINE_BREAK = re.compile("(\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029])")  # what str.splitlines() splits at
_MAX_DOCUMENTS = 16  # redacted documents cached for windows cut from them
_MAX_SPREAD = 100  # recent assignment values also masked wherever they recur, e.g. echoed in terminal output
_MAX_NAME = 100

# start, end, kind, priority: 0 a token format, 1 from context (a variable name...), 2 a recurring value
Found = list[tuple[int, int, str, int]]


def _kind(name: str) -> str:
    """`DB_PASSWORD` -> DB_PASSWORD, `self.apiKey` -> API_KEY, `x-auth-token` -> X_AUTH_TOKEN."""
    last = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.rsplit(".", 1)[-1].strip("$_-")).upper()
    return re.sub(r"[^A-Z0-9_]", "_", last)[:40] or "SECRET"


def _match_token(text: str, spec: int, at: int, line_end: int, found: Found) -> None:
    kind, regex, group, back = _tables().tokens[spec]
    if at < back or (group == 0 and at > back and text[at - back - 1].isalnum()):
        return  # mid-word: `ACCA...` in a DNA string is no AWS key (and long runs are not rescanned per hit)
    m = regex.match(text, at - back, line_end)
    if not m:
        return
    if group < 0:  # alternatives: the first group that matched
        group = next(g for g in range(1, regex.groups + 1) if m.group(g) is not None)
    start, end = m.span(group)
    strictness = _CONTEXTUAL.get(kind)
    value = text[start:end]
    if looks_fake(value):
        return
    if strictness and not plausible(value, strictness, True, "url"):
        return
    while group == 0 and end < line_end and text[end].isascii() and (text[end].isalnum() or text[end] in "_-"):
        end += 1  # a longer token than the pattern knows: never leave its tail visible
    found.append((start, end, kind, 1 if strictness else 0))  # a format beats context on the same span


def _match_assignment(text: str, line_start: int, line_end: int, start: int, end: int, found: Found) -> None:
    """Try every assignment style on the secret-looking name at text[start:end]."""
    name = text[start:end]
    quote = text[start - 1] if start > line_start and text[start - 1] in "\"'" else ""
    if quote and text[end : end + 1] != quote:
        return  # inside a string, not a quoted key
    before, after = start - len(quote), end + len(quote)
    if text[after : after + 1] not in ("=", ":", "]", ">", ",", "?", "|", " ", "\t"):
        return  # `token)`, `token.value`, `tokens[`: no assignment can follow
    prev = text[before - 1 : before] if before > line_start else ""
    head = text[line_start:before] if before - line_start < 256 else "?"  # bounded: minified JS
    at_line_head = not head.strip(" \t-") or (("|" in head or ":" in head) and _LINE_HEAD.fullmatch(head))
    styles = ["code", *(["line"] if at_line_head else []), *(["pair"] if quote and prev == "(" else [])]
    if not quote:  # unquoted names: `X_TOKEN=...`, `?token=...`, `<password>...`, `--password ...`
        styles += ["env"] if prev != "-" and _ENV_NAME.fullmatch(name) else []
        styles += {"?": ["query"], "&": ["query"], "<": ["xml"]}.get(prev, [])
        styles += ["cli"] if text[start - 2 : start] == "--" else []
        styles += ["kv"] if prev in (" ", "\t", ";") and text[before - 2 : before] != ", " else []  # not kwargs
    for style in styles:
        m = _TAILS[style].match(text, after, line_end)
        if not m or (style == "xml" and not text.startswith(name + ">", m.end())):
            continue
        groups = m.groupdict()
        group = next((g for g in ("v", "quoted") if groups.get(g) is not None), "")
        style = "yaml" if groups.get("sep") == ":" else style
        strictness = name_strictness(name, style)
        if group and strictness and plausible(m[group], strictness, group != "v", style, name):
            found.append((*m.span(group), _kind(name), 1))


def _match_pem(text: str, found: Found) -> None:
    begins = list(_PEM_BEGIN.finditer(text))
    for begin, limit in zip(begins, [b.start() for b in begins[1:]] + [len(text)], strict=False):
        end = _PEM_END.search(text, begin.end(), min(limit, begin.end() + 20000))
        if end and _PEM_INNER.fullmatch(text, begin.end(), end.start()):
            stop = end.end()
        else:  # truncated (or just a marker in code): take the body lines that follow
            body = _PEM_BODY.match(text, begin.end())
            stop = body.end() if body else begin.end()
        if re.search(r"[A-Za-z0-9+/]{16}", text[begin.end() : stop]):  # a bare marker is no secret
            found.append((begin.start(), stop, "PRIVATE_KEY", 0))


def _find(text: str) -> Found:
    """Every secret span in text, unmerged: token formats, gitleaks' rules, assignments, keys."""
    found: Found = []
    line_start, line_end, name_start = 0, -1, -1
    low = text.lower()  # lower() never shrinks a character, so the same length means the same offsets
    low = low if len(low) == len(text) else text.encode("ascii", "replace").decode("ascii").lower()
    tables = _tables()
    rules_run: set[tuple[int, int]] = set()  # (rule, line start): each gitleaks rule runs once per line
    gitleaks: list[tuple[int, int, str]] = []
    for hit in tables.trigger.finditer(low):
        at = hit.start()
        specs, rules, (name_at, name_end) = tables.dispatch[hit.group()]
        if at > line_end:
            line_start = text.rfind("\n", 0, at) + 1
            line_end = text.find("\n", at) % (len(text) + 1)  # not found (-1) -> len(text)
        for offset, spec in specs:
            _match_token(text, spec, at + offset, line_end, found)
        for rule in rules:
            if (rule, line_start) not in rules_run:
                rules_run.add((rule, line_start))
                tables.rules.run(rule, text, line_start, line_end, gitleaks)
        if name_at >= 0:
            at, start, end = at + name_at, at + name_at, at + name_end
            lowest, highest = max(line_start, at - _MAX_NAME), min(line_end, at + _MAX_NAME)
            while start > lowest and text[start - 1] in _NAME_CHARS:
                start -= 1
            while end < highest and text[end] in _NAME_CHARS:
                end += 1
            while start < at and text[start] in "-.":
                start += 1  # `--password`, `.token`
            if start != name_start and end - start < _MAX_NAME:  # one try per name; a base64 run is no name
                name_start = start
                _match_assignment(text, line_start, line_end, start, end, found)
    if "-----BEGIN" in text:
        _match_pem(text, found)
    found += [(start, end, "PRIVATE_KEY", 0) for start, end in key_blocks.key_spans(text)]
    found += [(start, end, kind, 0) for start, end, kind in gitleaks]  # after ours: ours name a shared span
    for kind, regex, group in tables.untriggered:
        found += [(*m.span(group), kind, 0) for m in regex.finditer(text)]
    return found


_ESCAPE = re.compile(r"""\\(["'\\/nrt])""")
_UNESCAPED = {"n": "\n", "r": "\r", "t": "\t"}


def _escaped_lines(text: str) -> list[tuple[int, int]]:
    """Spans of the lines holding a string escape; a run of them (an escaped key's lines) is one span."""
    spans: list[tuple[int, int]] = []
    for m in _ESCAPE.finditer(text):
        if spans and m.start() < spans[-1][1]:
            continue
        first = text.rfind("\n", 0, m.start()) + 1
        last = text.find("\n", m.end()) % (len(text) + 1)
        spans.append((first, last))
    return spans


def _unescape(text: str) -> tuple[str, list[int], list[int]]:
    """Text with string escapes resolved, and for each of its characters the raw span's start and end."""
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    last = 0
    for m in _ESCAPE.finditer(text):
        parts += (text[last : m.start()], _UNESCAPED.get(m[1], m[1]))
        starts += [*range(last, m.start()), m.start()]
        ends += [*range(last + 1, m.start() + 1), m.end()]
        last = m.end()
    parts.append(text[last:])
    starts += range(last, len(text))
    ends += range(last + 1, len(text) + 1)
    return "".join(parts), starts, ends


class Redactor:
    """Masks secrets with placeholders that stay stable for the life of the instance (one per model session).

    A value found through its variable name is also masked wherever it recurs later, e.g. echoed by a command.
    ``find`` and ``contains_secret`` work even when disabled (the privacy gate relies on them) and, like
    ``redact``, remember what they saw. Thread-safe (a lock around each scan), so a tool's worker thread may use
    the session's instance.

    Redact before excerpting: whoever cuts a window out of a document (an excerpt around the cursor, a read from
    line N, a search hit, a 240-character cut) takes it from ``redact_document`` / ``redact_lines`` /
    ``redact_window``, which see the whole document (a key whose BEGIN line is far above the window is still a
    key) and keep its line structure, so line numbers stay right. The last few documents are cached by content.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._lock = threading.RLock()
        self._documents: OrderedDict[str, str] = OrderedDict()  # document -> redacted, most recent last
        self._placeholders: dict[str, str] = {}  # secret value -> placeholder; must never be logged
        self._per_kind: dict[str, int] = {}
        self._spread: dict[str, str] = {}  # value -> kind: masked again where it recurs without its name

    def __repr__(self) -> str:
        return f"Redactor(enabled={self.enabled}, count={self.count})"

    @property
    def count(self) -> int:
        """Distinct secret values seen so far."""
        return len(self._placeholders)

    def find(self, text: str) -> list[SecretMatch]:
        return [SecretMatch(kind, start, end) for start, end, kind in self._scan(text)]

    def contains_secret(self, text: str) -> bool:
        return bool(self._scan(text))

    def redact(self, text: str) -> str:
        if not self.enabled:
            return text
        parts: list[str] = []
        last = 0
        for start, end, _ in self._scan(text):
            parts += (text[last:start], self._placeholders[text[start:end]])
            last = end
        return "".join(parts) + text[last:] if parts else text

    def redact_document(self, text: str) -> str:
        """The whole document redacted line for line: a secret spanning lines leaves its placeholder on each."""
        if not self.enabled:
            return text
        with self._lock:
            if (done := self._documents.get(text)) is not None:
                self._documents.move_to_end(text)
                return done
            parts: list[str] = []
            last = 0
            for start, end, _ in self._scan(text):
                placeholder = self._placeholders[text[start:end]]
                pieces = _LINE_BREAK.split(text[start:end])  # content, break, content...: breaks are kept
                parts += (
                    text[last:start],
                    *(p if i % 2 or not p.strip() else placeholder for i, p in enumerate(pieces)),
                )
                last = end
            done = "".join(parts) + text[last:] if parts else text
            self._documents[text] = done
            if len(self._documents) > _MAX_DOCUMENTS:
                self._documents.popitem(last=False)
            return done

    def redact_lines(self, lines: list[str]) -> list[str]:
        """`lines` of one document (from str.splitlines()), each redacted knowing all the others."""
        return self.redact_document("\n".join(lines)).split("\n") if self.enabled else lines

    def redact_window(self, document: str, start_line: int, end_line: int) -> str:
        """Lines [start_line, end_line) (0-based) of the redacted document."""
        return "\n".join(self.redact_document(document).split("\n")[start_line:end_line])

    def _scan(self, text: str) -> list[tuple[int, int, str]]:
        with self._lock:
            return self._scan_locked(text)

    def _scan_locked(self, text: str) -> list[tuple[int, int, str]]:
        """Merged, sorted secret spans; registers each value's placeholder."""
        found = _find(text)
        if "\\" in text:  # JSON- or shell-escaped strings: also look at their lines unescaped
            for first, last in _escaped_lines(text):
                plain, starts, ends = _unescape(text[first:last])
                found += [(first + starts[s], first + ends[e - 1], k, p) for s, e, k, p in _find(plain) if e > s]
        for value, kind in list(self._spread.items())[-_MAX_SPREAD:]:
            at = text.find(value)
            while at >= 0:
                end = at + len(value)
                if not (text[at - 1 : at].isalnum() or text[end : end + 1].isalnum()):  # `hunter2` in `hunter22`
                    found.append((at, end, kind, 2))
                at = text.find(value, end)
        return self._merge(text, found)

    def _merge(self, text: str, found: Found) -> list[tuple[int, int, str]]:
        """Union overlapping spans (never leave part of a secret visible), skipping our own placeholders."""
        if "<secret:" in text:  # drop whatever overlaps a placeholder (sorted, so bisect)
            ours = [m.span() for m in _PLACEHOLDER.finditer(text)]
            ends = [e for _, e in ours]
            found = [f for f in found if (i := bisect_right(ends, f[0])) == len(ours) or ours[i][0] >= f[1]]
        merged: Found = []
        for start, end, kind, prio in sorted(found, key=lambda f: (f[0], -f[1], f[3])):
            if merged and start < merged[-1][1]:
                s0, e0, k0, p0 = merged[-1]
                better = (end - start, -prio) > (e0 - s0, -p0)  # the longest span names the kind
                merged[-1] = (s0, max(e0, end), kind if better else k0, prio if better else p0)
            else:
                merged.append((start, end, kind, prio))
        out: list[tuple[int, int, str]] = []
        for start, end, kind, prio in merged:
            value = text[start:end]
            if value not in self._placeholders:
                n = self._per_kind[kind] = self._per_kind.get(kind, 0) + 1
                self._placeholders[value] = f"<secret:{kind}#{n}>"
            if prio == 1 and len(value) >= 6 and not value.isalpha() and any(c.isalpha() for c in value):
                self._spread.pop(value, None)
                self._spread[value] = kind  # re-inserted so the most recent stay within _MAX_SPREAD
            out.append((start, end, kind))
        return out


def warm() -> None:
    """Build the tables now (detect-secrets' import, gitleaks' ~220 regexes: ~0.1-0.3 s) rather than on the first
    redaction: for a pre-forking parent or an idle moment after start-up."""
    _tables()
