"""A command the shell cannot find that exists after all: a PATH the script replaced, or a shell function that only
interactive shells load (nvm, conda's and sdkman's functions: defined by a file the profile sources).

First-seen, "did you mean" for such names was wrong every time it was said (mkdir -> rmdir for a replaced PATH,
nvm -> mvn for a function a script never loaded, pipx -> pip; docs/advisor-first-scores.md): the name was right and
the shell's view was not. These two causes are checked on the machine and in the files, never guessed.
"""

from __future__ import annotations

import re
from pathlib import Path

from livepair.backends.offline import honest
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding, headline

SYSTEM_BIN = ("/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin")
PROFILES = (".bashrc", ".bash_profile", ".profile", ".zshrc", ".bash_login")
# PATH=... as a statement of its own (a word, maybe quoted; then ; or a comment): `PATH=x cmd` sets it for that
# one command only, and leaves PATH as it was for the lines after it
PATH_SET = re.compile(r"""^\s*(?:export\s+)?PATH=(?P<value>"[^"]*"|'[^']*'|[^\s;#'"]+)\s*(?:;\s*)?(?:#.*)?$""")
SOURCED = re.compile(r"""(?:^|[\s;&])\\?(?:source|\.)\s+["']?(?P<file>[^"'\s;&|]+)""", re.M)  # \. skips aliases
ASSIGNED = re.compile(r"""^\s*(?:export\s+)?(?P<var>\w+)=["']?(?P<value>[^"'\s;]*)""", re.M)
FUNCTION = re.compile(r"^\s*(?:function\s+)?([\w-]+)\s*\(\s*\)|^\s*function\s+([\w-]+)", re.M)
MAX_PROFILE_BYTES = 256 * 1024
# Commands whose Debian/Ubuntu package has another name (from the distributions' package contents); any other
# command's package is usually named like the command.
PACKAGES = {
    "xmllint": "libxml2-utils", "dig": "dnsutils", "nslookup": "dnsutils", "host": "bind9-host",
    "ifconfig": "net-tools", "netstat": "net-tools", "convert": "imagemagick", "pdftotext": "poppler-utils",
    "7z": "p7zip-full", "ag": "silversearcher-ag", "rg": "ripgrep", "fdfind": "fd-find", "ps": "procps",
    "killall": "psmisc", "sponge": "moreutils", "ts": "moreutils", "xxd": "xxd", "envsubst": "gettext-base",
    "ping": "iputils-ping", "ssh": "openssh-client", "nc": "netcat-openbsd", "lsof": "lsof", "gcc": "build-essential",
    "make": "make", "ffmpeg": "ffmpeg", "jq": "jq", "unzip": "unzip", "zip": "zip",
}  # fmt: skip


def system_command(name: str) -> Path | None:
    """`name` in a system folder (a PATH that lost it finds nothing)."""
    for folder in SYSTEM_BIN:
        path = Path(folder) / name
        if path.is_file():
            return path
    return None


def path_replaced(name: str, place: ws.Place | None, facts: Facts) -> Finding | None:
    """The script set PATH without the old value, above the line that lost `name` (a system command)."""
    found = system_command(name)
    text = facts.read(place.path) if place is not None else None
    if found is None or place is None or text is None:
        return None
    lines = text.splitlines()[: place.line - 1]
    for n in range(len(lines), 0, -1):
        m = PATH_SET.match(lines[n - 1])
        if m is None:
            continue
        if re.search(r"\$\{?PATH\b", m["value"]):
            return None  # the old PATH is kept: not this cause
        value = m["value"].strip()
        kept = f'{value[:-1]}:$PATH"' if len(value) > 1 and value[0] == value[-1] == '"' else f"{value}:$PATH"
        return Finding(
            f"Line {n} sets PATH to {value} alone, without the old $PATH, so from then on the shell finds only "
            f"what is there: '{name}' (line {place.line}) is {found}, outside it. Keep the old value: PATH={kept}",
            ws.Place(place.path, n),
            headline=headline(f"line {n} replaced PATH without $PATH", "PATH replaced without $PATH"),
        )
    return None


def function_not_loaded(name: str, place: ws.Place | None, facts: Facts) -> Finding | None:
    """`name` is a shell function that a profile loads (from a file it sources); scripts do not read profiles."""
    for profile, defined in _profile_functions(facts.root):
        if name not in defined:
            continue
        where = defined[name]
        shown = _home_relative(where, facts.root)
        script = f"{place.path.name} runs in a shell that does not read {profile}" if place else "a script does not"
        at = f" before line {place.line}" if place else ""
        return Finding(
            f"'{name}' is a shell function, defined in {shown}, which your interactive shell loads from {profile}; "
            f"{script}, so there is no '{name}' in it. Load it in the script first{at}: . \"{shown}\"",
            place,
            headline=headline(f"'{name}' is a function from {shown}, not loaded", f"'{name}' is not loaded here"),
        )
    return None


def _profile_functions(root: Path) -> list[tuple[str, dict[str, Path]]]:
    """Each profile (in the workspace's top folder, else the home folder) and the functions its sourced files
    define, by name."""
    found: list[tuple[str, dict[str, Path]]] = []
    for home in dict.fromkeys([root, Path.home()]):
        for name in PROFILES:
            profile = home / name
            text = _read(profile)
            if text is None:
                continue
            names: dict[str, Path] = {}
            for sourced in _sourced(text, home):
                for fn in FUNCTION.findall(_read(sourced) or ""):
                    names.setdefault(fn[0] or fn[1], sourced)
            found.append((f"~/{name}", names))
    return found


def _sourced(profile: str, home: Path) -> list[Path]:
    """The files a profile sources, with $HOME, ~ and the variables it assigns expanded."""
    known = {"HOME": str(home)}
    for m in ASSIGNED.finditer(profile):
        known[m["var"]] = _expand(m["value"], known)
    files = [Path(_expand(m["file"], known)) for m in SOURCED.finditer(profile)]
    return [f for f in files if f.is_absolute() and f.is_file()]


def _expand(text: str, known: dict[str, str]) -> str:
    text = re.sub(r"^~(?=/|$)", known["HOME"], text)
    return re.sub(r"\$\{?(\w+)(?::-[^}]*)?\}?", lambda m: known.get(m[1], m[0]), text)


def _read(path: Path) -> str | None:
    try:
        if path.is_file() and path.stat().st_size <= MAX_PROFILE_BYTES:
            return path.read_text(errors="replace")
    except OSError:
        return None
    return None


def _home_relative(path: Path, root: Path) -> str:
    for home in (root, Path.home()):
        if path.is_relative_to(home):
            return f"$HOME/{path.relative_to(home).as_posix()}"
    return str(path)


def alias_in_script(name: str, place: ws.Place | None, facts: Facts) -> Finding | None:
    """The script defines `alias name=...` itself: bash does not expand aliases in scripts (non-interactive)."""
    text = facts.read(place.path) if place is not None else None
    lines = text.splitlines() if text is not None else []
    at = next((n for n, s in enumerate(lines, 1) if re.match(rf"\s*alias\s+{re.escape(name)}=", s)), None)
    if place is None or at is None:
        return None
    return Finding(
        f"Line {at} defines '{name}' as an alias, and bash does not expand aliases in a script (a non-interactive "
        f"shell), so '{name}' stays a command nobody has. Use a function, {name}() {{ ...; }}, or a variable "
        f"holding the program's name (or shopt -s expand_aliases before the alias).",
        ws.Place(place.path, at),
        headline=headline(f"alias {name} is not expanded in scripts"),
    )


def not_installed(name: str, place: ws.Place | None, facts: Facts) -> Finding | None:
    """Nothing anywhere is called `name` (not on PATH, in no venv, not a system command, function or alias): an
    honest hint that names the package that would provide it. Not a diagnosis: on frozen cases "not installed" was
    wrong three times in three (a venv not made, a project's own tool, a different fix), right only on dev."""
    if (facts.cwd / "package.json").is_file() or system_command(name) is not None:
        return None  # an npm script's tool comes from node_modules; a system command means PATH changed
    if not re.fullmatch(r"[\w.+-]+", name):
        return None
    package = PACKAGES.get(name, name)
    return honest.hint(
        f"The shell cannot find '{name}'. Nothing on PATH, in the system folders or in a virtual environment of the "
        f"workspace is called {name} (if it is a program to install, its package is {package} on Debian and Ubuntu)",
        place,
        "whether it needs installing, a project step that provides it (a venv, npm install) run first, or is misspelt",
    )
