"""Shell slips whose error words name the symptom, and the script's own line the cause: a variable name with a
character names cannot have (bash: "not a valid identifier", dash: "bad variable name"), `xargs prog` run with
nothing on its input, which runs prog once with no operand ("rm: missing operand"), `return` in a script that was run
rather than sourced, a mktemp template without its X's, tar's z for an archive that is not gzip-compressed, and a
JavaScript file run directly with no #! line, so the shell read it.

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
RETURN = re.compile(r"^(?P<file>[\w./-]+): line (?P<line>\d+): return: can only `return' from a function", re.M)
MKTEMP = re.compile(r"^mktemp: too few X's in template ['‘`](?P<template>[^'’]+)['’]", re.M)
NOT_GZIP = re.compile(r"^gzip: stdin: not in gzip format$", re.M)
SHELL_SYNTAX = re.compile(
    r"^(?P<file>/?[\w./@-]+): (?:line )?(?P<line>\d+): (?:Syntax error|syntax error near unexpected token)", re.M
)
JS = (".js", ".mjs", ".cjs")
TAR_Z = re.compile(r"\btar\s+(?P<flags>-?[A-Za-y]*z[A-Za-z]*)\s+(?:-\S+\s+)*(?P<archive>[\w./-]+\.(?:tar\.gz|tgz))\b")


def advise(command: str, facts: Facts) -> Finding | None:
    return (
        _bad_name(facts)
        or _xargs_without_input(command, facts)
        or _return_in_script(facts)
        or _mktemp_template(command, facts)
        or _not_gzip(command, facts)
        or _javascript_run_by_the_shell(facts)
    )


def _script_line(facts: Facts, file: str, line: int) -> tuple[ws.Place, str, list[str]] | None:
    """A line of a workspace script the shell named: its place, the script's text and its lines (with ends)."""
    script = (facts.cwd / file).resolve()
    if not script.is_file() or facts.root.resolve() not in script.parents:
        return None
    text = facts.read(script) or ""
    lines = text.splitlines(keepends=True)
    return (ws.Place(script, line), text, lines) if 0 < line <= len(lines) else None


def _the_line_running(command: str, facts: Facts, pattern: re.Pattern[str]) -> tuple[ws.Place, str, list[str]] | None:
    """The one line of the command's scripts that `pattern` finds (outside comments)."""
    hits = [
        (path, n)
        for path in scripts(command, facts)
        for n, line in enumerate((facts.read(path) or "").splitlines(), 1)
        if pattern.search(line.split("#")[0])
    ]
    if len(hits) != 1:
        return None
    path, n = hits[0]
    text = facts.read(path) or ""
    return ws.Place(path, n), text, text.splitlines(keepends=True)


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


def _return_in_script(facts: Facts) -> Finding | None:
    m = RETURN.search(facts.output)
    at = _script_line(facts, m["file"], int(m["line"])) if m else None
    if at is None:
        return None
    place, text, lines = at
    if not re.search(r"\breturn\b", lines[place.line - 1]):
        return None
    lines[place.line - 1] = re.sub(r"\breturn\b", "exit", lines[place.line - 1], count=1)
    message = (
        f"Line {place.line} runs return outside any function, in a script that was run (not sourced): return only "
        "leaves a function or a sourced file, so bash said so and went on with the next lines. Use exit here."
    )
    return proposed(
        message, place, text, "".join(lines), "exit instead of return", headline("return outside a function")
    )


def _mktemp_template(command: str, facts: Facts) -> Finding | None:
    m = MKTEMP.search(facts.output)
    if m is None:
        return None
    template = m["template"]
    at = _the_line_running(command, facts, re.compile(rf"\bmktemp\b.*(?<![\w.-]){re.escape(template)}(?![\w.-])"))
    if at is None:
        return None
    place, text, lines = at
    better = f"{template}.XXXXXX"
    word = rf"(?<![\w.-]){re.escape(template)}(?![\w.-])"
    lines[place.line - 1] = re.sub(word, better, lines[place.line - 1], count=1)
    message = (
        f"mktemp's template must end in at least three X's, which it replaces to make the name unique: '{template}' "
        f"has none, so mktemp failed and what it should have set was empty for the lines after it. Write {better}."
    )
    return proposed(message, place, text, "".join(lines), f"mktemp template {better}", headline("mktemp needs XXX"))


def _not_gzip(command: str, facts: Facts) -> Finding | None:
    if not NOT_GZIP.search(facts.output):
        return None
    at = _the_line_running(command, facts, TAR_Z)
    given = TAR_Z.search(at[2][at[0].line - 1]) if at else None
    archive = (facts.cwd / given["archive"]) if given else None
    if at is None or given is None or archive is None or not archive.is_file():
        return None
    with archive.open("rb") as handle:
        if handle.read(2) == b"\x1f\x8b":
            return None  # it is gzip after all: the error is about something else
    place, text, lines = at
    flags = given["flags"].replace("z", "", 1)
    lines[place.line - 1] = lines[place.line - 1].replace(given["flags"], flags, 1)
    message = (
        f"{given['archive']} is not gzip-compressed, whatever its name says (its first bytes are not gzip's), so "
        f"tar's z, which pipes it through gzip, fails. Leave the z out: tar {flags} (GNU tar finds any compression "
        "by itself when it reads a file)."
    )
    return proposed(message, place, text, "".join(lines), f"tar {flags}", headline("the archive is not gzip"))


def _javascript_run_by_the_shell(facts: Facts) -> Finding | None:
    m = SHELL_SYNTAX.search(facts.output)
    run = (facts.cwd / m["file"]) if m else None
    script = run.resolve() if run is not None and run.exists() else None  # npm's bin links lead to the file itself
    if m is None or run is None or script is None or script.suffix not in JS or not script.is_file():
        return None
    if facts.root.resolve() not in script.parents:
        return None
    text = facts.read(script) or ""
    if text.startswith("#!"):
        return None  # it names its program already: the shell's words mean something else
    rel = ws.relative_to(script, facts.root)
    via = f" (through {ws.relative_to(run, facts.root)})" if run.is_symlink() else ""
    message = (
        f"{rel} is a JavaScript file that was run directly{via}, and without a #! first line the system gave it to "
        "the shell, which cannot read JavaScript. Make its first line #!/usr/bin/env node (a package's bin "
        "commands are run this way)."
    )
    place = ws.Place(script, 1)
    return proposed(message, place, text, "#!/usr/bin/env node\n" + text, "#!/usr/bin/env node", headline("no #! line"))
