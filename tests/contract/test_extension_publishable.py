"""The .vsix can be published to the VS Code Marketplace and Open VSX: package.json carries the fields their
packaging checks (vsce, ovsx) ask for, the icon is a 128x128 PNG that ships in the package, and the README, CHANGELOG
and walkthrough have no link that would be dead in the gallery. Fast: reads files only (scripts/build-extension.sh
runs the real vsce)."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.tools import ROOT

EXTENSION = ROOT / "extension"
# The Marketplace's categories (VS Code's extension manifest reference); any other is refused at publish time.
CATEGORIES = {
    "AI", "Azure", "Chat", "Data Science", "Debuggers", "Education", "Extension Packs", "Formatters", "Keymaps",
    "Language Packs", "Linters", "Machine Learning", "Notebooks", "Programming Languages", "SCM Providers",
    "Snippets", "Testing", "Themes", "Visualization", "Other",
}  # fmt: skip
MAX_KEYWORDS = 30  # the Marketplace refuses more
LINK = re.compile(r"(!?)\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HTML_SRC = re.compile(r"<(?:img|video)[^>]+src=[\"']([^\"']+)[\"']", re.IGNORECASE)


def manifest() -> dict[str, Any]:
    return json.loads((EXTENSION / "package.json").read_text())


def packaged(relative: str) -> bool:
    """Whether .vscodeignore lets `relative` into the .vsix (last matching line wins, `!` re-includes)."""
    included = True
    for raw in (EXTENSION / ".vscodeignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line.lstrip("!").removeprefix("./").replace("**", "*")
        if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(relative, pattern.rstrip("/") + "/*"):
            included = negated
    return included


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", f"{path.name} is not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def slug(heading: str) -> str:
    """The anchor a Markdown renderer gives a heading (GitHub's rule, which the gallery follows)."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def links(markdown: str) -> list[tuple[bool, str]]:
    """(is an image, target) of every Markdown link and HTML image, outside code spans and blocks."""
    prose = re.sub(r"```.*?```", "", markdown, flags=re.DOTALL)
    prose = re.sub(r"`[^`\n]*`", "", prose)
    found = [(bang == "!", target) for bang, target in LINK.findall(prose)]
    return found + [(True, src) for src in HTML_SRC.findall(prose)]


def test_the_manifest_has_what_the_marketplace_and_open_vsx_require() -> None:
    m = manifest()
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", m["name"])
    assert re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9-]*", m["publisher"])
    assert re.fullmatch(r"\d+\.\d+\.\d+", m["version"])
    assert m["engines"]["vscode"].startswith("^")
    assert m["displayName"].strip() and len(m["description"]) >= 40
    assert m["license"] and (EXTENSION / "LICENSE").is_file() and packaged("LICENSE"), "Open VSX wants a license"
    assert m["categories"] and set(m["categories"]) <= CATEGORIES, set(m["categories"]) - CATEGORIES
    assert 3 <= len(m["keywords"]) <= MAX_KEYWORDS
    # vsce asks for `repository` (the build no longer bypasses that); the gallery links homepage and issues.
    repository = m["repository"]["url"] if isinstance(m["repository"], dict) else m["repository"]
    bugs = m["bugs"]["url"] if isinstance(m["bugs"], dict) else m["bugs"]
    for url in (repository, m["homepage"], bugs):
        assert url.startswith("https://"), url
    banner = m["galleryBanner"]
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", banner["color"]) and banner["theme"] in {"dark", "light"}


def test_the_icon_is_a_128_px_png_in_the_package() -> None:
    icon = manifest()["icon"]
    assert icon.endswith(".png"), "the gallery refuses SVG icons"
    assert png_size(EXTENSION / icon) == (128, 128)
    assert packaged(icon)


def test_the_readme_and_changelog_ship_and_have_no_dead_link() -> None:
    """The repository is not on GitHub or GitLab, so vsce cannot rewrite relative links: there must be none. Anchors
    must name a heading of the same file; images must be https and not SVG (the gallery refuses both)."""
    for name in ("README.md", "CHANGELOG.md"):
        text = (EXTENSION / name).read_text()
        assert packaged(name)
        assert "This is the README for your extension" not in text  # vsce's template check
        anchors = {slug(h) for h in re.findall(r"^#+\s+(.*)$", text, flags=re.MULTILINE)}
        for image, target in links(text):
            if target.startswith("#"):
                assert target[1:] in anchors, f"{name}: {target} names no heading"
                continue
            assert re.match(r"(https://|mailto:)", target), f"{name}: {target} would be a dead link in the gallery"
            assert not (image and target.lower().endswith(".svg")), f"{name}: SVG image {target}"
    readme = (EXTENSION / "README.md").read_text()
    for section in ("## The first minutes", "## Settings", "## Privacy"):
        assert section in readme
    for group in (g["title"] for g in manifest()["contributes"]["configuration"]):
        assert f"**{group}**" in readme, f"the README's settings section does not explain the {group} group"


def test_walkthrough_pages_and_their_links_ship() -> None:
    """Walkthrough pages are shown from the installed package: each, and everything it links, must be in it."""
    walkthroughs = manifest()["contributes"]["walkthroughs"]
    pages = [step["media"]["markdown"] for w in walkthroughs for step in w["steps"] if "markdown" in step["media"]]
    assert pages
    for page in pages:
        assert (EXTENSION / page).is_file() and packaged(page), page
        for _, target in links((EXTENSION / page).read_text()):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            resolved = (EXTENSION / page).parent.joinpath(target.split("#")[0]).resolve()
            relative = resolved.relative_to(EXTENSION.resolve()).as_posix()
            assert resolved.is_file() and packaged(relative), f"{page}: {target} is not in the package"


def test_the_build_no_longer_bypasses_the_repository_check() -> None:
    build = (ROOT / "scripts" / "build-extension.sh").read_text()
    assert "vsce package" in build and "--allow-missing-repository" not in build


PACKAGE_URLS = ROOT / "scripts" / "package_urls.py"
LINK_FIELDS = ("repository", "homepage", "bugs")


def package_urls(*args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k != "LIVEPAIR_REPOSITORY_URL"} | env
    return subprocess.run(
        [sys.executable, str(PACKAGE_URLS), *args], cwd=cwd, env=clean, capture_output=True, text=True, timeout=60
    )


def link_urls(m: dict[str, Any]) -> list[str]:
    return [m[f]["url"] if isinstance(m[f], dict) else m[f] for f in LINK_FIELDS]


def test_publishing_refuses_placeholder_links_in_one_line_and_local_packaging_needs_none() -> None:
    """package.json's links are placeholders while there is no public repository: a local .vsix is fine with them,
    publishing is not. The build refuses before building anything, in one line, and leaves package.json alone."""
    before = (EXTENSION / "package.json").read_text()
    assert all(".invalid/" in u for u in link_urls(manifest())), "placeholders, until there is a repository"
    check = package_urls("check", str(EXTENSION / "package.json"))
    assert check.returncode == 1 and "placeholders" in check.stderr and len(check.stderr.splitlines()) == 1
    env = {k: v for k, v in os.environ.items() if k != "LIVEPAIR_REPOSITORY_URL"}
    for bad in ("https://livepair.invalid/livepair", "http://example.org/o/r", "/srv/git/livepair.git"):
        done = subprocess.run(
            ["bash", str(ROOT / "scripts" / "build-extension.sh"), "--publish"],
            env=env | {"LIVEPAIR_REPOSITORY_URL": bad},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 1, done.stderr
        assert done.stderr.splitlines() == [done.stderr.strip()] and "not publishable" in done.stderr, done.stderr
    assert (EXTENSION / "package.json").read_text() == before


def test_the_links_come_from_the_setting_or_a_public_https_origin_never_with_its_credentials(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text((EXTENSION / "package.json").read_text())
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, timeout=30)

    def fill(origin: str | None, **env: str) -> subprocess.CompletedProcess[str]:
        subprocess.run(["git", "-C", str(tmp_path), "remote", "remove", "origin"], capture_output=True, timeout=30)
        if origin:
            subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin", origin], check=True, timeout=30)
        return package_urls("fill", str(tmp_path / "package.json"), cwd=tmp_path, **env)

    done = fill("https://someone:ghp_secret123@github.com/someone/livepair.git")
    assert done.returncode == 0, done.stderr
    assert link_urls(json.loads(done.stdout)) == [
        "https://github.com/someone/livepair.git",
        "https://github.com/someone/livepair#readme",
        "https://github.com/someone/livepair/issues",
    ]
    assert "ghp_secret123" not in done.stdout and "someone:" not in done.stdout
    done = fill("https://github.com/someone/livepair", LIVEPAIR_REPOSITORY_URL="https://codeberg.org/us/livepair/")
    assert link_urls(json.loads(done.stdout))[0] == "https://codeberg.org/us/livepair.git", "the setting wins"
    for origin in ("/srv/git/livepair.git", "git@github.com:someone/livepair.git", None):
        done = fill(origin)
        assert done.returncode == 1 and len(done.stderr.splitlines()) == 1 and "LIVEPAIR_REPOSITORY_URL" in done.stderr
    filled = tmp_path / "filled.json"
    filled.write_text(fill("https://github.com/someone/livepair").stdout)
    assert package_urls("check", str(filled)).returncode == 0


@pytest.mark.slow
def test_the_published_vsix_carries_the_public_links_and_the_local_one_is_unchanged() -> None:
    """The real vsce, on the real build (`make e2e-setup` has built it; then this takes seconds)."""
    before = (EXTENSION / "package.json").read_text()
    env = os.environ | {"LIVEPAIR_REPOSITORY_URL": "https://example.org/us/livepair.git"}
    build = ["bash", str(ROOT / "scripts" / "build-extension.sh"), "--publish"]
    done = subprocess.run(build, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(EXTENSION / "dist" / "livepair-publish.vsix") as vsix:
        published = json.loads(vsix.read("extension/package.json"))
    with zipfile.ZipFile(EXTENSION / "dist" / "livepair.vsix") as vsix:
        local = json.loads(vsix.read("extension/package.json"))
    assert link_urls(published) == [
        "https://example.org/us/livepair.git",
        "https://example.org/us/livepair#readme",
        "https://example.org/us/livepair/issues",
    ]
    assert {k: v for k, v in published.items() if k not in LINK_FIELDS} == {
        k: v for k, v in local.items() if k not in LINK_FIELDS
    }
    assert (EXTENSION / "package.json").read_text() == before, "package.json is put back"
