"""What a newcomer sees in Neovim's own terminal UI (tests/nvim/tui.py), with the plugin as the README installs it
(`require('livepair').setup{}`, the daemon from PATH, offline): each finding once, on its line, in words — not only
a sign in the gutter —, the failed run's hint taking the place of the check's, and K showing the rest. Screenshots
go to LIVEPAIR_NEWCOMER_SHOTS (devtools/newcomer.py puts them in docs/first-minutes/).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from livepair.advice.store import Advice, headline
from livepair.scenario import write_workspace
from tests.fakes.live_server import FakeLiveServer
from tests.fakes.models import starts_turn
from tests.fakes.session import FakeSession
from tests.nvim.test_nvim import PLUGIN, gemini_env, gemini_settings, nvim
from tests.nvim.tui import NvimScreen

pytestmark = pytest.mark.timeout(180)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("LIVEPAIR_NEWCOMER_SHOTS", ROOT / "test-artifacts" / "nvim-first-minutes"))
KEY_ROW = 'API_KEY = "YOUR_API_KEY"'
OPEN_ROW = 'with open("data/config.json") as fh:'
CAUSE = "'data/config.json' is at src/data/config.json"  # the open() line's headline, from the daemon
MARK = "●"  # the inline hint's prefix (editors/nvim/lua/livepair/hints.lua)
INIT = """
vim.opt.rtp:prepend({plugin})
require('livepair').setup({{ settings = {{ digestDebounceMs = 20 }} }})
vim.o.statusline = "%f:%l %= %{{v:lua.require'livepair'.statusline()}}"
"""


def row(screen: NvimScreen, start: str) -> str:
    """The screen row showing the source line `start` (with its sign column), or ''."""
    return next((line for line in screen.lines() if line[2:].startswith(start)), "")


def hint_of(screen: NvimScreen, start: str) -> str:
    """The inline hint at the end of that row."""
    text = row(screen, start)
    return text.split(MARK, 1)[1].strip() if MARK in text else ""


async def test_a_newcomer_sees_each_finding_once_in_words_on_its_line(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    write_workspace(workspace)
    init = tmp_path / "init.lua"
    init.write_text(INIT.format(plugin=json.dumps(str(PLUGIN))))
    bin_dir = str(Path(sys.executable).parent)  # where `livepair` and python3 are, as after `pipx install`
    env = {k: v for k, v in os.environ.items() if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY")}
    env |= {"PATH": f"{bin_dir}:{env.get('PATH', '')}", "HOME": str(tmp_path / "home")}
    env |= {f"XDG_{d}_HOME": str(tmp_path / d.lower()) for d in ("CONFIG", "DATA", "STATE", "CACHE")}
    shots = ARTIFACTS
    async with NvimScreen([nvim(), "-u", str(init), "-i", "NONE", "-n", "f.py"], env, workspace) as screen:
        await screen.wait_for(lambda: "LivePair: listening (offline)" in screen.text(), 60, "the session")
        # Opened, before anything ran: each seed error has its headline, in words, on its own line.
        await screen.wait_for(lambda: hint_of(screen, KEY_ROW) and hint_of(screen, OPEN_ROW), 30, "both hints")
        screen.png(shots / "1-nvim-on-open.png")
        checked = hint_of(screen, OPEN_ROW)
        assert screen.count(MARK) == 2, "one hint per finding, nowhere else"
        # Each headline is the daemon's: the cause, whole (not the message's first words cut with an ellipsis).
        assert hint_of(screen, KEY_ROW) == 'API_KEY is the placeholder "YOUR_API_KEY", not a key'
        assert checked == CAUSE
        quiet = screen.colour_of(CAUSE)

        # The user runs the program; its failure's hint replaces the check's on the open() line, still once: the
        # same cause, now in the colour of an error, and said as a possible one.
        screen.keys(":LivePairRun python3 f.py\r")
        await screen.wait_for(lambda: screen.colour_of(CAUSE) not in ("", quiet), 30, "the failed run's hint")
        await screen.wait_for(lambda: "exited with 1" in screen.text(), 10, "the run's exit in the message line")
        screen.png(shots / "2-nvim-after-run.png")
        ran = hint_of(screen, OPEN_ROW)
        assert screen.count(MARK) == 2
        # said as possible: the program might be meant to run from another folder
        assert ran == f"Possibly: {CAUSE}" and screen.text().count(ran) == 1, "the cause, once, whole"

        # K on that line (the cursor put there first, as a user would): the explanation the headline begins.
        screen.keys("8G")
        await screen.wait_for(lambda: "f.py:8 " in screen.text(), 10, "the cursor on line 8")
        screen.keys("K")

        def hover() -> str:  # the screen once the hover is drawn to its last line (it may redraw after this)
            text = screen.text()
            return text if "Why:" in text and "Tell me more:" in text else ""

        shown = await screen.wait_for(hover, 20, "the hover")
        screen.png(shots / "3-nvim-hover.png")
        assert shown.count("LivePair — ") == 1, f"the hover shows the finding once:\n{shown}"
        assert "Tell me more: :LivePairExplain on this line" in shown, "in words this editor understands"


APPROVAL_INIT = """
vim.opt.rtp:prepend({plugin})
require('livepair').setup({{ cmd = {cmd}, settings = vim.json.decode({settings}) }})
vim.o.statusline = "%f %= %{{v:lua.require'livepair'.statusline()}}"
"""
# What the model asks to run: a bidi override and a zero-width space hide what it really is on a plain screen.
DISGUISED = "touch ran.txt\u202e # \u200bharmless"


async def test_an_approval_prompt_shows_what_runs_and_goes_when_the_model_withdraws_it(
    workspace: Path, tmp_path: Path, fake: FakeLiveServer
) -> None:
    on_screen = asyncio.Event()

    async def model(session: FakeSession) -> None:
        await session.next_message(predicate=starts_turn, timeout=30)
        args = {"command": DISGUISED, "reason": "LivePair verified: safe"}
        ids = await session.send_tool_call([{"name": "run_command", "args": args}])
        await asyncio.wait_for(on_screen.wait(), 60)
        await session.send_tool_call_cancellation(ids)
        await session.wait_closed(timeout=120)

    fake.model = model
    init = tmp_path / "init.lua"
    cmd = [sys.executable, "-I", "-u", "-m", "livepair", "serve"]
    settings = json.dumps(gemini_settings(fake, "never"))
    plugin = json.dumps(str(PLUGIN))
    init.write_text(APPROVAL_INIT.format(plugin=plugin, cmd=lua_list(cmd), settings=json.dumps(settings)))
    env = gemini_env(fake) | {"HOME": str(tmp_path / "home")}
    env |= {f"XDG_{d}_HOME": str(tmp_path / d.lower()) for d in ("CONFIG", "DATA", "STATE", "CACHE")}
    async with NvimScreen([nvim(), "-u", str(init), "-i", "NONE", "-n", "f.py"], env, workspace) as screen:
        await screen.wait_for(lambda: "LivePair: " in screen.lines()[-2], 60, "the daemon, in the statusline")
        screen.keys(":LivePairStart\r")
        await screen.wait_for(lambda: "(gemini)" in screen.lines()[-2], 60, "the Live session")
        screen.keys(f":LivePairRun {sys.executable} f.py\r")
        await screen.wait_for(lambda: "a: Allow" in screen.text(), 60, "the approval prompt, Allow armed")
        shown = screen.text()
        screen.png(ARTIFACTS / "4-nvim-approval.png")
        assert screen.count("LivePair approval") == 1, "one prompt, in a window of its own"
        assert "$ touch ran.txt\\u202e # \\u200bharmless" in shown, "the hidden characters, escaped and visible"
        assert "Hidden characters, shown escaped" in shown and "1 bidi" in shown and "1 zero-width" in shown
        assert "\u201cLivePair verified: safe\u201d (the model's own words" in shown, "the model's claim, quoted"
        assert "d/q/Esc/Enter: Deny" in shown

        on_screen.set()  # the model cancels its call
        await screen.wait_for(lambda: "LivePair approval" not in screen.text(), 30, "the prompt to close")
        await screen.wait_for(lambda: "withdrew its request" in screen.text(), 10, "the reason, in the message line")
        gone = screen.text()
        assert "touch ran.txt" not in gone and "a: Allow" not in gone, "nothing of the prompt stays on screen"
        screen.keys("a")  # the user's late answer is a keystroke in the file now, not an Allow
        screen.keys("\x1b:LivePairTranscript\r")
        line = "Approval withdrawn (the model cancelled the call) — nothing runs: $ touch ran.txt\\u202e"
        await screen.wait_for(lambda: line in screen.text(), 10, "the transcript's line")
        assert screen.count("Approval withdrawn") == 1
    assert not (workspace / "ran.txt").exists()


def lua_list(items: list[str]) -> str:
    return "{ " + ", ".join(json.dumps(item) for item in items) + " }"


# Messages shaped like the advisor's: sentences, clauses, dashes, absolute paths, long ones.
MESSAGES = [
    "The file 'data/config.json' does not exist relative to the working directory /tmp/ws/src. Use Path(__file__).",
    'API_KEY is set to the placeholder "YOUR_API_KEY", so every request is refused; read it from os.environ.',
    "Short cause",
    "ModuleNotFoundError: No module named 'requests' — install it in the venv at /home/u/p/.venv/bin/python",
    "x" * 80,
    "A word " * 15,
    "It stopped! Then more.",
]


def test_the_plugin_shows_the_headline_the_daemon_sends_with_each_finding(tmp_path: Path) -> None:
    """One cut, the daemon's: with a cause (whole) or without (the message's first clause), the plugin shows the
    diagnostic's `data.headline` as published, and a diagnostic without one by its first line, bounded."""
    script = tmp_path / "headlines.lua"
    out = tmp_path / "out.json"
    causes = ["'data/config.json' is at src/data/config.json", ""] * (len(MESSAGES) // 2 + 1)
    published = [
        Advice(f"a{i}", "file:///w/f.py", 0, m, cause=c).diagnostic().data
        for i, (m, c) in enumerate(zip(MESSAGES, causes, strict=False))
    ]
    diagnostics = [{"message": m, "user_data": {"lsp": {"data": d}}} for m, d in zip(MESSAGES, published, strict=True)]
    diagnostics.append({"message": "Another tool's message.\nIts second line.", "user_data": {"lsp": {}}})
    script.write_text(
        f"vim.opt.rtp:prepend({json.dumps(str(PLUGIN))})\n"
        f"local ds = vim.json.decode({json.dumps(json.dumps(diagnostics))})\n"
        "local got = {}\n"
        "for i, d in ipairs(ds) do got[i] = require('livepair.hints').hint(d) end\n"
        f"vim.fn.writefile({{vim.json.encode(got)}}, {json.dumps(str(out))})\n"
        "vim.cmd('qa!')\n"
    )
    subprocess.run([nvim(), "--headless", "--clean", "-u", "NONE", "-l", str(script)], check=True, timeout=60)
    shown = json.loads(out.read_text())
    assert shown[:-1] == [d["headline"] for d in published]
    assert shown[0] == "'data/config.json' is at src/data/config.json" and shown[1] == headline(MESSAGES[1])
    assert shown[-1] == "Another tool's message."


def test_a_finding_sent_again_with_its_fix_is_in_the_transcript_once(tmp_path: Path) -> None:
    """The offline advisor sends a hint at once and the same finding again once its fix is re-run and checked; a
    reply may end between the two. The transcript says the finding once."""
    script = tmp_path / "again.lua"
    out = tmp_path / "out.json"
    advice = {
        "uri": "file:///w/f.py",
        "range": {"start": {"line": 7, "character": 0}},
        "message": "The file is not there.",
    }
    script.write_text(
        f"vim.opt.rtp:prepend({json.dumps(str(PLUGIN))})\n"
        "local h = require('livepair.ui').handlers()\n"
        f"local advice = vim.json.decode({json.dumps(json.dumps(advice))})\n"
        "h['livepair/advice'](nil, advice)\n"
        "h['livepair/transcript'](nil, { role = 'model', text = 'Your last run failed.', final = true })\n"
        "h['livepair/advice'](nil, advice)\n"
        "local buf = vim.fn.bufnr('livepair://transcript')\n"
        "local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)\n"
        f"vim.fn.writefile({{vim.json.encode(lines)}}, {json.dumps(str(out))})\n"
        "vim.cmd('qa!')\n"
    )
    subprocess.run([nvim(), "--headless", "--clean", "-u", "NONE", "-l", str(script)], check=True, timeout=60)
    lines = json.loads(out.read_text())
    assert sum("The file is not there." in line for line in lines) == 1, lines
