"""Judges that look at the workspace as it is: files and folders, databases, environment variables, commands."""

from __future__ import annotations

import difflib
import os
import re
import sqlite3
from dataclasses import replace
from pathlib import Path

from livepair.backends.offline import commands, edits, env_sources, honest, shell_missing
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Case, Finding, Proposal, headline
from livepair.backends.offline.probation import on_probation, possible, proven
from livepair.backends.offline.py_crash import frames

SUBPROCESS_FRAME = re.compile(r'File "[^"]*subprocess\.py"')
LITERAL = re.compile(r"""(?P<q>["'])(?P<path>[^"'\n]+)(?P=q)""")


def file_missing(case: Case) -> Finding:
    missing = case.field("path")
    if SUBPROCESS_FRAME.search(case.facts.output) and "/" not in missing:
        return command_missing(case, missing)
    if Path(missing).is_absolute() and Path(missing).is_relative_to(case.facts.cwd):
        shown = ws.relative_to(Path(missing), case.facts.cwd)  # python's "can't open file" names it absolutely
        message = case.finding.message.replace(f"'{missing}'", f"'{shown}'")
        case = replace(
            case,
            match=replace(case.match, fields=case.match.fields | {"path": shown}),
            finding=replace(case.finding, message=message),
        )
        missing = shown
    moved = _changed_directory(case, missing)
    if moved is not None:
        return moved
    case = _at_the_literal(case, missing)
    script = case.place.path.parent if case.place else case.facts.cwd
    if not Path(missing).is_absolute() and script != case.facts.cwd and (script / missing).is_file():
        owner = "the script" if case.place is None else case.place.path.name
        cause = headline(f"'{missing}' is next to {owner}, in {script.name}/", f"It is next to {owner}")
        # right on 3 of the 3 unseen cases it spoke on (probation.py)
        return proven(_relative_to_script(case, missing, missing, f"It is next to {owner}, in {script.name}/.", cause))
    found = ws.nearest_file(missing, case.facts.cwd, case.facts.root)
    if found is None:
        folder = (case.facts.cwd / missing).parent
        beside = (script / missing).parent
        writes = re.search(r"""["'][wax]b?\+?["']|write_|mkdir""", case.line or "")
        if writes and not folder.exists() and script != case.facts.cwd and beside.is_dir():
            # the folder is there, next to the script: run from elsewhere, not a folder to create
            where = f"Its folder {ws.relative_to(beside, case.facts.cwd)}/ is next to the script, in {script.name}/."
            return _relative_to_script(case, missing, missing, where)
        if not folder.exists() and writes and not _path_suspect(missing, folder, case):
            return case.say(f"The folder '{ws.relative_to(folder, case.facts.cwd)}' does not exist: create it first.")
        return honest.hint(  # nothing shows the file should exist: no "create it" without evidence
            f"{case.finding.message} No file with that name is anywhere in the workspace",
            case.place,
            "whether the name is wrong or an earlier step should have made the file",
        )
    wanted = Path(missing).name.lower()
    typo = (
        found.suffix == Path(missing).suffix
        and difflib.SequenceMatcher(None, found.name.lower(), wanted).ratio() >= 0.9
    )
    if found.name.lower() != wanted and not typo:  # only a close name: whether it is the one meant is a guess
        return honest.hint(
            f"{case.finding.message} No file with that name is in the workspace; the closest name is "
            f"'{ws.relative_to(found, case.facts.cwd)}'",
            case.place,
            "whether that is the file meant, or an earlier step should have made this one",
        )
    relative = ws.relative_to(found, script)
    shown = ws.relative_to(found, case.facts.cwd)
    if (case.facts.cwd / missing).resolve() == found.resolve():  # it is where the run started: not a path to fix
        return honest.hint(
            f"{case.finding.message} Yet '{missing}' is there, in the folder the program was started from",
            case.place,
            "what changed the working directory or the path before this line",
        )
    cause = headline(f"'{missing}' is at {shown}", f"It is at {shown}")
    # "it exists at" was right on 0 of the 2 unseen cases it spoke on (probation.py): both programs had changed
    # directory first (those now go to _changed_directory); "next to the script", above, was right on 3 of 3
    return possible(
        _relative_to_script(case, missing, relative, f"It exists at '{shown}'.", cause),
        f"whether {shown} is the file meant, and which folder the program is meant to run from",
    )


def _changed_directory(case: Case, missing: str) -> Finding | None:
    """The file is where the program was started, and the program itself called os.chdir: the relative path was
    looked up in the folder it changed to."""
    if Path(missing).is_absolute() or not (case.facts.cwd / missing).exists():
        return None
    calls = {
        (place.path, n)
        for place in frames(case.facts)
        for n, line in enumerate((case.facts.read(place.path) or "").splitlines(), 1)
        if re.search(r"\bchdir\(", line.split("#")[0])
    }
    if len(calls) != 1:
        return None
    path, n = calls.pop()
    return Finding(
        f"'{missing}' is in the folder the program was started from, but os.chdir on line {n} changed the working "
        f"directory for the rest of the program, so the relative path was looked up in that folder. Make the path "
        "absolute before the chdir (os.path.abspath), build it from Path(__file__).parent, or change folder only "
        "around the code that needs it (with contextlib.chdir(...):).",
        ws.Place(path, n),
        headline=headline(f"os.chdir (line {n}) moved the working directory"),
    )


def _path_suspect(missing: str, folder: Path, case: Case) -> bool:
    """Something shows the path itself may be wrong, so "create the folder" would hide it: a ~ or $VAR left
    unexpanded, an absolute path (a join whose second part starts with /, or another machine's folder), or a folder
    of that name elsewhere in the workspace."""
    if re.search(r"~|\$\w|%\w+%", missing) or Path(missing).is_absolute():
        return True
    return any(p.name == folder.name for p in ws.workspace_folders(case.facts.root))


def _at_the_literal(case: Case, missing: str) -> Case:
    """The path written on another line (filename = '...'; open(filename)): the cause is where it is written."""
    text, line = case.text, case.line
    if case.place is None or text is None or line is None or re.search(rf"""["']{re.escape(missing)}["']""", line):
        return case
    written = [
        n for n, code in enumerate(text.splitlines()[: case.place.line - 1], 1)
        if re.search(rf"""["']{re.escape(missing)}["']""", code)
    ]  # fmt: skip
    if len(written) != 1:
        return case
    return replace(case, finding=replace(case.finding, place=ws.Place(case.place.path, written[0])))


def _relative_to_script(case: Case, literal: str, relative: str, where: str, cause: str = "") -> Finding:
    package = case.place is not None and (case.place.path.parent / "__init__.py").is_file()
    mine = "its package's folder" if package else "the script's own folder"
    more = f"{where} Open it relative to {mine}, Path(__file__).parent, so it works from any folder."
    if case.place is None or case.text is None:
        return case.say(where, headline=cause)
    patched = edits.script_relative(case.text, case.place.line, literal, relative)
    explanation = f"Open '{relative}' relative to the script's folder"
    return case.propose(more if patched else where, patched, explanation, cause)


# right on 0 of the 1 unseen cases it spoke on (probation.py)
@on_probation("which file in that folder was meant")
def is_directory(case: Case) -> Finding:
    folder = case.facts.cwd / case.field("path")
    if re.search(r"""["'][wax]b?\+?["']|\.(?:save|savefig|to_\w+|write_\w+)\(|dump\(""", case.line or ""):
        return case.say(  # the path names where to write: it is missing the file's own name
            "This line writes to it as if it were a file: join a file name onto the folder, e.g. "
            "os.path.join(folder, 'name.ext') (or Path(folder) / 'name.ext')."
        )
    inside = sorted(p.name for p in folder.iterdir() if p.is_file())[:5] if folder.is_dir() else []
    listing = f" It holds: {', '.join(inside)}." if inside else " It holds no files."
    return case.say(f"Open a file inside it.{listing}")


# right on 0 of the 1 unseen cases it spoke on (probation.py)
@on_probation("which database file the program meant to open")
def sqlite_table(case: Case) -> Finding:
    table = case.field("table")
    db = _database_file(case)
    if db is None:
        return honest.hint(
            case.finding.message, case.place, "which database this connects to, so I could not look at its tables"
        )
    rel = ws.relative_to(db, case.facts.cwd)
    tables = _tables(db)
    if not tables:
        elsewhere = [p for p in ws.workspace_files(case.facts.root) if p.name == db.name and p != db and _tables(p)]
        script = case.place.path.parent if case.place else None
        literal = _connected_literal(case)
        if elsewhere and script is not None and literal and elsewhere[0].parent == script != case.facts.cwd:
            # the database is next to the script; the path was read from the working directory
            where = (
                f"{rel} has no tables at all: sqlite3.connect() created it empty, because the path is relative to "
                f"the working directory ({case.facts.cwd.name}/), and the database is next to the script, in "
                f"{script.name}/."
            )
            return _relative_to_script(_at_the_literal(case, literal), literal, literal, where)
        there = f" The one with tables is {ws.relative_to(elsewhere[0], case.facts.cwd)}." if elsewhere else ""
        return case.say(
            f"{rel} has no tables at all: sqlite3.connect() creates an empty file when the path is wrong.{there}"
        )
    close = ws.close_matches(table, set(tables))
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return case.say(f"{rel} has the tables {', '.join(sorted(tables))}, but not '{table}'.{hint}")


def _connected_literal(case: Case) -> str | None:
    m = re.search(r"""sqlite3\.connect\(\s*(?P<q>["'])(?P<path>[^"']+)(?P=q)""", case.text or "")
    return m["path"] if m and m["path"] != ":memory:" else None


def _database_file(case: Case) -> Path | None:
    text = case.text or ""
    for m in re.finditer(r"""sqlite3\.connect\(\s*(?P<q>["'])(?P<path>[^"']+)(?P=q)""", text):
        if m["path"] != ":memory:":
            path = case.facts.cwd / m["path"]
            return path if path.is_file() else None
    return None


def _tables(db: Path) -> list[str]:
    try:
        with sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=0.2) as conn:
            return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    except sqlite3.Error:
        return []


def json_empty(case: Case) -> Finding:
    if "line 1 column 1 (char 0)" not in case.facts.output:
        return case.finding
    for m in LITERAL.finditer(case.text or ""):
        path = case.facts.cwd / m["path"]
        if path.suffix in (".json", ".txt", "") and path.is_file() and not path.read_bytes().strip():
            return case.say(f"{ws.relative_to(path, case.facts.cwd)} is empty.")
    return case.finding


def key_error(case: Case) -> Finding:
    key = case.field("key").strip("'\"")
    line = case.line or ""
    if re.search(rf"""environ\[\s*["']{re.escape(key)}["']\s*\]|getenv""", line):
        meant = env_sources.meant_from(key, case.facts)  # the command line shows where it was to come from
        if meant is not None:
            return meant
        return Finding(
            f"The environment variable {key} is not set in the shell that ran this: export {key}=... first, in "
            "the same terminal (or set it in the environment the program runs in).",
            case.place,
            headline=headline(f"{key} is not set in this shell", "The environment variable is not set"),
        )
    return case.finding


BIN_FOLDERS = (".local/bin", "bin", ".cargo/bin", "go/bin", ".npm-global/bin")


def _installed_off_path(case: Case, name: str) -> str | None:
    """The user's own bin folder (~/.local/bin...) that holds `name` but is not on PATH: shown as ~/... or as is."""
    path_now = set(os.environ.get("PATH", "").split(os.pathsep))
    for home in dict.fromkeys([Path.home(), case.facts.root]):
        for folder in BIN_FOLDERS:
            candidate = home / folder / name
            if candidate.is_file() and str(candidate.parent) not in path_now:
                return f"~/{folder}" if home == Path.home() else str(candidate.parent)
    return None


def command_missing(case: Case, command: str | None = None) -> Finding:
    name = command or case.field("cmd")
    there = (  # checks of their own, written after its wrong cases, outside the wrapper below
        shell_missing.path_replaced(name, case.place, case.facts)
        or shell_missing.function_not_loaded(name, case.place, case.facts)
        or shell_missing.alias_in_script(name, case.place, case.facts)
    )
    return there if there is not None else _command_missing(case, name)


def _command_missing(case: Case, name: str) -> Finding:
    made = [c.parent for depth in ("*", "*/*", "*/*/*") for c in sorted(case.facts.root.glob(f"{depth}/pyvenv.cfg"))]
    candidates = dict.fromkeys([case.facts.root / ".venv", case.facts.root / "venv", *made])  # any venv's name
    venvs = [v for v in candidates if (v / "bin" / name).is_file()]
    if venvs:
        rel = ws.relative_to(venvs[0], case.facts.cwd)
        return case.say(
            f"'{name}' is installed in the virtual environment {rel}, which is not active in this terminal: "
            f"source {rel}/bin/activate first (or run {rel}/bin/{name})."
        )
    elsewhere = _installed_off_path(case, name)
    if elsewhere is not None:
        return case.say(
            f"'{name}' is installed in {elsewhere}, which is not on PATH in this terminal: add that folder to PATH "
            f'(export PATH="{elsewhere}:$PATH", in your shell\'s profile to keep it), or run {elsewhere}/{name}.'
        )
    system = shell_missing.system_command(name)
    if system is not None:
        return honest.hint(
            f"The shell cannot find '{name}', though it is {system}: that folder is not on the PATH this command saw",
            case.place,
            "what changed PATH (a script, a profile or the program that started this shell)",
        )
    package = commands.PYTHON_COMMANDS.get(name)
    instead = None if package is not None else commands.meant(name)  # a program's own name is no typo
    if (
        instead is not None
        and case.place is not None
        and instead not in commands.ALTERNATIVES.get(name, ())
        and instead.split()[0] not in commands.EVERYDAY
    ):
        # A script's command was written on purpose: a close name is no evidence of a typo (nvm and mvn, mkdir
        # and rmdir, pipx and pip are all real programs); a slip of an everyday command's name (pyhton) is one.
        return honest.hint(
            f"The shell cannot find '{name}' (the closest name on PATH is '{instead}')",
            case.place,
            f"whether '{name}' needs installing or loading first, or was meant to be '{instead}'",
        )
    if instead is None and package is not None:
        return case.say(
            f"Nothing on PATH is called '{name}': it comes with the Python package {package}. Install it into "
            f"your project's virtual environment (python -m pip install {package}), with that environment active."
        )
    absent = shell_missing.not_installed(name, case.place, case.facts) if instead is None and package is None else None
    if absent is not None:
        return absent
    if instead is None:
        return honest.hint(
            f"{case.finding.message} Nothing on PATH is called '{name}' or close to it",
            case.place,
            "whether it needs installing, a virtual environment activated first, or the name is wrong",
        )
    message = f"The shell cannot find '{name}'; '{instead}' is on PATH: did you mean '{instead}'?"
    text = case.text
    patched = None
    if case.place is not None and text is not None and " " not in instead:
        patched = edits.replace_on_line(text, case.place.line, rf"(?<![\w.-]){re.escape(name)}\b", lambda _m: instead)
    proposal = Proposal(text, patched, f"Run '{instead}'") if text is not None and patched is not None else None
    # "did you mean" was right on 0 of the 3 unseen cases it spoke on (probation.py): pipx, nvm and mkdir, real
    # programs, were each called a typo of a close name (those now get the honest hint above)
    return possible(Finding(message, case.place, None, proposal), f"whether '{name}' needs installing first")


def interpreter_missing(case: Case) -> Finding:
    return command_missing(case, case.field("cmd"))


def api_key(case: Case) -> Finding:
    from livepair.backends.offline.onopen import key_findings

    for path in ws.workspace_files(case.facts.root, {".py"}):
        text = case.facts.read(path)
        for found in key_findings(path, text or ""):
            return Finding(
                f"{case.finding.message} {found.message}", found.place, None, found.proposal, headline=found.headline
            )
    env = re.search(r"""environ(?:\.get)?\(?\[?\s*["'](?P<var>\w+)["']""", case.text or "")
    if env:
        return case.say(
            f"The key comes from the environment variable {env['var']}: it holds a key the service rejects."
        )
    return honest.hint(case.finding.message, case.place, "where the key in this request comes from")
