"""Bounds on what the editor may send: each well above what a real editor sends, so only hostile input meets them.

Caps live at the edge (lsp/), so nothing oversize reaches the stores, the session or the model. The message size
cap itself is `framing.MAX_MESSAGE_BYTES`.
"""

from __future__ import annotations

MAX_QUESTION_CHARS = 4_000  # livepair.ask: a long question is a paragraph; a pasted file belongs in the editor
MAX_COMMAND_CHARS = 4_096  # a terminal command line; longer ones (a pasted heredoc) keep their head
MAX_URI_CHARS = 4_096  # a path a file system accepts (PATH_MAX) and then some
MAX_DIAGNOSTICS = 5_000  # per document; the most severe are kept (the model sees the first 50 anyway)
MAX_DIAGNOSTIC_CHARS = 2_000  # one diagnostic's message; compilers' longest template errors stay whole
MAX_SOURCE_CHARS = 100  # a diagnostic's source, e.g. "Pylance"
MAX_VISIBLE = 100  # visibleUris / visibleRanges: split editors, never hundreds
MAX_API_KEY_CHARS = 512  # a Gemini key is 39 characters
MAX_ACCESS_TOKEN_CHARS = 8192  # an OAuth access token is a few hundred to ~2,000 characters
MAX_LOGGED_CHARS = 120  # client text quoted in a log line or an error message


def shorten(text: str, limit: int = MAX_LOGGED_CHARS) -> str:
    """Client text fit to quote in one log line: bounded, and without line breaks."""
    flat = text.replace("\r", "\\r").replace("\n", "\\n")
    return flat if len(flat) <= limit else f"{flat[:limit]}… ({len(text)} chars)"


def too_long(what: str, n: int, limit: int) -> str:
    return f"{what} too long ({n} chars, max {limit})"
