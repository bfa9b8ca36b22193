"""The extension's public links (repository, homepage, bugs) for a .vsix that is to be published.

extension/package.json carries placeholders (`https://livepair.invalid/...`) while the project has no public
repository: a local .vsix needs none, but the Marketplace and Open VSX show them as the extension's links. For
publishing, the links come from LIVEPAIR_REPOSITORY_URL, else from the git remote `origin` when it is a public
https address; with neither, packaging for publishing is refused in one line.

    python3 scripts/package_urls.py fill extension/package.json > manifest.json   # exit 1 and why, if it cannot
    python3 scripts/package_urls.py check extension/package.json                  # exit 1 while placeholders

Standard library only: scripts/build-extension.sh runs it with the system python3.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ENV = "LIVEPAIR_REPOSITORY_URL"
NOT_PUBLIC = (".invalid", ".local", ".localhost", ".test", ".example", ".internal")  # reserved or private names


class NotPublishable(Exception):
    """Why these links cannot go into a published manifest (one line)."""


def is_public(url: str) -> bool:
    """An https address on a public host name (not a reserved or loopback one)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    return parts.scheme == "https" and "." in host and not host.endswith(NOT_PUBLIC) and not host.startswith("127.")


def public_url(url: str) -> str | None:
    """`url` as a public https repository address (credentials dropped, no trailing .git or /), or None."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if not is_public(url) or parts.query or parts.fragment or parts.path.strip("/") == "":
        return None
    netloc = host if parts.port is None else f"{host}:{parts.port}"  # never a user or token from the remote
    path = parts.path.rstrip("/").removesuffix(".git")
    return urlunsplit(("https", netloc, path, "", ""))


def origin_url(cwd: Path) -> str:
    try:
        done = subprocess.run(
            ["git", "remote", "get-url", "origin"], cwd=cwd, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def repository_url(env: dict[str, str], origin: str) -> str:
    """The public repository: LIVEPAIR_REPOSITORY_URL (which must be public https), else a public https origin."""
    given = env.get(ENV, "").strip()
    if given:
        url = public_url(given)
        if url is None:
            raise NotPublishable(f"{ENV}={given!r} is not a public https repository address")
        return url
    url = public_url(origin) if origin else None
    if url is None:
        why = f"the git remote origin ({origin}) is not a public https address" if origin else "no git remote origin"
        raise NotPublishable(f"{ENV} is not set and {why}")
    return url


def links(manifest: dict[str, Any]) -> dict[str, str]:
    """The manifest's public links by field."""
    repo, bugs = manifest.get("repository"), manifest.get("bugs")
    return {
        "repository": str(repo.get("url", "") if isinstance(repo, dict) else repo or ""),
        "homepage": str(manifest.get("homepage", "")),
        "bugs": str(bugs.get("url", "") if isinstance(bugs, dict) else bugs or ""),
    }


def placeholders(manifest: dict[str, Any]) -> list[str]:
    """The link fields that are missing or not public addresses."""
    return [name for name, url in links(manifest).items() if not is_public(url)]


def filled(manifest: dict[str, Any], repo: str) -> dict[str, Any]:
    """The manifest with its links pointing at `repo` (a public https repository address)."""
    return {
        **manifest,
        "repository": {"type": "git", "url": f"{repo}.git"},
        "homepage": f"{repo}#readme",
        "bugs": {"url": f"{repo}/issues"},
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("fill", "check"):
        print("usage: package_urls.py fill|check path/to/package.json", file=sys.stderr)
        return 2
    path = Path(argv[1])
    manifest = json.loads(path.read_text())
    try:
        if argv[0] == "check":
            if bad := placeholders(manifest):
                raise NotPublishable(f"{', '.join(bad)} in {path} are placeholders, not public addresses")
            return 0
        repo = repository_url(dict(os.environ), origin_url(path.resolve().parent))
    except NotPublishable as why:
        print(f"package_urls: not publishable: {why} (set {ENV}=https://...)", file=sys.stderr)
        return 1
    print(json.dumps(filled(manifest, repo), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
