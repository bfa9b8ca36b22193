"""Handlers of the tutor's tools (tutor mode): `give_hint` puts one rung of a hint ladder on a line, and
`record_concept` names the concept behind a problem with its documentation page, for the private learning log.

Neither tool sends the log or anything from it back: the model hears "ok" and the rung it gave.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from livepair.session.tools.editor_tools import _line, _uri_and_lines  # pyright: ignore[reportPrivateUsage]
from livepair.session.tools.registry import Args, Result, ToolError, integer, text

if TYPE_CHECKING:
    from livepair.session.tools.toolbox import Tools

MAX_LEVEL = 5


async def give_hint(tools: Tools, args: Args) -> Result:
    uri, lines = _uri_and_lines(tools, args)
    if tools.tutor is None:
        raise ToolError("tutor mode is off: use annotate")
    line = _line(lines, integer(args, "line"))
    level = integer(args, "level")
    if not 1 <= level <= MAX_LEVEL:
        raise ToolError(f"'level' must be 1 (the guiding question) to {MAX_LEVEL}")
    # a rung is Info; the offline tutor marks the line a program crashed on as an Error (issue 24: severity tells
    # the truth), a value the model is not offered
    severity = "error" if args.get("severity") == "error" else "info"
    item = tools.advice.annotate(uri, line, text(args, "hint"), severity)
    tools.on_advice(item)
    tools.tutor.hint_given(uri, line, level)
    return {"ok": True, "id": item.id}


async def record_concept(tools: Tools, args: Args) -> Result:
    name = text(args, "name").strip()[:120]
    source = text(args, "source").strip()
    if not source.startswith("https://") or len(source) > 500 or any(c.isspace() for c in source):
        raise ToolError("'source' must be the https address of the documentation page")
    uri: str | None = None
    line: int | None = None
    if args.get("path"):
        uri, lines = _uri_and_lines(tools, args)
        line = _line(lines, integer(args, "line")) if args.get("line") is not None else None
    if tools.tutor is None:
        raise ToolError("tutor mode is off")
    check = args.get("check")
    tools.tutor.concept(uri or "", line, name, source, check if isinstance(check, str) else "")
    return {"ok": True}
