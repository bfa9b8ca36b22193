"""Commands the user chose to "always allow in this workspace": an explicit, revocable choice, kept per workspace.

Stored as JSON in the state directory (`allowed-commands.json`: workspace root -> exact command lines). Only an
exact command line in the same workspace matches; nothing is ever added except by the user's choice in an
approval prompt, and `livepair.allowedCommands` lists and revokes entries. A broken file counts as empty.
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


class AllowList:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or state_dir() / FILE_NAME

    def _load(self) -> dict[str, list[str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("ignoring the allowed-commands file %s: %s", self.path, exc)
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): [c for c in v if isinstance(c, str)] for k, v in data.items() if isinstance(v, list)}

    def _save(self, data: dict[str, list[str]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)  # never a half-written file

    def allows(self, workspace: Path, command: str) -> bool:
        return command in self._load().get(str(workspace), [])

    def add(self, workspace: Path, command: str) -> None:
        data = self._load()
        entries = data.setdefault(str(workspace), [])
        if command not in entries:
            entries.append(command)
            del entries[:-MAX_PER_WORKSPACE]
            self._save(data)

    def list(self, workspace: Path) -> list[str]:
        return list(self._load().get(str(workspace), []))

    def revoke(self, workspace: Path, command: str | None) -> int:
        """Forget one command (or all of this workspace's with None); returns how many were removed."""
        data = self._load()
        entries = data.get(str(workspace), [])
        before = len(entries)
        kept = [] if command is None else [c for c in entries if c != command]
        if len(kept) == before:
            return 0
        if kept:
            data[str(workspace)] = kept
        else:
            data.pop(str(workspace), None)
        self._save(data)
        return before - len(kept)
