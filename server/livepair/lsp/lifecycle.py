"""The session's life, owned by the server: start (replacing a running one), stop, the auto-start after
`initialized` for clients without a button, and its cancellation on `shutdown`."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from livepair.aio import TaskOwner
from livepair.config import Settings, env_api_key
from livepair.lsp import protocol
from livepair.lsp.client import VSCODE
from livepair.model import StatusSnapshot

if TYPE_CHECKING:
    from livepair.lsp.server import LivePairServer


class SessionLifecycle:
    def __init__(self, server: LivePairServer) -> None:
        self._ls = server
        self._tasks = TaskOwner("auto-start")

    async def start(self, api_key: str | None, settings: Settings | None = None) -> protocol.StartResult:
        ls = self._ls
        await self.stop("Restarting…")
        from livepair.session.factory import Refused, build_session  # the session's modules load on start

        session = build_session(settings or ls.settings, api_key, ls.session_parts)
        if isinstance(session, Refused):
            ls.status(StatusSnapshot("error", message=session.message))
            ls.warn(session.message)
            return {"state": "error", "message": session.message}
        ls.session = session
        await session.start()
        return {"state": session.state, "backend": session.backend.name}

    async def stop(self, message: str = "Session stopped.") -> None:
        session, self._ls.session = self._ls.session, None
        if session is not None:
            await session.stop()
        self._ls.idle_status(message)

    def auto_start(self) -> None:
        """Start a session as `autoStart` says, in the background; VS Code has its button instead."""
        self._tasks.spawn("auto-start", self._auto_start())

    async def _auto_start(self) -> None:
        ls = self._ls
        mode = ls.settings.auto_start
        if ls.client == VSCODE or mode == "never" or ls.session is not None:
            return
        if mode == "offline":  # nothing leaves the machine unless the user asked for it
            await self.start(None, dataclasses.replace(ls.settings, backend="offline"))
        else:
            await self.start(env_api_key())

    async def close(self) -> None:
        """The editor is shutting down: an auto-start still under way is cancelled."""
        await self._tasks.cancel_all()
