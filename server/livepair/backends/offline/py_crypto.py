"""Keys that cannot do what they are asked: a Fernet key made new on every run (so nothing an earlier run encrypted
can be decrypted), and a value that is not a Fernet key at all (a token or a hex string where 32 url-safe base64
bytes belong), traced to the file that holds it. A key's value is never said, only its length.
"""

from __future__ import annotations

import re

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding, headline
from livepair.backends.offline.py_crash import crash, first_finding, frames


def advise(facts: Facts) -> Finding | None:
    return first_finding([_fresh_key, _not_a_fernet_key], facts)


def _fresh_key(facts: Facts) -> Finding | None:
    if not re.search(r"^cryptography\.fernet\.InvalidToken\s*$", facts.output, re.M):
        return None
    where = frames(facts)  # InvalidToken is not named ...Error: no crash() for it
    text = facts.read(where[-1].path) or "" if where else ""
    made = [n for n, s in enumerate(text.splitlines(), 1) if re.search(r"=\s*Fernet\.generate_key\(\)", s)]
    if not where or len(made) != 1 or re.search(r"\bwrite|getenv|environ|\.read\(", text.splitlines()[made[0] - 1]):
        return None
    return Finding(
        f"Line {made[0]} makes a new key every time the program runs, and a Fernet token can be decrypted only with "
        "the key that encrypted it: what an earlier run stored is unreadable now. Generate the key once, keep it "
        "(a file outside the repository, or an environment variable) and load that same key on every run.",
        ws.Place(where[-1].path, made[0]),
        headline=headline("a new Fernet key on every run"),
    )


def _not_a_fernet_key(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None or not c.detail.startswith("Fernet key must be 32 url-safe base64-encoded bytes"):
        return None
    named = re.search(r"""["'](?P<name>[A-Z][A-Z0-9_]*)["']|environ\.get\(\s*["'](?P<env>\w+)""", c.code)
    name = (named["name"] or named["env"]) if named else None
    if name is None:
        return None
    for path in sorted(facts.cwd.iterdir()):
        if not path.is_file() or not (path.name.endswith(".env") or path.name.startswith(".env")):
            continue
        lines = (facts.read(path) or "").splitlines()
        hit = next(((n, m) for n, s in enumerate(lines, 1) if (m := re.match(rf"\s*{name}\s*=\s*(?P<v>\S*)", s))), None)
        if hit is None:
            continue
        n, m = hit
        return Finding(
            f"{name} in {path.name} (line {n}) is {len(m['v'])} characters, and a Fernet key is 32 random bytes in "
            "url-safe base64: 44 characters, as Fernet.generate_key() makes it. Put a key made that way there, and "
            "keep any other token in a variable of its own.",
            ws.Place(path, n),
            headline=headline(f"{name} is not a Fernet key"),
        )
    return None
