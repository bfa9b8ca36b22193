"""The Neovim plugin installs with lazy.nvim as docs/editors.md says: its documented spec, loaded the way lazy.nvim
loads a local plugin in the real Neovim of tests/nvim, gives the commands and, with `livepair serve` from PATH (as
pipx installs it), the seed's hints on f.py."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from tests.e2e.tools import ROOT
from tests.nvim.test_nvim import KEY_LINE, LINE, PLUGIN, base_config, nvim, run_nvim

DOC = ROOT / "docs" / "editors.md"


def documented_spec() -> str:
    """The Lua block after "(lazy.nvim spec):" in docs/editors.md."""
    found = re.search(r"\(lazy\.nvim spec\):\s*```lua\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    assert found, "docs/editors.md has no lazy.nvim spec"
    return found.group(1)


async def test_the_documented_lazy_spec_installs_the_plugin(workspace: Path, tmp_path: Path) -> None:
    spec = documented_spec()
    assert "'/path/to/livepair/editors/nvim'" in spec, "the spec points at the plugin directory of a clone"
    spec_file = tmp_path / "spec.lua"
    spec_file.write_text(spec.replace("/path/to/livepair", str(ROOT)))
    nvim()  # the test's Neovim, or the reason it is missing
    bin_dir = str(Path(sys.executable).parent)  # where `livepair` is, as pipx puts it on PATH
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    seen = await run_nvim("lazy_install.lua", tmp_path, base_config(workspace, {}, spec=str(spec_file)), env)

    assert seen["layout"] == {"plugin": True, "module": True}, "the spec's name/main match editors/nvim's layout"
    assert seen["loaded_from"] == str(PLUGIN / "lua" / "livepair" / "init.lua"), "the module comes from the spec's dir"
    assert {"LivePairStart", "LivePairAsk", "LivePairExplain", "LivePairRun"} <= set(seen["commands"])
    onopen = {int(line): message for line, message in seen["onopen"].items()}
    assert 'os.environ["API_KEY"]' in onopen[KEY_LINE] and "src/data/config.json" in onopen[LINE]
    assert seen["statusline"] == "LivePair: listening (offline)"
