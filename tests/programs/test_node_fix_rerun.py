"""Node programs' fixes, re-run for real in the sandbox (session/fix_rerun.py) before they are offered: no static
check reads JavaScript here, so a Node fix is offered only once `node script.js`, re-run with it on a scratch copy,
gets past its error. The fix offered is then applied and run here: the program works."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from livepair.advice.verify import patch_lines
from livepair.backends.backend import Failure
from livepair.backends.offline.advisor import OfflineBackend
from livepair.backends.offline.probation import POSSIBLE
from livepair.backends.offline.recheck import Rerun
from livepair.model import TerminalRun
from livepair.session.fix_rerun import SandboxRerun
from tests.tooling import require_tool
from tests.unit.test_advisor_view import Snapshot
from tests.unit.test_offline_recheck import calls, drain, proposed

APP = (
    "const fs = require('fs');\n"
    "\n"
    "const config = JSON.parse(fs.readFileSync('config.json', 'utf8'));\n"
    "console.log('port', config.port);\n"
)
MAIN = "const helpers = require('./Helpers');\nconsole.log(helpers.twice(21));\n"
HELPERS = "module.exports = { twice: (n) => n * 2 };\n"


@pytest.fixture(autouse=True)
def sandboxed() -> None:
    require_tool("bwrap", "prlimit", "setpriv", "node", hint="scripts/setup-sandbox.sh and scripts/setup-node.sh")


def node(root: Path, command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=root, capture_output=True, text=True, timeout=30)


def tree(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


async def advice_and_fix(root: Path, command: str, path: str) -> tuple[str, dict[str, object]]:
    """What the hint says at once, and the fix the advisor proposes once its re-run got past the error."""
    done = node(root, command)
    assert done.returncode != 0, done.stdout
    run = TerminalRun(command, done.stdout + done.stderr, done.returncode, str(root))
    before = tree(root)
    view = Snapshot(root, texts={(root / path).as_uri(): (root / path).read_text()}, run=run)
    backend = OfflineBackend(view, rerun=SandboxRerun())
    backend.notice_failure(Failure("run", f"{command} failed", run))
    first = drain(backend)
    hint = calls(first, "annotate")
    assert hint and not calls(first, "propose_fix"), "a Node fix is offered only after its re-run"
    fix = await proposed(backend, "the Node fix, after its re-run", 60)
    assert "re-run in a sandbox" in str(fix["explanation"])
    assert tree(root) == before, "the re-run wrote into the workspace"
    await backend.close()
    return str(hint[0].args["message"]), fix


def applied(root: Path, fix: dict[str, object]) -> None:
    path = root / str(fix["path"])
    lines = fix["range"]
    assert isinstance(lines, dict)
    path.write_text(patch_lines(path.read_text(), lines["start_line"], lines["end_line"], str(fix["new_text"])))


async def test_a_file_beside_the_script_is_read_from_there_once_the_rerun_shows_it(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "server").mkdir(parents=True)
    (root / "server" / "app.js").write_text(APP)
    (root / "server" / "config.json").write_text('{"port": 8080}\n')
    message, fix = await advice_and_fix(root, "node server/app.js", "server/app.js")
    assert "next to app.js" in message and "__dirname" in message
    applied(root, fix)
    done = node(root, "node server/app.js")
    assert done.returncode == 0 and "port 8080" in done.stdout, done.stderr
    assert "require('path')" in (root / "server" / "app.js").read_text()


async def test_an_es_module_reads_it_by_its_own_url(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    (root / "server").mkdir(parents=True)
    program = "import fs from 'fs';\n\nconsole.log(fs.readFileSync('./hello.txt', 'utf8').trim());\n"
    (root / "server" / "app.mjs").write_text(program)
    (root / "server" / "hello.txt").write_text("hello from beside\n")
    message, fix = await advice_and_fix(root, "node server/app.mjs", "server/app.mjs")
    assert "import.meta.url" in message and "__dirname" not in message
    applied(root, fix)
    done = node(root, "node server/app.mjs")
    assert done.returncode == 0 and "hello from beside" in done.stdout, done.stderr


async def test_a_require_that_differs_in_case_is_a_possible_cause_proven_by_its_rerun(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "main.js").write_text(MAIN)
    (root / "helpers.js").write_text(HELPERS)
    message, fix = await advice_and_fix(root, "node main.js", "main.js")
    assert message.startswith(POSSIBLE) and "differs only in case" in message
    applied(root, fix)
    done = node(root, "node main.js")
    assert done.returncode == 0 and done.stdout.strip() == "42", done.stderr


async def test_a_node_fix_that_still_fails_the_same_way_gets_no_for_an_answer(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "main.js").write_text(MAIN)
    (root / "helpers.js").write_text(HELPERS)
    error = node(root, "node main.js").stderr
    said = "Error: Cannot find module './Helpers'"
    assert said in error
    port = SandboxRerun()
    same = Rerun(root, root, ("main.js",), root / "main.js", MAIN + "// a comment\n", said, "node")
    assert await port(same) is False
    fixed = MAIN.replace("./Helpers", "./helpers")
    assert await port(Rerun(root, root, ("main.js",), root / "main.js", fixed, said, "node")) is True
    assert tree(root) == {"helpers.js": HELPERS, "main.js": MAIN}


@pytest.mark.parametrize(
    ("program", "said", "prints"),
    [
        (  # a const assigned again: declared with let instead
            "const total = 0;\nfor (const n of [1, 2, 3]) {\n  total = total + n;\n}\nconsole.log(total);\n",
            "declared with const on line 1",
            "6",
        ),
        (  # await in a function that is not async: the function made async
            "function load() {\n  const v = await Promise.resolve(5);\n  return v;\n}\n"
            "load().then((v) => console.log(v * 2));\n",
            "not async",
            "10",
        ),
        (  # a core module's function misspelt: the name it has
            "const path = require('path');\nconsole.log(path.basname('/a/b/report.txt'));\n",
            "typo",
            "report.txt",
        ),
        (  # an fs call without its callback, used as if it were synchronous
            "const fs = require('fs');\nif (fs.exists('app.js')) {\n  console.log('there');\n}\n",
            "takes a callback",
            "there",
        ),
    ],
    ids=["const-assigned", "await-outside-async", "core-typo", "fs-without-callback"],
)
async def test_a_node_slip_is_fixed_in_place_once_the_rerun_shows_it(
    tmp_path: Path, program: str, said: str, prints: str
) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    (root / "app.js").write_text(program)
    message, fix = await advice_and_fix(root, "node app.js", "app.js")
    assert said in message
    applied(root, fix)
    done = node(root, "node app.js")
    assert done.returncode == 0 and done.stdout.strip() == prints, done.stderr
