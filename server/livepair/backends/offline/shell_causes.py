"""Shell failures with a cause the output and the workspace show: a bash script run by sh (dash), pyenv shims,
Windows line endings, pip in an externally managed Python, git outside a repository, a venv under another name,
a file looked for after the command changed directory, an assignment with spaces, an unquoted redirect target."""

from __future__ import annotations

import os
import re
from pathlib import Path

from livepair.backends.offline import honest, shell_dash, shell_git, shell_programs
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import line_of
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.probation import on_probation
from livepair.backends.offline.py_crash import proposed

BUILTINS = {"source", ".", "cd", "export", "alias", "[[", "function", "declare", "local", "shopt", "pushd", "popd"}
PYENV = re.compile(
    r"pyenv: (?P<cmd>[\w.+-]+): command not found\s*\n\s*\nThe `(?P=cmd)' command exists in these Python versions:\n"
    r"(?P<versions>(?:[ \t]+\S+\n?)+)"
)
ASDF = re.compile(
    r"No version is set for command (?P<cmd>\S+)\s*\nConsider adding one of the following versions in your config "
    r"file at \S+\s*\n(?P<versions>(?:[\w.-]+ [\w.+-]+\s*\n?)+)"
)
GIT_LINE = re.compile(r"\bgit\s+[a-z][\w-]*")
ACTIVATE = re.compile(r"(?P<path>[\w./-]*(?:bin|Scripts)/activate): No such file or directory")
DENIED = re.compile(r"^(?:bash|sh|zsh|-bash): (?:line \d+: )?(?P<path>[^:\n]+): Permission denied$", re.M)
INTERPRETERS = {".py": "python3", ".sh": "bash", ".bash": "bash", ".js": "node", ".rb": "ruby", ".pl": "perl"}
NO_FILE = re.compile(
    r"^(?:cat|ls|head|tail|wc|grep|sort): (?:cannot access )?['‘]?(?P<path>[^:'’]+)['’]?: No such file or directory",
    re.M,
)
EXPORT_EQ = re.compile(
    r"^(?P<script>[\w./-]+): line (?P<line>\d+): export: `(?P<name>=)': not a valid identifier$", re.M
)
NOT_FOUND = re.compile(r"^(?P<script>[\w./-]+): (?:line )?(?P<line>\d+): (?P<name>\w+): (?:command )?not found$", re.M)


def advise(command: str, facts: Facts) -> Finding | None:
    for detect in (
        pyenv_shim,
        asdf_shim,
        shell_dash.bash_in_sh,
        shell_dash.sh_shebang,
        crlf,
        crlf_body,
        externally_managed,
        not_a_repo,
        venv_name,
        changed_directory,
        not_executable,
        no_such_folder,
        missing_project_file,
        spaced_assignment,
        ambiguous_redirect,
    ):
        found = detect(command, facts)
        if found is not None:
            return found
    return None


def asdf_shim(command: str, facts: Facts) -> Finding | None:
    """asdf's shim with no version chosen for this folder: asdf lists the versions it has."""
    m = ASDF.search(facts.output)
    if m is None:
        return None
    versions = [line.split() for line in m["versions"].strip().splitlines() if len(line.split()) == 2]
    if not versions:
        return None
    tool, version = versions[0]
    return Finding(
        f"'{m['cmd']}' here is asdf's shim, and no {tool} version is chosen for this folder; asdf has "
        f"{', '.join(v for _t, v in versions)}. Choose one: asdf local {tool} {version} (asdf 0.16 and later: asdf "
        f"set {tool} {version}), which writes .tool-versions here, or set it globally."
    )


def pyenv_shim(command: str, facts: Facts) -> Finding | None:
    m = PYENV.search(facts.output)
    if m is None:
        return None
    versions = m["versions"].split()
    v = versions[0]
    return Finding(
        f"'{m['cmd']}' here is pyenv's shim, and the Python version pyenv has active does not have it; pyenv says "
        f"it exists in {', '.join(versions)}. Make one of those active: pyenv shell {v} (this terminal), "
        f"pyenv local {v} (this folder) or pyenv global {v} (everywhere; list several to have more found)."
    )


# right on 0 of the 1 unseen cases it spoke on (probation.py)
@on_probation("which line of the script the carriage returns start on")
def crlf_body(command: str, facts: Facts) -> Finding | None:
    """A script saved with Windows line endings, run by bash: each line ends in a \r that bash keeps."""
    m = re.search(r"(?:^|\s|&&)(?:bash|sh)\s+(?P<file>[\w./-]+)", command)
    path = (facts.cwd / m["file"]).resolve() if m else None
    if path is None or not path.is_file() or b"\r\n" not in path.read_bytes():
        return None
    first = re.search(r"line (?P<line>\d+): \$'\\r': command not found|: line (?P<l2>\d+): .*\\r", facts.output)
    if first is None and "\r" not in facts.output and "unexpected end of file" not in facts.output:
        return None
    line = int((first["line"] or first["l2"]) if first else 1)
    return Finding(
        f"{path.name} has Windows line endings (CRLF): bash reads the carriage return (\\r) at the end of each line "
        f"as part of the command, so line {line} fails. Convert the file: sed -i 's/\\r$//' {path.name} (or "
        f"dos2unix {path.name}), and set your editor to LF line endings.",
        ws.Place(path, line),
    )


def crlf(command: str, facts: Facts) -> Finding | None:
    if not re.search(r"required file not found|bad interpreter|\r|use -\[v\]S", facts.output):
        return None
    m = re.search(r"(?:^|\s)(\./[\w./-]+)", command)
    path = (facts.cwd / m[1]).resolve() if m else None
    if path is None or not path.is_file():
        return None
    first = path.read_bytes().split(b"\n", 1)[0]
    if not first.startswith(b"#!") or not first.endswith(b"\r"):
        return None
    name = path.name
    return Finding(
        f"{name} has Windows line endings (CRLF): its first line asks for '{first[2:-1].decode(errors='replace')}\\r', "
        f"with a carriage return (\\r) that no program is named. Convert the file: sed -i 's/\\r$//' {name} "
        f"(or dos2unix {name}), and set your editor to LF line endings.",
        ws.Place(path, 1),
    )


# right on 2 of the 3 unseen cases it spoke on (probation.py)
@on_probation("where in the project the install is run")
def externally_managed(command: str, facts: Facts) -> Finding | None:
    if "externally-managed-environment" not in facts.output:
        return None
    return Finding(
        "This pip belongs to the system's Python, which the operating system manages (PEP 668), so pip will not "
        "install into it. Make a virtual environment for the project: python3 -m venv .venv, then "
        ".venv/bin/pip install ... (or activate it first). For a command-line app, pipx install ... does this for you.",
        _line_in_script(command, facts, re.compile(r"\bpip3?(?:\.\d+)?\s+install\b|-m\s+pip\s+install\b")),
    )


def _line_in_script(command: str, facts: Facts, pattern: re.Pattern[str]) -> ws.Place | None:
    """The one line of the script the command runs (bash x.sh, sh x.sh, ./x.sh) that does `pattern`."""
    m = re.match(r"\s*(?:(?:bash|sh)\s+(?P<a>[\w./-]+)|(?P<b>\./[\w./-]+)|(?P<make>make)\b)", command)
    script = (facts.cwd / (m["a"] or m["b"] or "Makefile")).resolve() if m else None
    text = facts.read(script) if script is not None and script.is_file() else None
    hits = [n for n, line in enumerate((text or "").splitlines(), 1) if pattern.search(line)]
    return ws.Place(script, hits[0]) if script is not None and len(hits) == 1 else None


def not_a_repo(command: str, facts: Facts) -> Finding | None:
    if "fatal: not a git repository" not in facts.output:
        return None
    return shell_git.stale_gitdir(command, facts) or _no_clone(command, facts)


# right on 0 of the 3 unseen cases it spoke on, 2 of them harmful (probation.py)
@on_probation("whether this folder should be a clone, or the command should not need one")
def _no_clone(command: str, facts: Facts) -> Finding:
    """git refused a folder that is no clone: where git was run from, and what to get instead."""
    frames = [m for m in ws.FRAME.finditer(facts.output) if (facts.cwd / m["file"]).resolve().is_file()]
    mine = [m for m in frames if facts.root.resolve() in (facts.cwd / m["file"]).resolve().parents]
    if mine:  # the program runs git: its folder is not a clone (a zip download has no .git)
        at = ws.Place((facts.cwd / mine[-1]["file"]).resolve(), int(mine[-1]["line"]))
        return Finding(
            f"Line {at.line} runs git, and {facts.cwd} is not inside a git repository (there is no .git here or "
            "above, as in a zip download): get the project with git clone <url> to have its history, or make the "
            "program work without git (catch the error and go on without the commit).",
            at,
        )
    repos = [p.parent for p in facts.root.glob("*/.git")] + [p.parent for p in facts.root.glob("*/*/.git")]
    if len(repos) == 1:  # several clones: which one was meant is not shown
        where = ws.relative_to(repos[0], facts.cwd)
        return Finding(f"{facts.cwd} is not inside a git repository, but {where} is one: cd {where} first.")
    # The project's own Makefile runs git: this project came without its history (a script run by path may be a
    # tool meant for any repository, so there the folder it was run in is what is wrong)
    ran = _line_in_script(command, facts, GIT_LINE) if re.match(r"\s*make\b", command) else None
    own = shell_programs.script_run_here(command, facts) if ran is None else None
    lines = (facts.read(own) or "").splitlines() if own is not None else []
    first = next((n for n, line in enumerate(lines, 1) if GIT_LINE.search(line.split("#")[0])), None)
    ran = ws.Place(own, first) if own is not None and first is not None else ran  # the project's own build script
    if ran is not None:
        words = GIT_LINE.search(line_of(facts.read(ran.path) or "", ran.line) or "")
        return Finding(
            f"Line {ran.line} of {ran.path.name} runs {words[0] if words else 'git'}, and {facts.cwd} is not inside "
            "a git repository (no .git here or above, as in a downloaded archive or zip): get the project with "
            "git clone <url> to use it, or run the other steps without that line.",
            ran,
        )
    # never "git init": an empty new repository has neither the history nor the remote the command wanted
    return Finding(
        f"{facts.cwd} is not inside a git repository (git found no .git here or above). cd into your clone first, "
        "or get one with git clone <url>."
    )


# right on 0 of the 1 unseen cases it spoke on (probation.py)
@on_probation("which folder holds the environment")
def venv_name(command: str, facts: Facts) -> Finding | None:
    m = ACTIVATE.search(facts.output)
    if m is None:
        return None
    cd = re.match(r"\s*cd\s+(?P<dir>[^\s;&]+)\s*&&", command)  # cd X && ...: the venv is looked for in X
    here = facts.cwd / cd["dir"] if cd and (facts.cwd / cd["dir"]).is_dir() else facts.cwd
    windows = re.fullmatch(r"(?P<venv>[\w./-]*?)/?Scripts/activate", m["path"])
    if windows and (here / windows["venv"] / "bin" / "activate").is_file():
        rel = f"{windows['venv']}/bin/activate"
        return Finding(
            f"{m['path']} is where a venv keeps activate on Windows; on Linux and macOS it is in bin/: source {rel}"
        )
    found = [d for d in sorted(here.iterdir()) if d.is_dir() and (d / "bin" / "activate").is_file()]
    if not found:
        folder = m["path"].removesuffix("bin/activate").rstrip("/") or ".venv"
        if (here / folder).exists():
            return None  # a folder of that name that is no venv: how it came about the output does not say
        elsewhere = sorted(
            {a.parent.parent for pattern in ("*/bin/activate", "*/*/bin/activate", "*/*/*/bin/activate")
             for a in facts.root.glob(pattern)}
        )  # fmt: skip
        if elsewhere:  # a venv in another folder of the workspace: "create one" would make a second, empty one
            rel = ", ".join(ws.relative_to(v, here) for v in elsewhere[:3])
            return honest.hint(
                f"There is no {m['path']} in {here.name or here}; the workspace has a virtual environment in {rel}",
                None,
                "whether that is the one meant (then source its bin/activate from here, or cd to its project) or "
                "this folder needs its own",
            )
        return Finding(
            f"There is no virtual environment in this folder: {folder} was never created here. Create it first, "
            f"python3 -m venv {folder}, then source {m['path']}."
        )
    rel = f"{found[0].name}/bin/activate"
    return Finding(
        f"There is no {m['path']} here; the virtual environment in this folder is {found[0].name}: source {rel}"
    )


def changed_directory(command: str, facts: Facts) -> Finding | None:
    cd = re.match(r"\s*cd\s+(?P<dir>\S+)\s*(?:&&|;)", command)
    m = NO_FILE.search(facts.output)
    if cd is None or m is None or Path(m["path"]).is_absolute():
        return None
    target = Path(cd["dir"]) if Path(cd["dir"]).is_absolute() else facts.cwd / cd["dir"]
    here = facts.cwd / m["path"]
    if not here.is_file():
        return None
    return Finding(
        f"The command ran `cd {cd['dir']}` first, so it looked for {m['path']} in {target}, not here; the file is "
        f"in {facts.cwd}. Drop the cd, or give the full path {here}."
    )


def not_executable(command: str, facts: Facts) -> Finding | None:
    """./script refused: the file has no execute permission (and maybe no #! line to say what runs it)."""
    m = DENIED.search(facts.output)
    if m is None or Path(m["path"]).name not in command:
        return None
    cd = re.match(r"\s*cd\s+(?P<dir>[^\s;&]+)\s*&&", command)  # cd X && ./script: the script is in X
    path = (facts.cwd / cd["dir"] if cd else facts.cwd) / m["path"]
    if not path.is_file() or os.access(path, os.X_OK):
        return None
    shown = m["path"]
    first = path.read_bytes().split(b"\n", 1)[0].decode(errors="replace").strip()
    if first.startswith("#!"):
        words = first[2:].split()
        runner = Path(words[-1] if words and Path(words[0]).name == "env" else words[0] if words else "sh").name
        return Finding(
            f"'{shown}' is not executable: it has no execute permission, so the shell refuses to run it (its #! "
            f"line names {runner}): "
            f"chmod +x {shown} once, or run it as {runner} {shown}."
        )
    runner = INTERPRETERS.get(path.suffix, "bash")
    return Finding(
        f"'{shown}' is not executable: it has no execute permission and no #! line saying what runs it: run it as "
        f"{runner} {shown}, or add "
        f"#!/usr/bin/env {runner} as its first line and chmod +x {shown}."
    )


def no_such_folder(command: str, facts: Facts) -> Finding | None:
    """`cd X` where X is not here, and a folder of that name (or close to it) is: say which."""
    m = re.search(r"cd: (?P<dir>[^:\n]+): No such file or directory", facts.output)
    if m is None or Path(m["dir"]).is_absolute():
        return None
    wanted = Path(m["dir"])
    base = (facts.cwd / wanted).parent
    here = sorted(d.name for d in base.iterdir() if d.is_dir()) if base.is_dir() else []
    close = [d for d in here if d.lower() == wanted.name.lower()] or ws.close_matches(wanted.name, set(here))
    deeper = [p for p in ws.workspace_folders(facts.root) if p.name == wanted.name]
    if close:
        target = ws.relative_to(base / close[0], facts.cwd)
        why = f"'{m['dir']}' is not a folder in {facts.cwd}; the folder there with a close name is {target}"
    elif len(deeper) == 1:
        target = ws.relative_to(deeper[0], facts.cwd)
        why = f"'{m['dir']}' is not a folder in {facts.cwd} (the command runs from there); it is at {target}"
    else:
        return None
    return Finding(f"{why}: cd {target}.")


PROJECT_FILES = (
    (re.compile(r"Could not open requirements file: \[Errno 2\] No such file or directory: '(?P<name>[^']+)'"), "pip"),
    (re.compile(r"make: \*\*\* No targets specified and no makefile found"), "make"),
)


def missing_project_file(command: str, facts: Facts) -> Finding | None:
    """pip -r requirements.txt or make run where the project's file is not: say where it is, or that it is nowhere."""
    for pattern, tool in PROJECT_FILES:
        m = pattern.search(facts.output)
        if m is None:
            continue
        names = {Path(m["name"]).name} if tool == "pip" else {"Makefile", "makefile", "GNUmakefile"}
        shown = m["name"] if tool == "pip" else "a Makefile"
        found = [p for p in ws.workspace_files(facts.root) if p.name in names and p.parent != facts.cwd]
        if len(found) == 1:
            folder = ws.relative_to(found[0].parent, facts.cwd)
            return Finding(
                f"There is no {shown} in {facts.cwd}, where {tool} looked; the project's is in {folder}/: "
                f"cd {folder} first (or give {tool} that path)."
            )
        return honest.hint(
            f"There is no {shown} in {facts.cwd}, where {tool} looked",
            None,
            "which folder is the project's: no single one in the workspace has it",
        )
    return None


def spaced_assignment(command: str, facts: Facts) -> Finding | None:
    """`NAME = value` (or `NAME= value`) in a script: the shell runs NAME (or value) as a command. No other
    program was meant, so no 'did you mean'."""
    m = NOT_FOUND.search(facts.output) or EXPORT_EQ.search(facts.output)
    script = (facts.cwd / m["script"]).resolve() if m else None
    if m is None or script is None or not script.is_file():
        return None
    text = facts.read(script) or ""
    lines = text.splitlines(keepends=True)
    n, name = int(m["line"]), m["name"]
    code = lines[n - 1] if 0 < n <= len(lines) else ""
    if name == "=":  # export NAME = value: export is given 'NAME', '=' and 'value'
        name = (re.match(r"\s*export\s+(?P<n>\w+)\s+=", code) or {"n": ""})["n"] or "="
    spaced = re.match(rf"\s*(?:export\s+)?{name}(?P<eq>[ \t]+=[ \t]*)(?=\S)", code)
    effect = f"runs '{name}' as a command, with the rest of the line as its arguments"
    if code.lstrip().startswith("export"):
        effect = f"gives export three words, {name}, = and the value, and = is no variable name"
    if spaced is None:  # NAME= value: NAME is set to '' for the command 'value'
        spaced = re.match(rf"\s*(?P<name>\w+)(?P<eq>=[ \t]+){name}\b", code)
        effect = f"sets {spaced['name']} to nothing and runs '{name}' as a command" if spaced else ""
        name = spaced["name"] if spaced else name
    if spaced is None:
        return None
    fixed = code[: spaced.start("eq")] + "=" + code[spaced.end("eq") :]
    patched = "".join(lines[: n - 1]) + fixed + "".join(lines[n:])
    message = (
        f"Line {n} assigns {name} with a space next to the =: the shell then {effect}. A shell assignment has no "
        f"space on either side: {fixed.strip()}"
    )
    return proposed(message, ws.Place(script, n), text, patched, f"assign {name} without spaces around =")


AMBIGUOUS = re.compile(
    r"^(?P<script>[\w./-]+): line (?P<line>\d+): (?P<target>[^:\n]*\$[^:\n]*): ambiguous redirect$", re.M
)


def ambiguous_redirect(command: str, facts: Facts) -> Finding | None:
    """`> dir/$file` where $file holds spaces (or nothing): the shell cannot tell which one file is meant."""
    m = AMBIGUOUS.search(facts.output)
    script = (facts.cwd / m["script"]).resolve() if m else None
    if m is None or script is None or not script.is_file():
        return None
    text = facts.read(script) or ""
    n, target = int(m["line"]), m["target"]
    lines = text.splitlines(keepends=True)
    code = lines[n - 1] if 0 < n <= len(lines) else ""
    unquoted = re.search(rf"(?P<op>>>?|<)\s*(?P<t>{re.escape(target)})(?=\s|;|$)", code)
    if unquoted is None:
        return None
    fixed = code[: unquoted.start("t")] + f'"{target}"' + code[unquoted.end("t") :]
    message = (
        f"The redirect on line {n} writes to {target}, and the variable in it is not quoted: when it holds spaces "
        f"(or nothing) the shell gets several words (or none) for one file name, and stops. Quote it: "
        f'{unquoted["op"]} "{target}".'
    )
    # the same unquoted word elsewhere (cat $f after > $f) would split the same way: quote it everywhere
    word = re.compile(rf"(?<=[\s<>]){re.escape(target)}(?=\s|;|$)", re.M)
    patched = word.sub(f'"{target}"', "".join(lines[: n - 1]) + fixed + "".join(lines[n:]))
    return proposed(message, ws.Place(script, n), text, patched, "quote the redirect target")
