"""git run where the folder's .git is a file (a submodule's) that points to a git directory that is not there."""

from __future__ import annotations

import re

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding


def stale_gitdir(command: str, facts: Facts) -> Finding | None:
    """A .git *file* (a submodule's) in the folder git ran in or above, whose gitdir: target is not there."""
    cd = re.match(r"\s*cd\s+(?P<dir>[^\s;&]+)\s*&&", command)
    here = (facts.cwd / cd["dir"]).resolve() if cd and (facts.cwd / cd["dir"]).is_dir() else facts.cwd.resolve()
    root = facts.root.resolve()
    for folder in [here, *here.parents]:
        marker = folder / ".git"
        if marker.is_file():
            m = re.match(r"gitdir:\s*(?P<to>\S+)", facts.read(marker) or "")
            if m is None or (folder / m["to"]).exists():
                return None
            rel = ws.relative_to(marker, facts.root)
            return Finding(
                f"{rel} is a file, not a folder: it sends git to gitdir: {m['to']}, which is not there. This folder "
                "is a submodule copied or moved without its parent repository. Get the parent with git clone "
                "--recurse-submodules (or run git submodule update --init in it).",
                ws.Place(marker, 1),
            )
        if folder == root:
            break
    return None
