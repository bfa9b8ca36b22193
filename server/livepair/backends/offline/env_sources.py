"""Where an environment variable the program lacks was meant to come from, when the command line shows it: a file
sourced that sets it without export (a shell variable, never passed on), or a script run in a child shell (whose
export ends with it) where it had to be sourced.
"""

from __future__ import annotations

import re
import shlex

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Facts, Finding, headline


def _steps(command: str) -> list[list[str]]:
    try:
        return [shlex.split(step) for step in re.split(r"&&|;|\|\|", command) if step.strip()]
    except ValueError:
        return []


def meant_from(key: str, facts: Facts) -> Finding | None:
    """The finding when an earlier step of the command was to give the program `key`, and why it did not."""
    for words in _steps(str(facts.memo.get("command", ""))):
        run, name = [*words, "", ""][:2]
        shelled = run in ("source", ".", "bash", "sh") and bool(name)
        if not shelled and not (run.startswith("./") or run.endswith(".sh")):
            continue  # a program, not a script of the workspace
        script = (facts.cwd / (name if shelled else run)).resolve()
        inside = facts.root.resolve() in script.parents and script.is_file()
        text = facts.read(script) if inside else None
        if text is None:
            continue
        lines = text.splitlines()
        if run in ("source", "."):
            set_at = [n for n, s in enumerate(lines, 1) if re.match(rf"\s*{re.escape(key)}=", s)]
            exported = re.search(rf"^\s*(?:export\s+{re.escape(key)}\b|set -a|set -o allexport)", text, re.M)
            if set_at and not exported:
                return Finding(
                    f"{ws.relative_to(script, facts.root)} sets {key} without export, so sourcing it makes {key} a "
                    "variable of the shell only, and the programs the shell starts do not get it. Write export "
                    f"{key}=... there (or run set -a before sourcing the file).",
                    ws.Place(script, set_at[0]),
                    headline=headline(f"{key} is set without export"),
                )
        elif re.search(rf"^\s*export\s+{re.escape(key)}=", text, re.M):
            shown = " ".join(words[:2]) if run in ("bash", "sh") else run
            return Finding(
                f"`{shown}` runs {script.name} in a child shell, and what a child shell exports ends with it: the "
                f"shell that then starts python never had {key}. Source it instead, so it sets this shell: "
                f"source {name if run in ('bash', 'sh') else run}, then the program, in the same terminal.",
                headline=headline(f"{script.name} ran in a child shell"),
            )
    return None
