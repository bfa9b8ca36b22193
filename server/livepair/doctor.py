"""`livepair doctor`: what this machine offers LivePair, in plain words."""

from __future__ import annotations

import importlib.metadata as md
import os
import shutil
import sys

from livepair.config import API_KEY_VARS, env_api_key


def _version(package: str) -> str:
    try:
        return md.version(package)
    except md.PackageNotFoundError:
        return "missing"


def run_doctor() -> int:
    ok = True
    print(f"python        {sys.version.split()[0]} ({sys.executable})")
    for package in ("google-genai", "pygls", "lsprotocol", "websockets", "numpy", "detect-secrets"):
        version = _version(package)
        ok &= version != "missing"
        print(f"{package:<13} {version}")
    key = env_api_key()
    print(
        f"api key       {'set via ' + next(v for v in API_KEY_VARS if os.environ.get(v)) if key else 'not set'}"
        " (the editor can also pass one from its secret storage)"
    )
    print(f"display       {os.environ.get('DISPLAY') or 'none (screen sharing unavailable)'}")
    print(f"espeak-ng     {shutil.which('espeak-ng') or 'not found'}")
    from livepair.media.ocr_mask import OcrMasker

    problem = OcrMasker.problem()
    print(f"tesseract     {shutil.which('tesseract') if problem is None else problem} (for screenOcrMask)")
    import asyncio
    from pathlib import Path

    from livepair.session.sandbox import Sandbox

    why_not = asyncio.run(Sandbox(Path.cwd()).unavailable())
    print(f"sandbox       {'bubblewrap works here' if why_not is None else why_not} (for run_python)")
    from livepair.media.devices import describe  # PortAudio loads lazily: only the doctor and voice need it

    lines = describe()
    print(f"audio         {lines[0]}")
    for line in lines[1:]:
        print(f"              {line}")
    return 0 if ok else 1
