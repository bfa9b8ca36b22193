"""Commands the user chose to "always allow in this workspace": an explicit, revocable choice, kept per workspace.

Stored as JSON in the state directory (`allowed-commands.json`: workspace root -> [command line, working directory
relative to the root] pairs). Only the exact command line in the same working directory of the same workspace
matches: `sh run.sh` allowed at the root does not run `sub/run.sh` from `sub/`. Nothing is ever added except by the
user's choice in an approval prompt, and `livepair.allowedCommands` lists and revokes entries (shown as the command,
followed by `  (in DIR)` when DIR is not the root). An entry of an older file (a bare command line) counts for the
root only. A broken file counts as empty.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from livepair.state import state_dir

log = logging.getLogger(__name__)
FILE_NAME = "allowed-commands.json"
MAX_PER_WORKSPACE = 200


Entry = tuple[str, str]  # (command line, working directory relative to the workspace root, "." for the root)


def where(workspace: Path, cwd: Path | None) -> str:
    """The working directory as stored: relative to the root when inside it, else absolute."""
    if cwd is None:
        return "."
    root, here = workspace.resolve(), cwd.resolve()
    return str(here.relative_to(root)) if here.is_relative_to(root) else str(here)


def shown(entry: Entry) -> str:
    command, cwd = entry
    return command if cwd == "." else f"{command}  (in {cwd})"


class AllowList:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or state_dir() / FILE_NAME

    def _load(self) -> dict[str, list[Entry]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("ignoring the allowed-commands file %s: %s", self.path, exc)
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): _entries(v) for k, v in data.items() if isinstance(v, list)}

    def _save(self, data: dict[str, list[Entry]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        plain = {k: [list(e) for e in v] for k, v in data.items()}
        tmp.write_text(json.dumps(plain, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)  # never a half-written file

    def allows(self, workspace: Path, command: str, cwd: Path | None = None) -> bool:
        return (command, where(workspace, cwd)) in self._load().get(str(workspace), [])

    def add(self, workspace: Path, command: str, cwd: Path | None = None) -> None:
        data = self._load()
        entries = data.setdefault(str(workspace), [])
        entry = (command, where(workspace, cwd))
        if entry not in entries:
            entries.append(entry)
            del entries[:-MAX_PER_WORKSPACE]
            self._save(data)

    def list(self, workspace: Path) -> list[str]:
        return [shown(e) for e in self._load().get(str(workspace), [])]

    def revoke(self, workspace: Path, command: str | None) -> int:
        """Forget one entry (as `list` shows it, or its bare command line: every directory), or all of this
        workspace's with None; returns how many were removed."""
        data = self._load()
        entries = data.get(str(workspace), [])
        before = len(entries)
        kept = [] if command is None else [e for e in entries if command not in (shown(e), e[0])]
        if len(kept) == before:
            return 0
        if kept:
            data[str(workspace)] = kept
        else:
            data.pop(str(workspace), None)
        self._save(data)
        return before - len(kept)


def _entries(raw: list[object]) -> list[Entry]:
    out: list[Entry] = []
    for item in raw:
        if isinstance(item, str):
            out.append((item, "."))  # an older file: it was allowed from the root
        elif isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item):
            out.append((str(item[0]), str(item[1])))
    return out
