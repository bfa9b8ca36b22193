"""JSON-RPC from a framed body to a handler, such that every request gets exactly one reply.

pygls parses with an object hook and drops whatever fails to parse: a request whose params did not fit its type,
or whose id was a float, was never answered. `GuardedProtocol.receive` takes each body from the framing layer
(`framing.py`) and checks the envelope first (UTF-8, JSON, an object, `jsonrpc`, the id, the method, the shape of
params, uri lengths), then structures the params, then hands the message to pygls. Any request that fails a check
is answered with the JSON-RPC error for it; anything else that fails is one log line. Handler failures go through
`errors.py`; no error reply carries `data`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import signal
import sys
import threading
import uuid
from collections.abc import Awaitable, Callable, Generator
from concurrent.futures import Future
from functools import partial
from typing import Any, BinaryIO
from urllib.parse import unquote

from lsprotocol import types as lsp
from lsprotocol.types import CANCEL_REQUEST, EXIT, WORKSPACE_EXECUTE_COMMAND, ResponseError, ResponseErrorMessage
from pygls.exceptions import JsonRpcMethodNotFound
from pygls.io_ import StdoutWriter
from pygls.protocol import JsonRPCRequestMessage, JsonRPCResponseMessage, LanguageServerProtocol, lsp_method
from pygls.server import JsonRPCServer

from livepair.aio import TaskOwner, report_vitals, vitals_interval
from livepair.lsp import errors, framing
from livepair.lsp.errors import INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR, Failure
from livepair.lsp.inbound import PayloadError
from livepair.lsp.limits import MAX_URI_CHARS, shorten, too_long
from livepair.lsp.protocol import CLIENT_NOTIFICATIONS

log = logging.getLogger("livepair.lsp")
MsgId = int | str
MAX_BATCH_REPLIES = 100
CLOSING_S = 3.0  # a clean close of the model link on the way out; then the process ends regardless
# An id that can be read from a body that is not valid JSON: only when it is the object's first key (or follows
# "jsonrpc", as every editor writes it), so it cannot be a nested object's id.
_LEADING_ID = re.compile(r'\A\s*\{\s*(?:"jsonrpc"\s*:\s*"[^"\\]*"\s*,\s*)?"id"\s*:\s*(-?\d{1,15}|"[^"\\]{0,200}")')


def _valid_id(value: Any) -> MsgId | None:
    if isinstance(value, bool):
        return None
    return value if isinstance(value, int | str) else None


def _salvage_id(text: str) -> MsgId | None:
    m = _LEADING_ID.match(text)
    return None if m is None else json.loads(m.group(1))


class GuardedProtocol(LanguageServerProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._methods: dict[MsgId, str] = {}  # requests in flight -> their method, for the one log line

    # -- in: a framed body ----------------------------------------------------------------------------
    def framing_problem(self, message: str) -> None:
        log.warning("framing: %s", message)

    def receive(self, body: bytes) -> None:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            self._refuse(self._id_of(body.decode("utf-8", "replace")), PARSE_ERROR, f"not valid UTF-8 ({exc.reason})")
            return
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            self._refuse(_salvage_id(text), PARSE_ERROR, f"not valid JSON ({shorten(str(exc), 80)})")
            return
        if isinstance(data, list):
            self._batch(data)
        elif isinstance(data, dict):
            try:
                self._dispatch(data)
            except Exception as exc:  # a bug of ours; the read loop must go on (BaseException: exit goes through)
                msg_id, method = _valid_id(data.get("id")), str(data.get("method"))
                failure = errors.classify(exc, method)
                errors.log_failure(Failure(errors.INTERNAL_ERROR, failure.message, bug=True), method, exc)
                if msg_id is not None and msg_id not in self._methods:
                    self._send_response(msg_id, error=errors.response_error(failure.code, failure.message))
        else:
            self._refuse(None, INVALID_REQUEST, f"a JSON {type(data).__name__}, not a JSON-RPC message")

    def _id_of(self, text: str) -> MsgId | None:
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return _salvage_id(text)
        return _valid_id(data.get("id")) if isinstance(data, dict) else None

    def _batch(self, items: list[Any]) -> None:
        """LSP has no batches; each request in one still gets its (error) reply."""
        ids = [i for item in items if isinstance(item, dict) and (i := _valid_id(item.get("id"))) is not None]
        self._refuse(None, INVALID_REQUEST, f"a batch of {len(items)} messages (LSP has no batches)")
        for msg_id in ids[:MAX_BATCH_REPLIES]:
            self._send_response(msg_id, error=errors.response_error(INVALID_REQUEST, "batches are not supported"))

    def _dispatch(self, data: dict[str, Any]) -> None:
        has_id, method = "id" in data, data.get("method")
        msg_id = _valid_id(data.get("id"))
        if has_id and msg_id is None:  # unanswerable: a reply needs the id back
            self._refuse(None, INVALID_REQUEST, f"id {shorten(repr(data.get('id')), 40)} is not an integer or a string")
            return
        if "method" not in data:
            if msg_id is not None and ("result" in data or "error" in data):
                self._response(data)
            else:
                self._refuse(msg_id, INVALID_REQUEST, "neither a request, a notification nor a response")
            return
        if (problem := self._envelope_problem(data, method, msg_id is not None)) is not None:
            self._refuse(msg_id, *problem)
            return
        assert isinstance(method, str)
        if msg_id is not None and self._shutdown and method != EXIT:
            self._refuse(msg_id, INVALID_REQUEST, "the server is shutting down", method)
            return
        if not self._knows(method):
            if msg_id is not None:
                self._refuse(msg_id, METHOD_NOT_FOUND, f"unknown method {shorten(method, 60)!r}", method)
            elif not method.startswith("$/"):  # $/ notifications may be ignored silently (LSP)
                log.warning("ignored a notification of unknown method %r", shorten(method, 60))
            return
        try:
            message = self._converter.structure(data, self.get_message_type(method) or JsonRPCRequestMessage)
        except Exception as exc:  # structuring is validation: any failure means params that do not fit
            self._refuse(msg_id, INVALID_PARAMS, errors.describe_invalid(exc, method), method)
            return
        if msg_id is not None and not hasattr(message, "id"):
            self._refuse(msg_id, INVALID_REQUEST, f"{method} is a notification: it takes no id", method)
            return
        if msg_id is not None:
            self._methods[msg_id] = method
        self.handle_message(message)

    def _envelope_problem(self, data: dict[str, Any], method: Any, request: bool) -> tuple[int, str] | None:
        if data.get("jsonrpc") != "2.0":
            return INVALID_REQUEST, "'jsonrpc' must be \"2.0\""
        if not isinstance(method, str):
            return INVALID_REQUEST, "'method' must be a string"
        params = data.get("params")
        # (a livepair/* notification's handler reports its own malformed params to the editor)
        if request and params is not None and not isinstance(params, dict | list):
            return INVALID_PARAMS, f"{shorten(method, 60)}: params must be an object or an array"
        if isinstance(params, dict) and method not in CLIENT_NOTIFICATIONS:  # those report their own limits
            if method == WORKSPACE_EXECUTE_COMMAND and not isinstance(params.get("arguments", []), list | None):
                return INVALID_PARAMS, f"{method}: 'arguments' must be an array"
            doc = params.get("textDocument")
            for uri in (params.get("uri"), params.get("rootUri"), doc.get("uri") if isinstance(doc, dict) else None):
                if isinstance(uri, str) and len(uri) > MAX_URI_CHARS:
                    return INVALID_PARAMS, f"{shorten(method, 60)}: {too_long('uri', len(uri), MAX_URI_CHARS)}"
        return None

    def _knows(self, method: str) -> bool:
        fm = self.fm
        return method == CANCEL_REQUEST or method in fm.builtin_features or method in fm.features

    def _response(self, data: dict[str, Any]) -> None:
        """The editor's answer to one of our requests (livepair/approval)."""
        msg_id = data["id"]
        try:
            message: Any
            if "error" in data:
                message = self._converter.structure(data, ResponseErrorMessage)
            else:
                kind = self._result_types.pop(msg_id, None) or JsonRPCResponseMessage
                message = self._converter.structure(data, kind)
        except Exception as exc:
            self._refuse(None, INVALID_REQUEST, f"an unreadable response to {shorten(str(msg_id), 40)}: {exc!s:.80}")
            return
        self.handle_message(message)

    def _refuse(self, msg_id: MsgId | None, code: int, message: str, method: str = "message") -> None:
        """One log line; an error reply when there is an id to send it to."""
        errors.log_failure(Failure(code, message), method)
        if msg_id is not None:
            self._send_response(msg_id, error=errors.response_error(code, message))

    @lsp_method(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: lsp.DidChangeTextDocumentParams) -> Generator[Any, Any, None]:
        # pygls' workspace raises KeyError for a document nobody opened: bad input, not a bug
        if unquote(params.text_document.uri) not in self.workspace.text_documents:
            raise PayloadError(f"a change to {shorten(params.text_document.uri, 80)}, which is not open")
        yield from super().lsp_text_document__did_change(params)

    # -- out: replies and handler results -----------------------------------------------------------------
    def _send_response(self, msg_id: MsgId, result: Any | None = None, error: ResponseError | None = None) -> None:
        if error is not None:  # whoever built it: a short message and no traceback in data
            error = errors.response_error(error.code, error.message)
        super()._send_response(msg_id, result, error)

    def _send_handler_result(self, future: Future[Any], *, msg_id: MsgId) -> None:  # type: ignore[override]
        self._request_futures.pop(msg_id, None)
        method = self._methods.pop(msg_id, "request")
        if future.cancelled():
            self._send_response(msg_id, error=errors.response_error(errors.REQUEST_CANCELLED, "request cancelled"))
            return
        exc = future.exception()
        if exc is None:
            self._send_response(msg_id, result=future.result())
            return
        failure = errors.classify(exc, method)
        errors.log_failure(failure, method, exc)
        self._send_response(msg_id, error=errors.response_error(failure.code, failure.message))

    def _handle_notification(self, method_name: str, params: Any) -> None:
        if method_name == CANCEL_REQUEST:
            super()._handle_notification(method_name, params)
            return
        try:
            handler = self._get_handler(method_name)
        except JsonRpcMethodNotFound:
            log.warning("ignored a notification of unknown method %r", shorten(method_name, 60))
            return
        msg_id = str(uuid.uuid4())
        done = partial(self._notification_done, method=method_name, msg_id=msg_id)
        self._execute_handler(msg_id=msg_id, handler=handler, args=(params,), callback=done)

    def _notification_done(self, future: Future[Any], *, method: str, msg_id: str) -> None:
        # pygls files an async or generator handler's future under this made-up id and only a response would take
        # it out: without this, every edit and editor update was kept for the daemon's lifetime (the daemon soak).
        self._request_futures.pop(msg_id, None)
        if future.cancelled() or (exc := future.exception()) is None:
            return
        errors.log_failure(errors.classify(exc, method), method, exc)


def serve_stdio(
    server: JsonRPCServer,
    stdin: BinaryIO | None = None,
    stdout: BinaryIO | None = None,
    closing: Callable[[], Awaitable[None]] | None = None,
) -> int:
    """pygls' start_io with the bounded reader: runs until the editor closes stdin, sends `exit`, or SIGTERM
    comes; returns the exit code (1 for an `exit` without a `shutdown` first, as the LSP specification asks).
    `closing` runs first on every ending (a clean close of the model link), bounded by CLOSING_S."""
    protocol = server.protocol
    assert isinstance(protocol, GuardedProtocol)
    stop = server._stop_event = threading.Event()
    protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
    loop = asyncio.new_event_loop()
    reader = loop.create_task(
        framing.read_frames(stdin or sys.stdin.buffer, protocol.receive, protocol.framing_problem, stop)
    )
    with contextlib.suppress(ValueError, NotImplementedError):  # not the main thread, or no signals here
        loop.add_signal_handler(signal.SIGTERM, reader.cancel)
    background = TaskOwner("daemon")  # cancelled with everything else by _wind_down
    if (every := vitals_interval()) is not None:  # LIVEPAIR_VITALS_S: a vitals line on stderr (aio.py)
        loop.call_soon(lambda: background.spawn("vitals", report_vitals(every)))
    code = 0
    try:
        reason = loop.run_until_complete(reader)
        log.info("stopping: %s", reason)
    except asyncio.CancelledError:
        log.info("stopping: SIGTERM")
    except SystemExit as ended:  # pygls answers `exit` with sys.exit: end here, not in interpreter teardown
        code = ended.code if isinstance(ended.code, int) else 1
        log.info("stopping: the editor sent exit")
    except BrokenPipeError:
        log.error("stopping: the editor closed its end of stdout")
    finally:
        if closing is not None:
            _close(loop, closing)
        _wind_down(loop)
        server.shutdown()
    return code


def _close(loop: asyncio.AbstractEventLoop, closing: Callable[[], Awaitable[None]]) -> None:
    async def bounded() -> None:
        async with asyncio.timeout(CLOSING_S):
            await closing()

    try:
        loop.run_until_complete(bounded())
    except Exception as exc:  # ending anyway: one line, no traceback
        log.warning("closing the session failed (%s)", type(exc).__name__)


def _wind_down(loop: asyncio.AbstractEventLoop, timeout: float = 2.0) -> None:
    """Cancel what is still running, for a bounded time. Unlike asyncio.run, never join the worker threads: one
    stuck inside PortAudio or a decoder would keep a daemon whose editor is gone alive forever."""
    tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in tasks:
        task.cancel()
    if tasks:
        loop.run_until_complete(asyncio.wait(tasks, timeout=timeout))
    loop.close()
