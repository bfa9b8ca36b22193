"""`livepair doctor`, run as a user would: what it says about this machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def doctor(**env: str) -> str:
    full = {k: v for k, v in os.environ.items() if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "DISPLAY")} | env
    done = subprocess.run(
        [sys.executable, "-m", "livepair", "doctor"], capture_output=True, text=True, env=full, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_doctor_reports_the_key_the_display_and_the_tools() -> None:
    out = doctor(GEMINI_API_KEY="AIza-not-a-real-key")
    assert "api key       set via GEMINI_API_KEY" in out and "AIza" not in out, "never the key itself"
    assert "display       none (screen sharing unavailable)" in out
    assert f"tesseract     {shutil.which('tesseract')} (for screenOcrMask)" in out
    assert "google-genai" in out and "missing" not in out
    if shutil.which("bwrap"):
        assert "sandbox       bubblewrap works here (for run_python)" in out


def test_doctor_says_what_is_missing_and_how_to_get_it() -> None:
    out = doctor(PATH="/nonexistent", DISPLAY=":99")
    assert "display       :99" in out
    assert "tesseract     tesseract not installed (Debian: tesseract-ocr) (for screenOcrMask)" in out
    assert "espeak-ng     not found" in out
    assert "sandbox       the sandbox needs bubblewrap: install it (Debian: apt-get install bubblewrap)" in out
