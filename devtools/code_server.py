"""A real VS Code (code-server) in a temporary profile, with the LivePair .vsix installed; every process it starts
(extension host, the daemon, terminal shells) is stopped with it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import psutil

from devtools.tools import E2ETools

LISTENING = re.compile(r"HTTP server listening on (http://127\.0\.0\.1:\d+)/")
START_TIMEOUT = 60.0
_PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "ws_proxy", "wss_proxy")


def quiet_settings() -> dict[str, Any]:
    """User settings that keep a fresh VS Code from popping up anything the test did not ask for."""
    return {
        "workbench.startupEditor": "none",
        "workbench.welcomePage.walkthroughs.openOnInstall": False,
        "workbench.tips.enabled": False,
        "workbench.enableExperiments": False,
        "security.workspace.trust.enabled": False,
        "telemetry.telemetryLevel": "off",
        "extensions.autoUpdate": False,
        "extensions.autoCheckUpdates": False,
        "extensions.ignoreRecommendations": True,
        "update.mode": "none",
        "chat.disableAIFeatures": True,
        "workbench.secondarySideBar.defaultVisibility": "hidden",
        "git.enabled": False,
        "git.openRepositoryInParentFolders": "never",
        "terminal.integrated.defaultProfile.linux": "bash",
        "terminal.integrated.shellIntegration.enabled": True,
        "terminal.integrated.gpuAcceleration": "off",  # DOM renderer: the terminal's text is in the page
        "editor.hover.delay": 200,
        "editor.minimap.enabled": False,
        "files.autoSave": "off",
        # the test's own loopback servers (the Live stand-in) are not the user's app: no "port available" toast
        # over the screenshots
        "remote.autoForwardPorts": False,
    }


class CodeServer:
    def __init__(self, tools: E2ETools, workdir: Path, env: dict[str, str], settings: dict[str, Any]) -> None:
        self.tools = tools
        self.workdir = workdir
        self.user_data = workdir / "user-data"
        self.extensions = workdir / "extensions"
        self.config = workdir / "config.yaml"
        self.log_file = workdir / "code-server.log"
        self._env = env
        self._settings = settings
        self._proc: asyncio.subprocess.Process | None = None
        self._log_task: asyncio.Task[None] | None = None
        self.url = ""

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in self._env.items() if k.lower() not in _PROXY_VARS}
        env["PATH"] = f"{self.tools.node_bin}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"
        env["XDG_DATA_HOME"] = str(self.workdir / "xdg-data")
        env["XDG_CONFIG_HOME"] = str(self.workdir / "xdg-config")
        env.pop("VSCODE_IPC_HOOK_CLI", None)
        return env

    def install_extension(self) -> None:
        subprocess.run(
            [
                str(self.tools.code_server),
                "--install-extension",
                str(self.tools.vsix),
                "--extensions-dir",
                str(self.extensions),
                "--user-data-dir",
                str(self.user_data),
                "--config",
                str(self.config),
            ],
            env=self.environment(),
            check=True,
            capture_output=True,
            timeout=120,
        )

    async def start(self, folder: Path, bind: str = "127.0.0.1:0") -> Self:
        # code-server is a remote window: machine-scoped settings (livepair.python) are read from the server's
        # Machine settings, the rest from the User settings, as for a user who sets them in the Settings editor.
        for scope in ("User", "Machine"):
            settings_file = self.user_data / scope / "settings.json"
            settings_file.parent.mkdir(parents=True, exist_ok=True)
            settings_file.write_text(json.dumps({**quiet_settings(), **self._settings}, indent=2))
        await asyncio.to_thread(self.install_extension)
        self._proc = await asyncio.create_subprocess_exec(
            str(self.tools.code_server),
            "--auth",
            "none",
            "--bind-addr",
            bind,
            "--disable-telemetry",
            "--disable-update-check",
            "--disable-workspace-trust",
            "--config",
            str(self.config),
            "--user-data-dir",
            str(self.user_data),
            "--extensions-dir",
            str(self.extensions),
            str(folder),
            env=self.environment(),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )
        found: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._log_task = asyncio.create_task(self._pump_log(found), name="code-server-log")
        async with asyncio.timeout(START_TIMEOUT):
            self.url = await found
        return self

    async def _pump_log(self, found: asyncio.Future[str]) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        with self.log_file.open("w") as log:
            async for raw in self._proc.stdout:
                line = raw.decode(errors="replace")
                log.write(line)
                log.flush()
                if not found.done() and (m := LISTENING.search(line)):
                    found.set_result(m.group(1))
        if not found.done():
            found.set_exception(RuntimeError(f"code-server exited before listening; see {self.log_file}"))

    def daemon_processes(self) -> list[psutil.Process]:
        """The LivePair daemons running under this code-server (normally one)."""
        if self._proc is None:
            return []
        found = []
        for p in psutil.Process(self._proc.pid).children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if "livepair" in p.cmdline() and "serve" in p.cmdline():
                    found.append(p)
        return found

    def extension_logs(self) -> list[Path]:
        return sorted(self.user_data.glob("logs/**/*LivePair*.log"))

    async def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            family = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            family = []
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        for p in family:  # terminals and the daemon may live in sessions of their own
            with contextlib.suppress(psutil.NoSuchProcess):
                p.terminate()
        _gone, alive = await asyncio.to_thread(psutil.wait_procs, family, 5)
        for p in alive:
            with contextlib.suppress(psutil.NoSuchProcess):
                p.kill()
        with contextlib.suppress(TimeoutError, ProcessLookupError):
            async with asyncio.timeout(5):
                await proc.wait()
        if self._log_task is not None:
            self._log_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._log_task

    def keep_logs(self, artifacts: Path) -> None:
        artifacts.mkdir(parents=True, exist_ok=True)
        if self.log_file.exists():
            shutil.copy(self.log_file, artifacts / "code-server.log")
        for i, path in enumerate(self.extension_logs(), start=1):  # one per extension host (page load)
            shutil.copy(path, artifacts / (path.name if i == 1 else f"{path.stem}-{i}{path.suffix}"))

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()
