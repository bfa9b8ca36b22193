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


def test_every_daemon_setting_is_contributed_with_its_default() -> None:
    manifest = json.loads((EXTENSION / "package.json").read_text())
    groups = manifest["contributes"]["configuration"]
    groups = groups if isinstance(groups, list) else [groups]  # one group, or several ("Learning"...)
    contributed = {k: v for group in groups for k, v in group["properties"].items()}
    missing, different = [], []
    for key, default in daemon_settings().items():
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


def test_every_daemon_setting_is_sent() -> None:
    source = (EXTENSION / "src" / "common" / "settings.ts").read_text()
    block = source.split("DAEMON_SETTING_KEYS = [", 1)[1].split("]", 1)[0]
    sent = set(re.findall(r'"(\w+)"', block))
    missing = sorted(set(daemon_settings()) - sent)
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
