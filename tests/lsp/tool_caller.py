"""A model that calls tools in its first turn: batch after batch, each answered before the next is sent, every
response kept in order. What a test of the tools' answers plays against the simulator."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession

Call = Mapping[str, Any]  # {name, args}


class ToolCaller:
    def __init__(self, *batches: Sequence[Call]) -> None:
        self.batches = batches
        self.responses: list[dict[str, Any]] = []
        self._done = asyncio.Event()

    @classmethod
    def running(cls, tool: str, *args: Mapping[str, Any]) -> ToolCaller:
        """One call of `tool` per set of arguments, each after the one before was answered."""
        return cls(*([{"name": tool, "args": a}] for a in args))

    async def __call__(self, session: FakeSession) -> None:
        await session.next_message(predicate=starts_turn)
        for batch in self.batches:
            ids = await session.send_tool_call(batch)
            self.responses.extend(await session.wait_tool_response(ids, timeout=30))
        self._done.set()
        await session.wait_closed(timeout=60)

    async def answered(self, timeout: float = 30) -> list[dict[str, Any]]:
        """Every call's response, once the last batch is answered."""
        await asyncio.wait_for(self._done.wait(), timeout)
        return self.responses
