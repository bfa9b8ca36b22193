"""The tool audit log: every tool call the model made, what the user decided, how long it took, how much came back.

JSON lines in the state directory (`tool-audit.jsonl` beside the sent log), rotated at 2 MB to one `.1` file, so
it stays bounded. Arguments are redacted and each one cut to 2,000 characters; results are never written, only
their size. The decision of a call that asked the user is set by the approval gate through `decide()` (a context
variable: each tool call runs in its own task), so the tools need not pass it around.
"""

from __future__ import annotations

import contextvars
import json
from pathlib import Path
from typing import Any, Literal

from livepair import state
from livepair.context.redact import Redactor

FILE_NAME = "tool-audit.jsonl"
MAX_BYTES = 2 * 1024 * 1024
MAX_ARG_CHARS = 2000
Decision = Literal["auto", "allowed", "denied", "always", "refused"]
_decision: contextvars.ContextVar[Decision] = contextvars.ContextVar("livepair_tool_decision", default="auto")


def decide(decision: Decision) -> None:
    """Record what the user (or a rule) decided for the tool call running in this task."""
    _decision.set(decision)


def current_decision() -> Decision:
    return _decision.get()


def default_path() -> Path:
    return state.state_dir() / FILE_NAME


def ensure(path: Path | None = None) -> Path:
    return state.ensure(path or default_path())


class AuditLog:
    def __init__(self, redactor: Redactor, path: Path | None = None) -> None:
        self._lines = state.JsonLines(path or default_path(), MAX_BYTES, "the tool audit log")
        self._redactor = redactor

    @property
    def path(self) -> Path:
        return self._lines.path

    def record(
        self, tool: str, args: dict[str, Any], decision: Decision, duration_s: float, result: dict[str, Any]
    ) -> None:
        body = json.dumps(result, ensure_ascii=False, default=str)
        entry = {
            "tool": tool,
            "args": {str(k): self._arg(v) for k, v in list(args.items())[:20]},
            "decision": decision,
            "durationMs": round(duration_s * 1000, 1),
            "resultBytes": len(body.encode("utf-8")),
            "error": self._redactor.redact(str(result["error"]))[:MAX_ARG_CHARS] if "error" in result else None,
        }
        self._lines.append(entry, ascii_only=False)

    def _arg(self, value: Any) -> Any:
        if isinstance(value, bool | int | float) or value is None:
            return value
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        text = self._redactor.redact(text)
        return text if len(text) <= MAX_ARG_CHARS else text[:MAX_ARG_CHARS] + f"… ({len(text)} chars)"

    def close(self) -> None:
        self._lines.close()
