"""`Tools`: what the tools work over (the stores, the privacy gate, the hands, the editor), and the one call path:
look the tool up in the registry, run its handler, turn a `ToolError` into an error reply, audit the call."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from livepair.advice.store import Advice, AdviceStore
from livepair.context.gate import WorkspaceGate
from livepair.context.redact import Redactor
from livepair.context.store import ContextStore, OutsideWorkspace
from livepair.session import hands as hands_module
from livepair.session.editor_port import EditorPort
from livepair.session.run_command import Approve
from livepair.session.tools.catalogue import REGISTRY
from livepair.session.tools.registry import Args, Result, ToolError
from livepair.session.workspace_tools import WorkspaceTools

if TYPE_CHECKING:
    from livepair.session.tutor import Tutor


class Tools:
    """Runs the registry's tools over the context and advice stores."""

    def __init__(
        self,
        context: ContextStore,
        advice: AdviceStore,
        redactor: Redactor,
        on_advice: Callable[[Advice], None],
        approve: Approve,
        *,
        hands_: hands_module.Hands | None = None,
        gate: WorkspaceGate | None = None,
        editor: EditorPort | None = None,
    ) -> None:
        self.context = context
        self.gate = gate or WorkspaceGate(context)  # the privacy gate: what the model may see
        self.advice = advice
        self.redactor = redactor
        self.on_advice = on_advice
        self.hands = hands_ or hands_module.Hands(context, redactor, approve)
        self.workspace = WorkspaceTools(context, self.gate, redactor, editor)
        self.tutor: Tutor | None = None  # tutor mode (session/tutor.py): the tutor's tools report to it

    async def call(self, name: str, args: Args) -> Result:
        began = self.hands.begin()
        try:
            result = await self._dispatch(name, args)
        except asyncio.CancelledError:  # the model cancelled the call: its process is already killed
            self.hands.record(name, args, began, {"error": "cancelled by the model"})
            raise
        self.hands.record(name, args, began, result)  # the audit log: every call, its decision, size and time
        return result

    async def _dispatch(self, name: str, args: Args) -> Result:
        tool = REGISTRY.get(name)
        if tool is None:
            return {"error": f"unknown tool {name!r}; available: {', '.join(sorted(REGISTRY.names))}"}
        try:
            return await tool.handler(self, args)
        except (ToolError, OutsideWorkspace) as exc:
            return {"error": str(exc)}
