"""LivePair: a realtime AI pair programmer that speaks LSP to your editor."""

# First, before anything else is imported: the daemon runs no code it did not ship. `python -m livepair` puts the
# working directory first on the import path (a `json.py` in /tmp or in the project would shadow the standard
# library), so it is taken off here; the launchers also start the interpreter isolated (`-I`).
import os as _os
import sys as _sys


def _own_dir() -> str:
    return _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))


def forget_import_paths(*roots: str) -> list[str]:
    """Remove '', relative entries, the working directory itself and `roots` (workspace folders) from sys.path,
    keeping the folder this package was loaded from (entries *inside* those folders stay: a project's own `.venv`
    may be where LivePair is installed). Returns what was removed."""
    try:
        cwd = _os.getcwd()
    except OSError:  # the working directory was deleted: it cannot shadow anything
        cwd = ""
    banned = {_os.path.realpath(r) for r in (cwd, *roots) if r} - {_os.path.realpath(_own_dir())}
    removed: list[str] = []
    for entry in list(_sys.path):
        if isinstance(entry, str) and _os.path.isabs(entry) and _os.path.realpath(entry) not in banned:
            continue
        _sys.path.remove(entry)
        removed.append(entry)
    return removed


forget_import_paths()

__version__ = "0.1.0"
