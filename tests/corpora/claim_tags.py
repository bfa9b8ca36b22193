"""Which detector made each finding: the advisor's function that built it, for the first-seen record of each kind
of claim (`python -m tests.corpora.first_seen --claims`, probation.py).

Analysis only, in first_seen's child process: it wraps `Finding.__init__` and `dataclasses.replace` of whatever
advisor that process imported (any commit's), so a finding copied with a new field keeps the detector that made it.
"""

from __future__ import annotations

import dataclasses
import sys
from types import FrameType
from typing import Any

PACKAGE = "livepair.backends.offline"
SKIPPED = ("enrich", "probation")  # the dataclass's own module and the wrapper that re-says a claim
HELPERS = {"proposed"}  # py_crash.proposed builds the finding for whichever detector called it
made: dict[int, str] = {}  # id(finding) -> "module.function"


def _maker(frame: FrameType | None) -> str:
    while frame is not None:
        module = str(frame.f_globals.get("__name__", ""))
        if module.startswith(PACKAGE) and not module.endswith(SKIPPED) and frame.f_code.co_name not in HELPERS:
            return f"{module.rsplit('.', 1)[1]}.{frame.f_code.co_name}"
        frame = frame.f_back
    return "?"


def install() -> None:
    """Tag every Finding the advisor builds from now on (all of it imported first, so every module is patched)."""
    from livepair.backends.offline import enrich, triage  # noqa: F401  (triage imports every detector)

    init = enrich.Finding.__init__
    plain_replace = dataclasses.replace

    def tagged_init(self: Any, *args: Any, **kwargs: Any) -> None:
        init(self, *args, **kwargs)
        made[id(self)] = _maker(sys._getframe(1))

    def tagged_replace(obj: Any, /, **changes: Any) -> Any:
        new = plain_replace(obj, **changes)
        if id(obj) in made:
            made[id(new)] = made[id(obj)]
        return new

    enrich.Finding.__init__ = tagged_init  # type: ignore[method-assign]
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith(PACKAGE) and getattr(module, "replace", None) is plain_replace:
            module.replace = tagged_replace  # type: ignore[attr-defined]


def maker(finding: object) -> str:
    return made.get(id(finding), "?") if finding is not None else ""
