"""Two shell slips whose error words name the symptom, and the script's own line the cause: a variable name with a
character names cannot have (bash: "not a valid identifier", dash: "bad variable name"), and `xargs prog` run with
nothing on its input, which runs prog once with no operand ("rm: missing operand").

Each fix is one line of the script, re-run before it is offered when the claim has not earned a diagnosis.
"""

from __future__ import annotations

import re

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding, headline
from livepair.backends.offline.py_crash import proposed
from livepair.backends.offline.shell_programs import scripts

BAD_NAME = re.compile(
    r"^(?P<file>[\w./-]+): (?:line )?(?P<line>\d+): (?:(?P<builtin>\w+): )?"
    r"(?:`(?P<quoted>[^'=]+)(?:=[^']*)?': not a valid identifier|(?P<dash>[^:\s=]+)(?:=\S*)?: bad variable name)$",
    re.M,
)
NO_OPERAND = re.compile(r"^(?P<prog>[\w.-]+): missing (?:file )?operand$", re.M)


def advise(command: str, facts: Facts) -> Finding | None:
    return _bad_name(facts) or _xargs_without_input(command, facts)


def _bad_name(facts: Facts) -> Finding | None:
    m = BAD_NAME.search(facts.output)
    script = (facts.cwd / m["file"]).resolve() if m else None
    if m is None or script is None or not script.is_file() or facts.root.resolve() not in script.parents:
        return None
    name = m["quoted"] or m["dash"]
    good = re.sub(r"\W", "_", name)
    if good == name or not re.fullmatch(r"[A-Za-z_]\w*", good):
        return None  # the name is not what is wrong (a digit first, or no name at all)
    text = facts.read(script) or ""
    line = int(m["line"])
    lines = text.splitlines(keepends=True)
    written = lines[line - 1] if 0 < line <= len(lines) else ""
    if not re.search(rf"(?<![\w-]){re.escape(name)}=", written):
        return None
    bad = "".join(sorted(set(re.sub(r"\w", "", name))))
    lines[line - 1] = re.sub(rf"(?<![\w-]){re.escape(name)}=", f"{good}=", written, count=1)
    message = (
        f"'{name}' is not a valid shell variable name: a name takes letters, digits and underscores only, so "
        f"'{bad}' cannot be part of it. Name it {good}, here and wherever it is read."
    )
    place = ws.Place(script, line)
    return proposed(message, place, text, "".join(lines), f"Name it {good}", headline(f"'{bad}' in a variable name"))


def _xargs_without_input(command: str, facts: Facts) -> Finding | None:
    m = NO_OPERAND.search(facts.output)
    if m is None:
        return None
    runs = re.compile(rf"\bxargs(?P<opts>(?:\s+-[^\s-]\S*)*)\s+{re.escape(m['prog'])}\b")
    hits = [
        (path, n, line)
        for path in scripts(command, facts)
        for n, line in enumerate((facts.read(path) or "").splitlines(), 1)
        if runs.search(line.split("#")[0])
    ]
    if len(hits) != 1:
        return None
    path, n, line = hits[0]
    given = runs.search(line)
    if given is None or re.search(r"-\w*r\b", given["opts"] or ""):
        return None  # -r is there: the missing operand came from elsewhere
    text = facts.read(path) or ""
    lines = text.splitlines(keepends=True)
    lines[n - 1] = lines[n - 1].replace("xargs", "xargs -r", 1)
    message = (
        f"xargs runs {m['prog']} once even when nothing comes in on its input, so when the command before it found "
        f"nothing, {m['prog']} got no operand. xargs -r (--no-run-if-empty) skips that run."
    )
    return proposed(message, ws.Place(path, n), text, "".join(lines), "xargs -r", headline("xargs ran with no input"))
