"""Google Search grounding: the sources a grounded answer came from (`serverContent.groundingMetadata`).

The service sends `groundingMetadata{webSearchQueries, groundingChunks[{web{uri, title, domain?}}], ...}` with the
content of a grounded answer. Only http(s) links are kept, deduplicated and bounded, so nothing the service sends
can make the editor open another kind of link or hold an unbounded list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlparse

from livepair.backends.backend import Sources

if TYPE_CHECKING:
    from google.genai import types

MAX_LINKS = 10
MAX_QUERIES = 5
MAX_TITLE = 200
MAX_URI = 2048


def sources_of(meta: types.GroundingMetadata) -> Sources | None:
    """The links and queries of one message's grounding metadata, or None when it carries no web source."""
    links: list[tuple[str, str]] = []
    for chunk in meta.grounding_chunks or []:
        web = chunk.web
        uri = (web.uri or "").strip() if web is not None else ""
        if not uri or len(uri) > MAX_URI or urlparse(uri).scheme not in ("http", "https") or not urlparse(uri).netloc:
            continue
        assert web is not None
        title = " ".join((web.title or web.domain or urlparse(uri).netloc).split())[:MAX_TITLE]
        if all(uri != seen for _, seen in links):
            links.append((title, uri))
        if len(links) >= MAX_LINKS:
            break
    queries = tuple(" ".join(q.split())[:MAX_TITLE] for q in (meta.web_search_queries or [])[:MAX_QUERIES] if q)
    if not links and not queries:
        return None
    return Sources(tuple(links), queries)
