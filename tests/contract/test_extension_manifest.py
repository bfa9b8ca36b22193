"""The extension mirrors the daemon: every setting in config.py is contributed in extension/package.json with the
same default and is sent by extension/src/common/settings.ts; every livepair/* method and command in protocol.py is
named in extension/src/common/protocol.ts. Fast (no VS Code needed): it catches drift when either side changes."""

from __future__ import annotations

import dataclasses
import json
import re

from livepair.config import Settings
from livepair.lsp import protocol
from tests.e2e.tools import ROOT

EXTENSION = ROOT / "extension"


def daemon_settings() -> dict[str, object]:
    defaults = Settings()
    return {f.metadata["key"]: getattr(defaults, f.name) for f in dataclasses.fields(Settings)}


def not_in_vscode() -> set[str]:
    """Daemon settings VS Code ignores (settings.ts NOT_IN_VSCODE): not shown there."""
    source = (EXTENSION / "src" / "common" / "settings.ts").read_text()
    return set(re.findall(r'"(\w+)"', source.split("NOT_IN_VSCODE = [", 1)[1].split("]", 1)[0]))


def contributed_settings() -> dict[str, dict[str, object]]:
    """Every contributed setting, across the titled groups of `contributes.configuration`."""
    manifest = json.loads((EXTENSION / "package.json").read_text())
    groups = manifest["contributes"]["configuration"]
    assert isinstance(groups, list), "settings are grouped: contributes.configuration is a list of titled groups"
    out: dict[str, dict[str, object]] = {}
    for group in groups:
        assert group.get("title"), "each settings group has a title"
        out.update(group["properties"])
    return out


def test_settings_are_grouped_for_the_user_essentials_first() -> None:
    manifest = json.loads((EXTENSION / "package.json").read_text())
    titles = [g["title"] for g in manifest["contributes"]["configuration"]]
    assert titles == ["Essentials", "Learning", "Voice", "Screen", "Privacy", "Advanced"]
    essentials = manifest["contributes"]["configuration"][0]["properties"]
    assert "livepair.backend" in essentials and "livepair.micChunkMs" not in essentials


def test_every_daemon_setting_is_contributed_with_its_default() -> None:
    contributed = contributed_settings()
    hidden = not_in_vscode()
    assert hidden == {"autoStart"}
    assert not [k for k in hidden if f"livepair.{k}" in contributed], "VS Code shows a setting it ignores"
    missing, different = [], []
    for key, default in daemon_settings().items():
        if key in hidden:
            continue
        entry = contributed.get(f"livepair.{key}")
        if entry is None:
            missing.append(key)
            continue
        want = list(default) if isinstance(default, tuple) else default
        if entry.get("default") != want:
            different.append(f"{key}: package.json {entry.get('default')!r}, config.py {want!r}")
        assert entry.get("description") or entry.get("markdownDescription"), f"livepair.{key} has no description"
    assert not missing, f"add these config.py settings to extension/package.json: {missing}"
    assert not different, f"defaults differ: {different}"


def ts_string_list(source: str, name: str) -> set[str]:
    """The strings of a TypeScript array literal `name = [...]`, with `...OTHER` spreads of such lists expanded."""
    block = source.split(f"{name} = [", 1)[1].split("]", 1)[0]
    spread = re.findall(r"\.\.\.(\w+)", block)
    return set(re.findall(r'"(\w+)"', block)).union(*(ts_string_list(source, other) for other in spread))


def test_every_daemon_setting_is_sent() -> None:
    source = (EXTENSION / "src" / "common" / "settings.ts").read_text()
    sent = ts_string_list(source, "DAEMON_SETTING_KEYS")
    missing = sorted(set(daemon_settings()) - sent - not_in_vscode())
    assert not missing, f"add these keys to DAEMON_SETTING_KEYS in extension/src/common/settings.ts: {missing}"


def test_protocol_names_match() -> None:
    source = (EXTENSION / "src" / "common" / "protocol.ts").read_text()
    names = {
        value
        for name, value in vars(protocol).items()
        if isinstance(value, str) and name.isupper() and value.startswith("livepair")
    }
    missing = sorted(n for n in names if f'"{n}"' not in source)
    assert not missing, f"extension/src/common/protocol.ts does not name: {missing}"


def test_retry_now_is_a_command_the_user_can_run() -> None:
    """While the link to the model is down the status says when the next try is; the user can try at once."""
    manifest = json.loads((EXTENSION / "package.json").read_text())
    titles = {c["command"]: c["title"] for c in manifest["contributes"]["commands"]}
    assert protocol.CMD_RETRY_NOW in titles, "package.json contributes no retry-now command"
    registered = (EXTENSION / "src" / "common" / "commands.ts").read_text()
    assert "register(Commands.retryNow, () => session.retryNow())" in registered
    session = (EXTENSION / "src" / "common" / "session.ts").read_text()
    assert "executeCommand(DaemonCommands.retryNow)" in session
