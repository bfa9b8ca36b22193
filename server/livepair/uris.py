"""File URIs as editors send them -> paths. A leaf: every layer may use it (backends included)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse


def uri_to_path(uri: str) -> Path | None:
    """The local path of a file:// URI; None for any other scheme (untitled buffers, remote documents)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return Path(unquote(parsed.path))
