"""Pings as the Live service answers them (field report, families.py `slow_pongs`: aicc2025/sip-to-ai#14 measured
pongs after 8-30 s, which trips websockets' default 20 s keepalive with close 1011 "keepalive ping timeout").

websockets answers a ping inside its protocol, before any application code sees it; this connection takes the
ping frame there instead and sends the pong once `pong_delay()` seconds have passed (None: at once, as RFC 6455
and websockets do).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.frames import Frame, Opcode
from websockets.protocol import State


class LatePongs(ServerConnection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Seconds until the pong for a ping that arrives now; None: pong at once.
        self.pong_delay: Callable[[], float] | None = None
        self.pings = 0
        self.on_ping: Callable[[], None] = lambda: None  # the server's notifier: waits re-check
        self.late_pongs = 0
        protocol = self.protocol
        answer = protocol.recv_frame

        def recv_frame(frame: Frame) -> None:
            if frame.opcode is Opcode.PING:
                self.pings += 1
                self.on_ping()
                if self.pong_delay is not None:
                    self.loop.call_later(self.pong_delay(), self._late_pong, bytes(frame.data))
                    return
            answer(frame)

        protocol.recv_frame = recv_frame  # type: ignore[method-assign]

    def _late_pong(self, data: bytes) -> None:
        if self.protocol.state is not State.OPEN:
            return  # closing or closed: nobody waits for it
        self.protocol.send_pong(data)
        self.send_data()
        self.late_pongs += 1
