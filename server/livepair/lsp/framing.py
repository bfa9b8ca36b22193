"""The stdio transport: a bounded reader that resynchronises after any framing lie.

pygls' reader trusts the header: `Content-Length: 999999999999` allocated until MemoryError killed the daemon,
and any other lie (a short body, a missing length, garbage between messages) left it reading the wrong bytes
forever, alive but deaf. Here every message is found by its `Content-Length:` header, and a lie costs only the
lying message:

- a length that is not a plain decimal number, or above MAX_MESSAGE_BYTES, is reported and skipped; the reader
  scans on for the next header, so the announced body (if it ever comes) is dropped as it streams past, never
  buffered;
- bytes that are not a header (garbage, bare-newline headers, a header block without a length) are skipped up to
  the next `Content-Length:` header and reported once per run;
- a body cut short by the next header is cut there: a valid JSON body can never contain a raw
  `Content-Length: <digits>` + CRLF (letters outside a string are not JSON, and a raw CR cannot be inside one),
  so that header is a real one and reading resumes at it.

The one lie that cannot be told from a slow editor is a body shorter than announced followed by silence: the
reader waits, as it must for any large message, and the next message completes the story. The reader exits only
at the end of input or when stdin fails, and then the process ends with a one-line reason on stderr.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

log = logging.getLogger(__name__)

# VS Code hands extensions documents of up to 50 MB (bigger ones are never synced), so no honest message from it
# is much larger; 64 MiB lets all of those through and bounds what one message can make the daemon allocate.
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
MAX_HEADER_BYTES = 8 * 1024  # a real header block is ~60 bytes; beyond this it is garbage
CHUNK_BYTES = 64 * 1024

_NAME = b"content-length:"
_LENGTH = re.compile(rb"content-length:[ \t]*([^\r\n]*?)[ \t]*\r\n", re.IGNORECASE)
# What marks a body as cut short: the header of the next message (never inside valid JSON, see above).
_NEXT_HEADER = re.compile(rb"content-length:[ \t]*\d+[ \t]*\r\n", re.IGNORECASE)
_HEADER_LINES = re.compile(rb"(?:[!-9;-~]+:[^\r\n]*\r\n|\r\n|[ \t\r\n])*")  # well-formed lines, blank lines
_TAIL = 64  # bytes kept while skipping, enough to hold the start of a header split across reads


@dataclass(frozen=True)
class Frame:
    body: bytes


@dataclass(frozen=True)
class Problem:
    """One framing lie, as the one line the log gets."""

    message: str


class FrameParser:
    """Bytes in (`feed`), frames and problems out (`events`); no I/O, so every lie is testable alone."""

    def __init__(self, max_message: int = MAX_MESSAGE_BYTES) -> None:
        self._buf = bytearray()
        self._max = max_message
        self._need: int | None = None  # the announced body length, once a header has been read
        self._scanned = 0  # how far the pending body has been searched for a next header
        self._skipped = 0  # garbage bytes not yet reported
        self._quiet = False  # skipping the body of a message already reported as too large
        self._out: list[Frame | Problem] = []

    def feed(self, data: bytes) -> None:
        self._buf += data

    def events(self) -> Iterator[Frame | Problem]:
        while self._body() if self._need is not None else self._header():
            yield from self._out
            self._out.clear()
        yield from self._out
        self._out.clear()

    def finish(self) -> Problem | None:
        """End of input: whatever is left was never a whole message."""
        if self._need is not None:
            return Problem(f"input ended inside a message ({len(self._buf)} of {self._need} bytes)")
        left = len(self._buf.strip()) + (0 if self._quiet else self._skipped)
        return Problem(f"input ended after {left} bytes that were not a message") if left else None

    # -- states: each returns True when it made progress ----------------------------------------------
    def _header(self) -> bool:
        buf = self._buf
        m = _LENGTH.search(buf)
        if m is None:
            if len(buf) > MAX_HEADER_BYTES:
                self._skip(len(buf) - _TAIL)
            return False
        start, value = m.start(), bytes(m.group(1))
        garbage = 0 if _HEADER_LINES.fullmatch(buf, 0, start) else start  # other header lines are no garbage
        if not value.isdigit():
            # A lying length, or "Content-Length:" inside garbage: skip just the name, since a real header may
            # hide in what the match took for the value.
            self._drop(start + len(_NAME), garbage)
            self._quiet = True  # its body, if any, streams past as garbage: one line for the whole message
            shown = value[:40].decode("ascii", "replace")
            self._out.append(Problem(f"Content-Length {shown!r} is not a length: message skipped"))
            return True
        end = buf.find(b"\r\n\r\n", m.end() - 2)
        if end < 0:
            if len(buf) - start <= MAX_HEADER_BYTES:
                return False
            self._drop(m.end(), garbage)
            self._out.append(Problem("a Content-Length header without the blank line that ends a header block"))
            return True
        self._drop(end + 4, garbage)
        self._length(int(value))
        return True

    def _length(self, length: int) -> None:
        if length > self._max:
            self._quiet = True
            self._out.append(Problem(f"Content-Length {length} is over the {self._max} byte cap: message skipped"))
        elif length == 0:
            self._out.append(Problem("Content-Length 0: an empty message, skipped"))
        else:
            self._need, self._scanned = length, 0

    def _body(self) -> bool:
        need, buf = self._need, self._buf
        assert need is not None
        # A next header starting inside the announced body means this body was cut short.
        cut = _NEXT_HEADER.search(buf, max(0, self._scanned - _TAIL), min(len(buf), need + _TAIL))
        if cut is not None and cut.start() < need:
            body = bytes(buf[: cut.start()])
            del buf[: cut.start()]
            self._need = None
            self._out.append(Problem(f"a message ended after {len(body)} of its {need} announced bytes"))
            if body.strip():  # what did arrive may still be a whole message under a lying length
                self._out.append(Frame(body))
            return True
        self._scanned = len(buf)
        if len(buf) < need:
            return False
        self._out.append(Frame(bytes(buf[:need])))
        del buf[:need]
        self._need = None
        return True

    # -- skipping -----------------------------------------------------------------------------------
    def _skip(self, n: int) -> None:
        del self._buf[:n]
        self._skipped += n

    def _drop(self, n: int, garbage: int) -> None:
        """A header was found: drop through it, and report the garbage before it, if any."""
        del self._buf[:n]
        self._skipped += garbage
        self._report_skipped()

    def _report_skipped(self) -> None:
        n, quiet = self._skipped, self._quiet
        self._skipped, self._quiet = 0, False
        if n and not quiet:
            self._out.append(Problem(f"skipped {n} bytes that were not a message, up to the next header"))


# -- the stdio loop ---------------------------------------------------------------------------------
async def read_frames(
    stdin: BinaryIO, on_frame: Callable[[bytes], None], on_problem: Callable[[str], None], stop: threading.Event
) -> str:
    """Feed stdin through a FrameParser until the input ends; returns why it ended (one line)."""
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue[bytes | BaseException] = asyncio.Queue(maxsize=4)  # back-pressure onto the pipe

    def pump() -> None:  # a daemon thread: a blocked read must never hold up the process's exit
        while True:
            try:
                chunk: bytes | BaseException = _read1(stdin)
            except (OSError, ValueError) as exc:  # handed to the loop, which ends with the reason
                chunk = exc
            try:
                asyncio.run_coroutine_threadsafe(chunks.put(chunk), loop).result()
            except (RuntimeError, concurrent.futures.CancelledError):  # the loop is gone, or winding down
                return
            if not isinstance(chunk, bytes) or not chunk:
                return

    threading.Thread(target=pump, name="livepair-stdin", daemon=True).start()
    parser = FrameParser()
    while not stop.is_set():
        chunk = await chunks.get()
        if isinstance(chunk, BaseException):
            return f"reading stdin failed ({type(chunk).__name__}: {chunk})"
        if not chunk:
            if (problem := parser.finish()) is not None:
                on_problem(problem.message)
            return "the editor closed stdin"
        parser.feed(chunk)
        for event in parser.events():
            if isinstance(event, Frame):
                on_frame(event.body)
            else:
                on_problem(event.message)
            if stop.is_set():
                break
    return "stopped"


def _read1(stdin: BinaryIO) -> bytes:
    """Whatever is there, without waiting for a whole chunk. The file descriptor when there is one: a thread
    blocked inside a buffered reader holds its lock, and the interpreter's exit then aborts trying to take it."""
    try:
        fd = stdin.fileno()
    except (AttributeError, OSError, ValueError):  # an in-memory stream (tests)
        read1 = getattr(stdin, "read1", stdin.read)
        return read1(CHUNK_BYTES)
    return os.read(fd, CHUNK_BYTES)
