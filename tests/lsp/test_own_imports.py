"""The daemon runs no code it did not ship: started in a folder (or a workspace) full of modules named like the
standard library's and its dependencies', it imports none of them, however it is started.

Real processes, started from scratch (never the prefork zygote: the import path is what is under test).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lsp.rawio import RawDaemon

pytestmark = pytest.mark.slow  # real daemons started three ways: `make test`, not the inner loop

SHADOWS = ("json", "email", "asyncio", "numpy", "lsprotocol", "pygls")
BIN = Path(sys.executable).parent


def plant(folder: Path) -> Path:
    """Modules that would announce themselves and kill the daemon if it ever imported them."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / "IMPORTED"
    for name in SHADOWS:
        (folder / f"{name}.py").write_text(
            f"import pathlib\npathlib.Path({str(marker)!r}).write_text({name!r})\n"
            f"raise SystemExit('shadow module {name} was imported')\n"
        )
    return marker


WAYS = {
    "python -m livepair serve": [sys.executable, "-m", "livepair", "serve"],
    "livepair serve": [str(BIN / "livepair"), "serve"],
    "python -I -u -m livepair serve (the extension)": [sys.executable, "-I", "-u", "-m", "livepair", "serve"],
}


@pytest.mark.parametrize("way", list(WAYS))
async def test_the_daemon_imports_nothing_from_its_folder_or_the_workspace(tmp_path: Path, way: str) -> None:
    cwd = tmp_path / "start-here"
    marker = plant(cwd)
    workspace = tmp_path / "project"
    workspace_marker = plant(workspace)
    (workspace / "app.py").write_text("import json\nprint(json.dumps({}))\n")
    # PYTHONPATH naming the working directory (relative, as a careless shell profile would) changes nothing either.
    env = {k: v for k, v in os.environ.items() if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY")}
    env |= {"PYTHONPATH": ".", "PYTHONSAFEPATH": ""}
    proc = await asyncio.create_subprocess_exec(
        *WAYS[way],
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    daemon = RawDaemon(proc)
    try:
        init = {"processId": None, "rootUri": workspace.as_uri(), "capabilities": {}, "initializationOptions": {}}
        reply = await daemon.request("initialize", init, timeout=60)
        assert "result" in reply, (reply, daemon.err())
        daemon.notify("initialized", {})
        started = await daemon.command("livepair.start", timeout=60)
        assert started.get("result", {}).get("backend") == "offline", (started, daemon.err())
        uri = (workspace / "app.py").as_uri()
        doc = {"uri": uri, "languageId": "python", "version": 1, "text": (workspace / "app.py").read_text()}
        daemon.notify("textDocument/didOpen", {"textDocument": doc})
        await daemon.probe(timeout=30)
    finally:
        await daemon.close()
    assert not marker.exists(), f"the daemon imported {marker.read_text()}.py from its working directory"
    assert not workspace_marker.exists(), f"the daemon imported {workspace_marker.read_text()}.py from the workspace"
    assert "shadow module" not in daemon.err()


def test_the_import_path_is_cleaned_before_anything_else(tmp_path: Path) -> None:
    """`import livepair` alone takes '', '.' and the working directory off sys.path, and keeps site-packages."""
    inside = tmp_path / "sub"
    inside.mkdir()
    code = "import sys, livepair, json; print(json.dumps(sys.path))"
    env = os.environ | {"PYTHONPATH": f".:{tmp_path}:{inside}"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    path = json.loads(out.stdout)
    assert "" not in path and "." not in path
    assert str(tmp_path) not in path, path
    assert any("site-packages" in p for p in path)


def test_the_workspace_leaves_the_import_path_once_the_editor_names_it(tmp_path: Path) -> None:
    """What is imported after `initialize` (lazily) cannot come from the workspace, even through PYTHONPATH; the
    interpreter's own folders stay even when the workspace holds them (a project's .venv)."""
    workspace = tmp_path / "project"
    (workspace / "lib").mkdir(parents=True)
    code = (
        "import sys, json, livepair\n"
        "before = list(sys.path)\n"
        f"removed = livepair.forget_import_paths({str(workspace)!r})\n"
        "print(json.dumps([before, removed, sys.path]))\n"
    )
    env = os.environ | {"PYTHONPATH": f"{workspace / 'lib'}:{workspace}"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True)
    before, removed, after = json.loads(out.stdout)
    assert str(workspace / "lib") in before and str(workspace) in before
    assert set(removed) == {str(workspace / "lib"), str(workspace)}
    kept = [p for p in before if p not in removed]
    assert after == kept and any("site-packages" in p for p in after)
    same = subprocess.run(
        [sys.executable, "-c", f"import sys, livepair; print(livepair.forget_import_paths({sys.prefix!r}))"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert same.stdout.strip() == "[]"  # a workspace around the interpreter's own prefix takes nothing away
