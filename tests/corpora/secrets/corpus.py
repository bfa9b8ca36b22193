"""The secret corpus: formats (gitleaks' rules plus formats.toml) with fresh fake values, placed in realistic lines.

Values are generated at run time from a seeded random source, never stored: a gitleaks format's value is a random
string matching the rule's own regex (as gitleaks' generator makes its true-positive examples), checked against
that rule; a hand format's value comes from its template in formats.toml (`{hex:32}`, `{alnum:20}`, ...).
Nothing here is a live secret.
"""

from __future__ import annotations

import random
import re
import string
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from re import _constants as sre_c  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

from livepair.context import secret_rules

HERE = Path(__file__).parent
# gitleaks rules we do not count: identifiers its own docs call public (client ids, publishable keys), and rules
# whose match spans lines (their examples are whole YAML documents / curl scripts, covered by our own formats)
EXCLUDED = {
    "kubernetes-secret-yaml": "multi-line YAML document",
    "curl-auth-header": "spans lines; curl formats are in formats.toml",
    "curl-auth-user": "spans lines; curl formats are in formats.toml",
    "jwt-base64": "base64 of a JWT: a generated example is not a valid one",
    "sentry-org-token": "its middle must be base64 of a JSON field; not generated",
    "aws-amazon-bedrock-api-key-short-lived": "a fixed literal prefix with no random part",
    # numeric public ids: found next to their keyword (`ASANA_CLIENT_ID = ...`); as a bare CLI flag's value a
    # 16-digit number is indistinguishable from any other number
    "asana-client-id": "a numeric public client id",
    "discord-client-id": "a numeric public client id",
}


# gitleaks rules whose regex is a context (an XML attribute) rather than a token: their own line is their place
OWN_LINES = {"nuget-config-password": '    <add key="ClearTextPassword" value="{v}" />'}


@dataclass(frozen=True)
class Format:
    id: str
    source: str  # where the format comes from
    name: str  # a realistic variable name to assign it to
    make: Callable[[random.Random], str]  # a fresh fake value
    line: str = ""  # a whole-line template with `{v}` when the format has its own context (a .pgpass line)


_ALPHABETS = {
    "hex": "0123456789abcdef",
    "HEX": "0123456789ABCDEF",
    "alnum": string.ascii_letters + string.digits,
    "lower": string.ascii_lowercase + string.digits,
    "upper": string.ascii_uppercase + string.digits,
    "b64": string.ascii_letters + string.digits + "+/",
    "b64url": string.ascii_letters + string.digits + "_-",
    "digits": string.digits,
    "pw": string.ascii_letters + string.digits + "!#%^*_-+.",
}
_FIELD = re.compile(r"\{(\w+):(\d+)\}")


def from_template(template: str) -> Callable[[random.Random], str]:
    def make(rng: random.Random) -> str:
        return _FIELD.sub(lambda m: "".join(rng.choice(_ALPHABETS[m[1]]) for _ in range(int(m[2]))), template)

    return make


# -- values from a rule's regex -----------------------------------------------------------------------------
_SAFE = string.ascii_letters + string.digits + "_-."
_CATEGORY = {
    sre_c.CATEGORY_DIGIT: string.digits,
    sre_c.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
    sre_c.CATEGORY_SPACE: " ",
    sre_c.CATEGORY_NOT_SPACE: _SAFE,
    sre_c.CATEGORY_NOT_DIGIT: string.ascii_letters,
    sre_c.CATEGORY_NOT_WORD: " ",
}


def _charset(items: list, ignorecase: bool) -> str:
    chars: set[str] = set()
    negate = False
    for op, av in items:
        if op is sre_c.NEGATE:
            negate = True
        elif op is sre_c.LITERAL:
            chars.add(chr(av))
        elif op is sre_c.RANGE:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op is sre_c.CATEGORY:
            chars.update(_CATEGORY.get(av, ""))
    if negate:
        chars = set(_SAFE) - chars
    chars = {c for c in chars if c.isprintable() and c not in "\r\n\t\x0b\x0c"} or {" "}
    return "".join(sorted(chars))


def _emit(tree, rng: random.Random, out: list[str], ignorecase: bool = False) -> None:
    for op, av in tree:
        if op is sre_c.LITERAL:
            out.append(chr(av))
        elif op is sre_c.NOT_LITERAL:
            out.append(rng.choice([c for c in _SAFE if ord(c) != av]))
        elif op is sre_c.ANY:
            out.append(".")  # rules write `hooks.slack.com` with unescaped dots
        elif op is sre_c.IN:
            out.append(rng.choice(_charset(av, ignorecase)))
        elif op is sre_c.BRANCH:
            _emit(rng.choice(av[1]), rng, out, ignorecase)
        elif op is sre_c.SUBPATTERN:
            _emit(av[3], rng, out, ignorecase)
        elif op is sre_c.ATOMIC_GROUP:
            _emit(av, rng, out, ignorecase)
        elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT, sre_c.POSSESSIVE_REPEAT):
            low, high, sub = av
            high = min(high, low + 12)
            n = low if op is sre_c.MIN_REPEAT else rng.randint(low, high) if low != high else low
            for _ in range(n):
                _emit(sub, rng, out, ignorecase)
        # AT, ASSERT, ASSERT_NOT, GROUPREF: emit nothing


def from_rule(rule: secret_rules.Rule) -> Callable[[random.Random], str] | None:
    """A maker of fresh values the rule itself detects, or None if random strings from its regex never pass."""
    tree = sre_parse.parse(rule.regex.pattern)
    probe = secret_rules.RuleSet((rule,), {}, re.compile("x"), secret_rules.Allow("secret", (), ()))

    def make(rng: random.Random) -> str:
        for _ in range(200):
            out: list[str] = []
            _emit(tree, rng, out)
            text = "".join(out)
            found: list[tuple[int, int, str]] = []
            probe.run(0, text, 0, len(text), found)
            secret = text[found[0][0] : found[0][1]] if found else ""
            # a value a user would paste: no spaces or quotes inside, and not mostly one character
            # (and not starting with `-`, which on a command line is the next flag)
            if secret and not re.search(r"[\s'\"`]", secret) and len(set(secret)) > 4 and secret[0] != "-":
                return secret
        raise ValueError(f"no value for {rule.id}")

    try:
        make(random.Random(0))
    except ValueError:
        return None
    return make


def _name_for(rule_id: str, keywords: list[str]) -> str:
    """A variable name that gives gitleaks' keyword rules the context they expect: `ADAFRUIT_API_KEY`."""
    words = [w for w in re.split(r"[^a-z0-9]+", rule_id) if w not in ("api", "key", "token", "access", "secret")]
    stem = "_".join(words[:2]) if words else "service"
    suffix = "SECRET" if "secret" in rule_id else "TOKEN" if "token" in rule_id else "API_KEY"
    return f"{stem}_{suffix}".upper()


def formats() -> list[Format]:
    """Every format: gitleaks' rules (minus EXCLUDED) and the hand formats in formats.toml."""
    rules = secret_rules.load()
    out: list[Format] = []
    for rule in rules.rules:
        if rule.id in EXCLUDED:
            continue
        make = from_rule(rule)
        if make is None:
            continue
        keywords = [k for k, v in rules.by_keyword.items() if any(rules.rules[i] is rule for i in v)]
        name = _name_for(rule.id, keywords)
        out.append(Format(f"gitleaks:{rule.id}", f"gitleaks rule {rule.id}", name, make, OWN_LINES.get(rule.id, "")))
    with (HERE / "formats.toml").open("rb") as f:
        for raw in tomllib.load(f)["format"]:
            out.append(Format(raw["id"], raw["source"], raw["name"], from_template(raw["value"]), raw.get("line", "")))
    return out


# -- placements ---------------------------------------------------------------------------------------------
def _lower(name: str) -> str:
    return name.lower()


def _kebab(name: str) -> str:
    return name.lower().replace("_", "-")


def _camel(name: str) -> str:
    first, *rest = name.lower().split("_")
    return first + "".join(w.title() for w in rest)


PLACEMENTS: dict[str, Callable[[str, str], str]] = {
    "python": lambda n, v: f'{_lower(n)} = "{v}"',
    "python-kwarg": lambda n, v: f'client = Service(region="eu-west-1", {_lower(n)}="{v}")',
    "javascript": lambda n, v: f"const {_camel(n)} = '{v}';",
    "json": lambda n, v: f'  "{_lower(n)}": "{v}",',
    "yaml": lambda n, v: f"    {_lower(n)}: {v}",
    "yaml-quoted": lambda n, v: f'  {_lower(n)}: "{v}"',
    "dotenv": lambda n, v: f"{n}={v}",
    "shell-export": lambda n, v: f'export {n}="{v}"',
    "docker-env": lambda n, v: f"docker run -e {n}={v} -p 8080:8080 registry.example.com/app:1.4",
    "cli-flag": lambda n, v: f"deploy-tool --region eu-west-1 --{_kebab(n)} {v} --verbose",
    "url-query": lambda n, v: f"https://api.example.com/v2/items?page=2&{_lower(n)}={v}",
    "toml": lambda n, v: f'{_lower(n)} = "{v}"',
    "log": lambda n, v: f"2026-12-07T05:21:03Z INFO starting worker pid=4121 {_lower(n)}={v} region=eu-west-1",
    "json-escaped": lambda n, v: '{"config": "{\\"' + _lower(n) + '\\": \\"' + v + '\\"}"}',
}


def placed(fmt: Format, value: str) -> dict[str, str]:
    """The format's value in every placement (or in its own line template, which is its realistic place)."""
    if fmt.line:
        return {"own": fmt.line.replace("{v}", value)}
    return {where: place(fmt.name, value) for where, place in PLACEMENTS.items()}


def leaks(line: str, value: str, redacted: str, run: int = 12) -> list[str]:
    """Pieces (`run` characters) of `value` still in `redacted` that the line does not hold besides the value."""
    frame = line.replace(value, "\0")
    pieces = {value[i : i + run] for i in range(max(1, len(value) - run + 1))}
    return sorted(p for p in pieces if p in redacted and p not in frame)


def ordinary_lines() -> list[tuple[str, str]]:
    """(line, where it comes from) for every line of ordinary.txt: `# origin` headers name the block below."""
    out: list[tuple[str, str]] = []
    origin = ""  # the file's header, before the first `## `, is not corpus
    for line in (HERE / "ordinary.txt").read_text().splitlines():
        if line.startswith("## "):
            origin = line[3:]
        elif line.strip() and origin:
            out.append((line, origin))
    return out
