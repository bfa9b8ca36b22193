"""What a failed message costs: a short error reply (for a request), one log line, and a traceback only for a bug.

pygls put a traceback in every error reply's `data` and logged one for each bad message (4,774 of them for a
morning of bad input). Here an exception is sorted once: bad input (our `PayloadError`, cattrs' validation
errors, pygls' JSON-RPC errors) and refusals (`RequestFailed`) are ordinary and logged as one line; anything else
is a bug in the daemon, logged with its traceback, and the editor is told only its type.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cattrs
from cattrs.errors import BaseValidationError
from lsprotocol.types import ErrorCodes, LSPErrorCodes, ResponseError
from pygls.exceptions import JsonRpcException

from livepair.lsp.inbound import PayloadError
from livepair.lsp.limits import shorten

log = logging.getLogger("livepair.lsp")

PARSE_ERROR = ErrorCodes.ParseError.value  # -32700
INVALID_REQUEST = ErrorCodes.InvalidRequest.value  # -32600
METHOD_NOT_FOUND = ErrorCodes.MethodNotFound.value  # -32601
INVALID_PARAMS = ErrorCodes.InvalidParams.value  # -32602
INTERNAL_ERROR = ErrorCodes.InternalError.value  # -32603
REQUEST_FAILED = LSPErrorCodes.RequestFailed.value  # -32803: well-formed, but not possible now
REQUEST_CANCELLED = LSPErrorCodes.RequestCancelled.value  # -32800
MAX_ERROR_CHARS = 300


class RequestFailed(Exception):
    """A well-formed request the daemon cannot do now (no session is running, this session has no voice)."""


@dataclass(frozen=True)
class Failure:
    code: int
    message: str
    bug: bool = False  # a bug in the daemon: the log keeps the traceback


def classify(exc: BaseException, method: str) -> Failure:
    if isinstance(exc, PayloadError):
        return Failure(INVALID_PARAMS, str(exc))
    if isinstance(exc, RequestFailed):
        return Failure(REQUEST_FAILED, str(exc))
    if isinstance(exc, JsonRpcException):
        return Failure(exc.code, exc.message)
    if isinstance(exc, BaseValidationError | cattrs.StructureHandlerNotFoundError):
        return Failure(INVALID_PARAMS, describe_invalid(exc, method))
    return Failure(INTERNAL_ERROR, f"internal error in {shorten(method, 60)}: {type(exc).__name__}", bug=True)


def describe_invalid(exc: BaseException, method: str) -> str:
    """cattrs' validation tree as one human line: the first problem, and how many more there are."""
    try:
        problems = cattrs.transform_error(exc) if isinstance(exc, BaseValidationError) else [str(exc)]
    except Exception:  # transform_error is best effort; the type name still says something
        problems = [type(exc).__name__]
    more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"invalid params for {shorten(method, 60)}: {shorten(problems[0] if problems else '?', 160)}{more}"


def response_error(code: int, message: str) -> ResponseError:
    """An error reply: a short message and never `data` (pygls put tracebacks there)."""
    return ResponseError(code=code, message=shorten(message, MAX_ERROR_CHARS))


def log_failure(failure: Failure, method: str, exc: BaseException | None = None) -> None:
    """The one log line a failed message gets."""
    if failure.bug:
        log.error("%s: %s", failure.message, shorten(str(exc)), exc_info=exc)
    else:
        log.warning("%s: %s", shorten(method, 60), shorten(failure.message, MAX_ERROR_CHARS))
