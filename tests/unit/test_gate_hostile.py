"""The privacy gate against paths chosen to slip past it: other case, other names, links, nested ignore files,
and paths that are not paths. No sensitive file's text reaches the model through read_file, search_workspace or
the context digest, and every call is answered.

Each sensitive file holds a canary word that is not a secret format (the redactor would leave it), so a leak shows.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livepair.advice.store import AdviceStore
from livepair.context.digest import DigestBuilder
from livepair.context.gate import WorkspaceGate
from livepair.context.redact import Redactor
from livepair.context.sensitive import SENSITIVE
from livepair.context.store import ContextStore
from livepair.model import EditorState
from livepair.session.tools.toolbox import Tools

# Files that must stay private, by the rule that should catch each (the probes, and more).
PRIVATE = {
    ".ENV": "case", "Secrets.yaml": "case", "ID_RSA": "case", "server.PEM": "case", ".Env.Local": "case",
    ".git-credentials": "name", ".pgpass": "name", ".docker/config.json": "name", ".kube/config": "name",
    "terraform.tfstate": "name", ".htpasswd": "name", "id_dsa": "name", "deploy.ppk": "name",
    "token.json": "name", ".vault-token": "name", "service-account.json": "name", "infra/prod.TFSTATE": "case",
    "deep/er/.AWS/Credentials": "case", "notes/private/plan.md": "nested .livepairignore",
    "build/cache.txt": "**/ at the root", "src/generated/keys.txt": "**/ at depth",
}  # fmt: skip
PUBLIC = {"app.py": "print('hello')", "notes/todo.md": "buy milk", "src/main.py": "x = 1", "README.md": "readme"}


def canary(rel: str) -> str:
    return "canary-" + "".join(c for c in rel.lower() if c.isalnum())


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("hostile")
    ws = base / "ws"
    for rel in PRIVATE:
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).write_text(f"value = {canary(rel)}\n")
    for rel, text in PUBLIC.items():
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).write_text(text + "\n")
    (ws / ".livepairignore").write_text("**/build\n**/generated/\n")
    (ws / "notes" / ".livepairignore").write_text("private/\n")
    # Links: hard links to private files under harmless names, symlinks in and out of the workspace.
    os.link(ws / ".ENV", ws / "settings.txt")
    os.link(ws / ".pgpass", ws / "notes" / "copy.md")
    outside = base / "outside"
    outside.mkdir()
    (outside / "passwd").write_text("root:x:0:0:canary-outsidepasswd:/root:/bin/sh\n")
    (outside / "dir").mkdir()
    (outside / "dir" / "inner.txt").write_text("canary-outsidedir\n")
    (ws / "passwd-link").symlink_to(outside / "passwd")
    (ws / "outdir").symlink_to(outside / "dir")
    (ws / "innocent.md").symlink_to(ws / ".ENV")
    return ws


LINKED = {"settings.txt": canary(".ENV"), "notes/copy.md": canary(".pgpass"), "innocent.md": canary(".ENV")}
OUTSIDE = ("canary-outsidepasswd", "canary-outsidedir")
ALL_CANARIES = tuple({canary(r) for r in PRIVATE} | set(OUTSIDE))


def make(root: Path) -> tuple[Tools, ContextStore]:
    store = ContextStore(lambda uri: None)
    store.root = root
    advice = AdviceStore(lambda u, n: "")

    async def never(_request: object) -> bool:
        raise AssertionError("nothing here needs approval")

    tools = Tools(store, advice, Redactor(), lambda a: None, never, gate=WorkspaceGate(store))
    return tools, store


def leaked(result: Any, canaries: tuple[str, ...] = ALL_CANARIES) -> list[str]:
    text = repr(result)
    return [c for c in canaries if c in text]


def test_the_list_follows_public_conventions() -> None:
    assert len(SENSITIVE) >= 30
    for name in (".git-credentials", ".pgpass", ".docker/config.json", ".kube/config", "terraform.tfstate*",
                 ".htpasswd", "id_dsa*", "*.ppk", "token.json", ".vault-token", "service-account*.json"):  # fmt: skip
        assert name in SENSITIVE


@pytest.mark.parametrize("rel", list(PRIVATE))
async def test_read_file_refuses_every_private_file(root: Path, rel: str) -> None:
    tools, _ = make(root)
    result = await tools.call("read_file", {"path": rel})
    assert "content" not in result and "is private" in result["error"], (PRIVATE[rel], result)
    assert not leaked(result)


@pytest.mark.parametrize("rel", list(LINKED))
async def test_a_link_to_a_private_file_is_private(root: Path, rel: str) -> None:
    tools, _ = make(root)
    result = await tools.call("read_file", {"path": rel})
    assert "content" not in result and "private" in result["error"]
    assert LINKED[rel] not in repr(result)


async def test_public_files_still_read(root: Path) -> None:
    tools, _ = make(root)
    for rel, text in PUBLIC.items():
        assert text in (await tools.call("read_file", {"path": rel}))["content"]


async def test_search_stays_inside_and_skips_private_files(root: Path) -> None:
    tools, _ = make(root)
    result = await tools.call("search_workspace", {"query": "canary"})
    assert result["count"] == 0 and not leaked(result), result
    everything = await tools.call("search_workspace", {"query": ".", "regex": True})
    assert not leaked(everything) and "buy milk" in everything["matches"]
    assert "passwd-link" not in everything["matches"] and "outdir" not in everything["matches"]


def test_a_private_file_open_in_the_editor_is_not_sent(root: Path, tmp_path: Path) -> None:
    kube = tmp_path / "home" / ".kube" / "config"  # outside the workspace, opened from the editor
    kube.parent.mkdir(parents=True)
    kube.write_text("token: canary-kubeoutside\n")
    for target in [root / ".ENV", root / "settings.txt", root / "innocent.md", root / "Secrets.yaml", kube]:
        _, store = make(root)
        store.set_editor_state(EditorState(uri=target.as_uri()))
        text = DigestBuilder(store, Redactor()).update()
        assert text is not None and "a private file is open" in text, target
        assert not leaked(text) and "canary-kubeoutside" not in text


MALFORMED: list[Any] = ["a\0b", ".env\0.txt", "x" * 10_000, "a/" * 3000, "n" * 300, "\ud800.py", 42, None, [".env"],
                        {"p": 1}, True, "", "   "]  # fmt: skip


@pytest.mark.parametrize("raw", MALFORMED, ids=lambda r: repr(r)[:24])
async def test_every_malformed_path_gets_a_reason(root: Path, raw: Any) -> None:
    tools, _ = make(root)
    for name, args in [
        ("read_file", {"path": raw}),
        ("get_diagnostics", {"path": raw}),
        ("annotate", {"path": raw, "line": 1, "message": "m"}),
        ("open_location", {"path": raw, "line": 1}),
        ("apply_edit", {"edits": [{"path": raw, "start_line": 1, "end_line": 1, "new_text": "x"}], "reason": "r"}),
        ("run_command", {"command": "ls", "reason": "r", "cwd": raw}),  # refused before anyone is asked
    ]:
        if name == "run_command" and not raw:
            continue  # no cwd: the workspace root, which would ask the user
        if name == "get_diagnostics" and not raw:
            continue  # no path: all diagnostics, which is right
        result = await asyncio.wait_for(tools.call(name, args), 10)
        assert isinstance(result.get("error"), str) and len(result["error"]) > 10, (name, raw, result)


# -- properties -------------------------------------------------------------------------------------------------

TARGETS = [*PRIVATE, *LINKED, "passwd-link", "outdir/inner.txt"]


@st.composite
def hostile_paths(draw: st.DrawFn) -> str:
    rel = draw(st.sampled_from(TARGETS))
    rel = "".join(c.upper() if draw(st.booleans()) else c for c in rel) if draw(st.booleans()) else rel
    prefix = draw(st.sampled_from(["", "./", "notes/../", "src//../", "nonexistent/../", ".//", "ABS", "URI"]))
    if prefix == "ABS":
        rel = "{root}/" + rel
    elif prefix == "URI":
        rel = "file://{root}/" + rel
    else:
        rel = prefix + rel
    noise = draw(st.sampled_from(["", "", "", "\0", "/", "/.", "\u200b", "\u202e", "ﾠ", "x" * 10_000, "é"]))
    at = draw(st.integers(0, len(rel)))
    return rel[:at] + noise + rel[at:] if draw(st.booleans()) else rel + noise


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=hostile_paths())
def test_no_hostile_path_reads_a_private_file(root: Path, raw: str) -> None:
    tools, store = make(root)
    path = raw.replace("{root}", str(root))

    async def calls() -> list[dict[str, Any]]:
        out = []
        for name, args in [
            ("read_file", {"path": path}),
            ("read_file", {"path": path, "start": 1, "end": 5}),
            ("get_diagnostics", {"path": path}),
            ("open_location", {"path": path, "line": 1}),
        ]:
            out.append(await asyncio.wait_for(tools.call(name, args), 10))
        return out

    for result in asyncio.run(calls()):
        assert isinstance(result, dict) and ("error" in result or "content" in result or "count" in result), result
        assert not leaked(result), (raw, result)
        assert not any(c in repr(result) for c in LINKED.values())
    if "\0" not in path and len(path) < 4096:
        target = Path(path.removeprefix("file://"))
        store.set_editor_state(EditorState(uri=(target if target.is_absolute() else root / target).as_uri()))
        # A file outside the workspace that the user opened is theirs to show; a private one never is.
        private = tuple(c for c in ALL_CANARIES if c not in OUTSIDE)
        assert not leaked(DigestBuilder(store, Redactor()).update(), private)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=st.one_of(st.sampled_from(["canary", "value", "root:x", ".", "c.n.r"]), st.text(min_size=1, max_size=12)))
def test_no_search_returns_a_private_line(root: Path, query: str) -> None:
    tools, _ = make(root)
    for regex in (False, True):
        result = asyncio.run(tools.call("search_workspace", {"query": query, "regex": regex}))
        assert isinstance(result, dict) and ("error" in result or "matches" in result)
        assert not leaked(result), (query, result)
