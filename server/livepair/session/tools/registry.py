"""The shape of a tool: one record per tool, the one error a tool raises, and argument readers they share.

A record says everything the rest of the daemon asks about a tool: its name, what the model is told (a neutral JSON
Schema, lowercase types), its handler, whether its call holds the conversation, whether it asks the user first, and
whether it reads workspace paths. Backends are given `declarations()`; their adapters speak their service's dialect.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from livepair.model import ToolDeclaration

if TYPE_CHECKING:
    from livepair.session.tools.toolbox import Tools

Args = dict[str, Any]
Result = dict[str, Any]
Handler = Callable[["Tools", Args], Awaitable[Result]]

PATH: dict[str, object] = {
    "type": "string",
    "description": "File path relative to the workspace root, e.g. 'src/app.py'.",
}


class ToolError(Exception):
    """A tool call the model got wrong or the daemon refused; the message goes back to the model."""


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    parameters: dict[str, object]  # JSON Schema of the arguments object
    handler: Handler
    blocking: bool = True  # False: answered when the model is idle, where the model allows async calls
    needs_approval: bool = False  # the user says yes before anything runs
    touches_paths: bool = False  # reads workspace paths: every one goes through the privacy gate
    places_advice: bool = False  # puts advice on a line: a turn that called it needs no "unplaced" message
    mode: str | None = None  # declared to the model only in this mode ("tutor"); None: in every mode

    def declaration(self) -> ToolDeclaration:
        return ToolDeclaration(self.name, self.description, self.parameters, self.blocking)


class Registry:
    """Every tool, in the order the model is told of them."""

    def __init__(self, *tools: Tool) -> None:
        self._tools = {t.name: t for t in tools}
        if len(self._tools) != len(tools):
            raise ValueError("two tools share a name")

    def __iter__(self) -> Iterator[Tool]:
        return iter(self._tools.values())

    def get(self, name: str) -> Tool | None:
        return self._tools.get(name)

    def places_advice(self, name: str) -> bool:
        tool = self._tools.get(name)
        return tool is not None and tool.places_advice

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self._tools)

    def declarations(self, mode: str = "pair") -> tuple[ToolDeclaration, ...]:
        return tuple(t.declaration() for t in self if t.mode in (None, mode))


def integer(args: Args, key: str, default: int | None = None) -> int:
    value = args.get(key, default)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ToolError(f"'{key}' must be an integer")
    return value


def text(args: Args, key: str) -> str:
    value = args.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ToolError(f"'{key}' must be a non-empty string")
    return value
