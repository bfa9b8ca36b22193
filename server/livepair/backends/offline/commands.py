"""Which commands exist: a PATH lookup for the command the user meant (`pyhton` -> `python3`)."""

from __future__ import annotations

import difflib
import functools
import os
import re
import shutil
from pathlib import Path

# A name that is often missing, and what this machine may have instead.
ALTERNATIVES = {
    "python": ("python3",),
    "pip": ("pip3", "python3 -m pip"),
    "py": ("python3",),
    "pytest": ("python3 -m pytest",),
    "ipython": ("python3",),
}
MAX_DIR_ENTRIES = 5_000
# Commands that Python packages install (the command -> the distribution that provides it).
PYTHON_COMMANDS = {
    "black": "black", "ruff": "ruff", "flake8": "flake8", "pylint": "pylint", "mypy": "mypy", "isort": "isort",
    "pytest": "pytest", "tox": "tox", "nox": "nox", "pre-commit": "pre-commit", "uvicorn": "uvicorn",
    "gunicorn": "gunicorn", "flask": "flask", "django-admin": "django", "jupyter": "jupyter", "ipython": "ipython",
    "poetry": "poetry", "pipenv": "pipenv", "http": "httpie", "streamlit": "streamlit", "celery": "celery",
    "alembic": "alembic", "twine": "twine", "scrapy": "scrapy", "mkdocs": "mkdocs", "sphinx-build": "sphinx",
    "cookiecutter": "cookiecutter", "yt-dlp": "yt-dlp", "aws": "awscli", "pipx": "pipx", "virtualenv": "virtualenv",
}  # fmt: skip
# Commands typed so often that a near miss of one, which names no program anywhere, is a slip of the fingers
EVERYDAY = frozenset({
    "python", "python3", "pip", "pip3", "git", "node", "npm", "npx", "docker", "make", "ls", "cat", "grep", "echo",
    "curl", "wget", "cd", "cp", "mv", "rm", "sed", "awk", "tar", "ssh", "java", "go", "cargo", "ruby", "perl", "bash",
    "sh", "pytest",
})  # fmt: skip
MAX_TYPO = 2  # edits (a letter added, dropped, changed, or two swapped) between a typed name and the one meant


def executables(path_env: str | None = None) -> frozenset[str]:
    """Names of the executables on PATH (bounded per directory); rescanned only when a PATH folder changed."""
    folders = tuple((path_env if path_env is not None else os.environ.get("PATH", "")).split(os.pathsep))
    return _scan(folders, tuple(_mtime(f) for f in folders))


def _mtime(folder: str) -> float:
    try:
        return os.stat(folder or ".").st_mtime
    except OSError:
        return 0.0


@functools.lru_cache(maxsize=4)
def _scan(folders: tuple[str, ...], _mtimes: tuple[float, ...]) -> frozenset[str]:
    found: set[str] = set()
    for folder in folders:
        try:
            with os.scandir(folder or ".") as entries:
                for n, entry in enumerate(entries):
                    if n >= MAX_DIR_ENTRIES:
                        break
                    if entry.is_file() and os.access(entry.path, os.X_OK):
                        found.add(entry.name)
        except OSError:
            continue
    return frozenset(found)


def _other_version(typed: str, candidate: str) -> bool:
    """Names that differ only in version digits (python3.12, python3.11; node18, node) are two programs: the one
    typed is not installed, and running the other one instead is no typo's fix."""
    return re.sub(r"[\d.]", "", typed) == re.sub(r"[\d.]", "", candidate)


def meant(command: str, path_env: str | None = None) -> str | None:
    """The command on PATH the user most likely meant by `command`, which is not there."""
    name = Path(command).name
    for alternative in ALTERNATIVES.get(name, ()):
        if shutil.which(alternative.split()[0], path=path_env):
            return alternative
    on_path = executables(path_env)
    swapped = sorted(
        c
        for c in on_path
        if len(c) == len(name) and sorted(c) == sorted(name) and c != name and not _other_version(name, c)
    )
    if swapped:
        return swapped[0]  # two letters swapped: gti -> git
    if len(name) < 4:
        return None  # a short name close to another (ack, cpack) is more often a program not installed than a typo
    close = difflib.get_close_matches(name, sorted(on_path), n=3, cutoff=0.75)
    # A typo is a letter or two off; a name further away (pkgconfigdir vs pkg-config) is another program.
    close = [c for c in close if typo_distance(name, c) <= MAX_TYPO and not _other_version(name, c)]
    # Prefer the plain interpreter over a versioned one (python3 over python3.11) when both are as close.
    return (
        min(close, key=lambda c: (-round(difflib.SequenceMatcher(None, name, c).ratio(), 2), len(c))) if close else None
    )


def typo_distance(a: str, b: str) -> int:
    """Edits from `a` to `b`: insertions, deletions, substitutions and swaps of neighbours (optimal string
    alignment)."""
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row = row, [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], before[j - 2] + 1)
        before = prev
    return row[len(b)]
