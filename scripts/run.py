"""`make run`: LivePair in a real VS Code (code-server) on your own workspace, until Ctrl-C.

The workspace persists: `LIVEPAIR_WORKSPACE`, or ~/livepair-workspace, filled from examples/ the first time and
never deleted (your edits and new files are there next time). So does the editor's profile (its state: the
walkthrough shows on the first run only). With GEMINI_API_KEY set the senior dev is Gemini Live; otherwise the
offline advisor. Everything started here (code-server, the extension host, the daemon, terminals) is stopped on
the way out.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devtools.code_server import CodeServer  # noqa: E402  (the same launcher the e2e tests use)
from devtools.tools import locate_tools  # noqa: E402


def machine_report() -> list[str]:
    key = os.environ.get("GEMINI_API_KEY") or os.environ.get("GOOGLE_API_KEY")
    lines = [f"senior dev: {'Gemini Live (GEMINI_API_KEY is set)' if key else 'offline advisor (no GEMINI_API_KEY)'}"]
    lines.append(
        f"screen:     {'display ' + os.environ['DISPLAY'] if os.environ.get('DISPLAY') else 'none (no DISPLAY)'}"
    )
    try:
        import sounddevice

        devices = sounddevice.query_devices()
        has_in = any(d["max_input_channels"] > 0 for d in devices)  # type: ignore[index]
        has_out = any(d["max_output_channels"] > 0 for d in devices)  # type: ignore[index]
        mic, speaker = ("available" if ok else "none found" for ok in (has_in, has_out))
        lines.append(f"microphone: {mic}; speaker: {speaker}")
    except (OSError, ImportError) as exc:
        lines.append(f"audio:      unavailable ({exc})")
    return lines


def workspace_dir() -> tuple[Path, bool]:
    """The user's workspace (named, persistent) and whether it was just made from examples/."""
    workspace = Path(os.environ.get("LIVEPAIR_WORKSPACE") or Path.home() / "livepair-workspace").expanduser()
    if workspace.exists():
        return workspace, False
    shutil.copytree(ROOT / "examples", workspace)  # a copy: applying quick fixes must not change the repo
    return workspace, True


def profile_dir() -> Path:
    """The editor's profile (settings, state), kept between runs so a first run happens once."""
    named = os.environ.get("LIVEPAIR_RUN_PROFILE")
    return Path(named).expanduser() if named else Path.home() / ".cache" / "livepair" / "run-profile"


async def main() -> int:
    port = int(os.environ.get("LIVEPAIR_PORT", "8765"))
    tools = locate_tools()
    workspace, fresh = workspace_dir()
    profile = profile_dir()
    settings = {
        "livepair.python": str(ROOT / ".venv" / "bin" / "python"),
        # The extension opens its walkthrough once per profile when this allows it (the tests keep it off).
        "workbench.welcomePage.walkthroughs.openOnInstall": True,
    }
    server = CodeServer(tools, profile, dict(os.environ), settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await server.start(workspace, bind=f"127.0.0.1:{port}")
        print(f"\nLivePair is running: open {server.url}/?folder={workspace}", flush=True)
        made = "made from examples/ just now" if fresh else "yours from before"
        print(f"  workspace:  {workspace} ({made}; kept after Ctrl-C, LIVEPAIR_WORKSPACE picks another)", flush=True)
        for line in machine_report():
            print(f"  {line}", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        await stop.wait()
    finally:
        print("Stopping LivePair…", flush=True)
        await server.stop()
        print(f"Your work is in {workspace}.", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
