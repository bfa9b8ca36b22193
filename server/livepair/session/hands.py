"""The senior dev's hands: the tools that run things (`run_command`, `run_python`) and the audit of every call.

`Tools` (tools/toolbox.py) dispatches to these; this module owns what they share: the editor port (a visible
terminal if it has one, the panel), the per-workspace allow-list, the sandbox for the current workspace root, and the
audit log.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from livepair.context.redact import Redactor
from livepair.context.store import ContextStore
from livepair.session import audit, run_command, run_python
from livepair.session.allowlist import AllowList
from livepair.session.audit import AuditLog
from livepair.session.editor_port import EditorPort, NullEditor
from livepair.session.run_command import Approve
from livepair.session.sandbox import Limits, Sandbox


class Hands:
    def __init__(
        self,
        context: ContextStore,
        redactor: Redactor,
        approve: Approve,
        port: EditorPort | None = None,
        allowlist: AllowList | None = None,
        auditlog: AuditLog | None = None,
        limits: Limits | None = None,
        command_timeout_s: float = run_command.TIMEOUT_S,
        env_allow: tuple[str, ...] = (),
    ) -> None:
        self._env_allow = env_allow  # the commandEnvAllow setting
        self._ctx = context
        self._redactor = redactor
        self._approve = approve
        self._port = port or NullEditor()
        self._allowlist = allowlist
        self._audit = auditlog
        self._limits = limits
        self._command_timeout_s = command_timeout_s
        self._sandbox: Sandbox | None = None

    def sandbox(self) -> Sandbox:
        root = self._ctx.root or Path.cwd()
        if self._sandbox is None or self._sandbox.root != root:
            self._sandbox = Sandbox(root, self._limits)
        return self._sandbox

    async def run_command(self, args: dict[str, Any]) -> dict[str, Any]:
        return await run_command.run_command(
            args,
            self._ctx,
            self._redactor,
            self._approve,
            self._port,
            self._allowlist,
            self._command_timeout_s,
            self._env_allow,
        )

    async def run_python(self, args: dict[str, Any]) -> dict[str, Any]:
        return await run_python.run_python(args, self._ctx, self._redactor, self._approve, self._port, self.sandbox())

    def begin(self) -> float:
        audit.decide("auto")
        return time.monotonic()

    def record(self, name: str, args: dict[str, Any], began: float, result: dict[str, Any]) -> None:
        if self._audit is not None:
            self._audit.record(name, args, audit.current_decision(), time.monotonic() - began, result)
