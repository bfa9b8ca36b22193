"""The simulator's model replying in two parts, its turn held open between them: the moment a daemon that does
not hold its context updates while the model has the turn would (wrongly) send one and cut the reply off."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable

from tests.fakes.session import FakeSession
from tests.fakes.wire import ClientMessage


def is_context(message: ClientMessage) -> bool:
    """A context update: client content that asks for no reply."""
    return message.kind == "clientContent" and not message.body.get("turnComplete")


async def reply_held_open(
    session: FakeSession,
    head: str,
    tail: str,
    hold_s: float,
    between: Callable[[], Awaitable[bool]] | None = None,
) -> bool:
    """`head`; then `between()` (a fault: True when it ended the connection); then up to `hold_s` for an update to
    arrive in the open turn; then `tail`, unless an update cut the reply off (the simulator drops the rest, as the
    service does). True when the connection is gone."""
    await session.send_text(head, turn_complete=False)
    if between is not None and await between():
        return True
    with contextlib.suppress(TimeoutError):
        await session.next_message(predicate=is_context, timeout=hold_s)
    if not session.cut_off:
        await session.send_text(tail)
    return False
