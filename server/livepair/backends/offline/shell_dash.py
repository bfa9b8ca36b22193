"""Bash syntax run by sh, which is dash on Debian and Ubuntu: `sh script.sh` for a bash script, a #!/bin/sh line on
a script that uses bash features, a sourced helper with them. Dash's own words say which feature it met."""

from __future__ import annotations

import os
import re
from pathlib import Path

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.probation import earned
from livepair.backends.offline.py_crash import proposed

SH_RUN = re.compile(r"(?:^|&&|;)\s*sh(?:\s+-\w+)*\s+(?P<script>[\w./-]+\.sh)\b")
BASHISM = re.compile(
    r"^(?P<script>[\w./-]+): (?P<line>\d+): (?:(?P<sourced>/[^:\n]+): )?"
    r'(?P<what>source: not found|\[\[: not found|Syntax error: "\(" unexpected(?: \(expecting "then"\))?'
    r"|\w+\[\w+\]=\S*: not found|Syntax error: redirection unexpected)",
    re.M,
)
# what dash does not have, by the words it fails with: (the feature, a token of it to look for in the code)
FEATURES = (  # (dash's words, the feature, a token of it to look for in the code)
    (r"^source", "source, a bash command (sh has .)", "source "),
    (r'expecting "then"', "[[ ]] with =~, a bash test", "[["),
    (r"^\[\[", "[[ ]], a bash test", "[["),
    (r'^Syntax error: "\("', "an array, a bash feature", "("),
    (r"^Syntax error: redirection", "process substitution <( ), a bash feature", "<("),
    (r"^\w+\[\w+\]=", "an array element assignment, a bash feature", "]="),
)


# right on 3 of the 3 unseen cases it spoke on (probation.py)
@earned(3, 3)
def bash_in_sh(command: str, facts: Facts) -> Finding | None:
    run = SH_RUN.search(command)
    m = BASHISM.search(facts.output)
    if run is None or m is None or not os.path.realpath("/bin/sh").endswith("dash"):
        return None
    script = (facts.cwd / run["script"]).resolve()
    if not script.is_file():
        return None
    first = (facts.read(script) or "").split("\n", 1)[0]
    feature, token = _feature(m["what"])
    says = f" (its first line asks for {first[2:].strip()})" if first.startswith("#!") and "bash" in first else ""
    at = _where_used(script, int(m["line"]), token, facts, m["sourced"])
    inside = f" ({ws.relative_to(at.path, facts.cwd)}, which it sources)" if at.path != script else ""
    message = (
        f"`sh {run['script']}` runs the script with sh, which is dash here, not bash, and line {at.line}{inside} "
        f"uses {feature}, which dash (POSIX sh) does not have{says}. Run it with bash {run['script']}."
    )
    sourced = re.match(r"\s*source\s+(?P<file>\S+)", line_of_file(facts, at))
    if feature.startswith("source") and sourced:
        name = sourced["file"] if "/" in sourced["file"] else f"./{sourced['file']}"
        message += f" To keep it sh-only, write `. {name}` instead (sh's . needs the ./ to look here)."
    return Finding(message, at)


# right on 2 of the 2 unseen cases it spoke on (probation.py)
@earned(2, 2)
def sh_shebang(command: str, facts: Facts) -> Finding | None:
    """./script whose #! line asks for sh (dash here), and bash syntax in it: the first line is the cause."""
    m = BASHISM.search(facts.output)
    run = re.search(r"(?:^|&&|;)\s*(?P<script>\./[\w./-]+|[\w./-]+/[\w.-]+)(?:\s|$)", command)
    if m is None or run is None or not os.path.realpath("/bin/sh").endswith("dash"):
        return None
    script = (facts.cwd / run["script"]).resolve()
    text = facts.read(script) if script.is_file() else None
    lines = (text or "").splitlines()
    if text is None or not lines or not re.fullmatch(r"#!\s*(?:/usr)?/bin/sh\s*|#!\s*/usr/bin/env\s+sh\s*", lines[0]):
        return None
    feature, _token = _feature(m["what"])
    message = (
        f"{script.name}'s first line, {lines[0]}, asks for sh, which is dash here, and line {m['line']} uses "
        f"{feature}, which dash does not have. Make the first line #!/bin/bash (or run it with bash "
        f"{run['script']})."
    )
    return proposed(message, ws.Place(script, 1), text, "\n".join(["#!/bin/bash", *lines[1:]]) + "\n", "#!/bin/bash")


def _feature(what: str) -> tuple[str, str]:
    return next(((f, t) for words, f, t in FEATURES if re.search(words, what)), ("bash syntax", ""))


def line_of_file(facts: Facts, at: ws.Place) -> str:
    lines = (facts.read(at.path) or "").splitlines()
    return lines[at.line - 1] if 0 < at.line <= len(lines) else ""


def _where_used(script: Path, line: int, token: str, facts: Facts, sourced: str | None = None) -> ws.Place:
    """The line dash named, or, when that line lacks the feature, the first line with it in the file the script
    sources (dash names that file, or counts a sourced function's lines in the script that called it)."""
    here = ws.Place(script, line)
    inside = Path(sourced) if sourced else None
    if inside is not None and inside.is_file() and token:
        hits = [n for n, code in enumerate((facts.read(inside) or "").splitlines(), 1) if token in code]
        return ws.Place(inside.resolve(), hits[0]) if hits else here
    if not token or token in line_of_file(facts, here):
        return here
    text = facts.read(script) or ""
    for m in re.finditer(r"^\s*(?:\.|source)\s+(?P<file>\S+)", text, re.M):
        name = Path(m["file"].strip("'\"")).name
        path = next((p for p in sorted(script.parent.glob(name)) if p.is_file()), None)
        hits = [n for n, code in enumerate((facts.read(path) or "").splitlines(), 1) if token in code] if path else []
        if path is not None and hits:
            return ws.Place(path, hits[0])
    return here
