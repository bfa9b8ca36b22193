"""LivePair: a realtime AI pair programmer that speaks LSP to your editor."""

# First, before anything else is imported: the daemon runs no code it did not ship. `python -m livepair` puts the
# working directory first on the import path (a `json.py` in /tmp or in the project would shadow the standard
# library), so it is taken off here; the launchers also start the interpreter isolated (`-I`).
import os as _os
import sys as _sys


def _own_dir() -> str:
    return _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))


def forget_import_paths(*roots: str) -> list[str]:
    """Remove '', relative entries and the working directory from sys.path, and anything inside `roots` (the
    workspace, once the editor names it) except the interpreter's own folders (a project's `.venv` may be where
    LivePair is installed) and the folder this package was loaded from. Returns what was removed."""
    try:
        cwd = _os.path.realpath(_os.getcwd())
    except OSError:  # the working directory was deleted: it cannot shadow anything
        cwd = ""
    own = {_os.path.realpath(p) for p in (_own_dir(), _sys.prefix, _sys.base_prefix, _sys.exec_prefix)}
    banned = [_os.path.realpath(r) for r in roots if r]
    removed: list[str] = []
    for entry in list(_sys.path):
        if isinstance(entry, str) and _os.path.isabs(entry):
            real = _os.path.realpath(entry)
            inside = any(real == b or real.startswith(b.rstrip(_os.sep) + _os.sep) for b in banned)
            ours = any(real == o or real.startswith(o.rstrip(_os.sep) + _os.sep) for o in own)
            if (real != cwd and not inside) or ours:
                continue
        _sys.path.remove(entry)
        removed.append(entry)
    return removed


forget_import_paths()

__version__ = "0.1.0"
