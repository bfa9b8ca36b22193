"""The model's tool calls in a running session: one task per call, so a toolCallCancellation can stop it; the
reply goes back to the backend, and advice a cancelled call already put on a line is taken off again."""

from __future__ import annotations

import asyncio

from livepair.advice.store import AdviceStore
from livepair.aio import TaskOwner
from livepair.backends.backend import Backend, ToolCall
from livepair.session.editor_port import EditorPort
from livepair.session.tools.toolbox import Tools


class ToolCalls:
    def __init__(
        self, tasks: TaskOwner, tools: Tools, backend: Backend, advice: AdviceStore, editor: EditorPort
    ) -> None:
        self._tasks = tasks  # the session's: stopping the session cancels the calls (their processes are killed)
        self._tools = tools
        self._backend = backend
        self._advice = advice
        self._editor = editor
        self._running: dict[str, asyncio.Task[None]] = {}
        self._placed: dict[str, str] = {}  # call id -> advice id, to retract on cancellation

    def start(self, call: ToolCall) -> None:
        async def run() -> None:
            await asyncio.sleep(0)  # let a cancellation that arrived in the same burst win
            result = await self._tools.call(call.name, call.args)
            if "id" in result:
                self._placed[call.id] = str(result["id"])
            self._backend.send_tool_response(call.id, call.name, result)

        task = self._tasks.spawn(f"tool:{call.name}:{call.id}", run())
        self._running[call.id] = task
        task.add_done_callback(lambda _t: self._running.pop(call.id, None))

    def cancel(self, ids: tuple[str, ...]) -> None:
        for call_id in ids:
            task = self._running.pop(call_id, None)
            if task is not None:
                task.cancel()
            advice_id = self._placed.pop(call_id, None)
            uri = self._advice.remove(advice_id) if advice_id else None
            if uri is not None:
                self._editor.advice_changed(uri, None)

    async def settled(self) -> None:
        """Return once every call running now has finished, failed or been cancelled."""
        await asyncio.gather(*self._running.values(), return_exceptions=True)
