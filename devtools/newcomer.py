"""A newcomer's first ten minutes, replayed: `python -m devtools.newcomer`.

Runs tests/e2e/test_first_minutes.py (code-server in Chromium at 1280 px, offline: open f.py, pair, run it, read
the hint, hover, Tell me more, a mistyped command, Ask) and tests/e2e/test_out_of_view.py (a crash in a file not
open: the notification's Apply fix, the terminal's link to the line) and tests/nvim/test_nvim_screen.py (Neovim's
own terminal UI: the hints after the run, K), and saves the screenshots the README shows into docs/first-minutes/
(palette PNGs, small enough to keep in the repository). Look at them before committing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "first-minutes"
# Each test and its screenshot names the README shows, in its order.
README_SHOTS = {
    "tests/e2e/test_first_minutes.py": ("crash-headline", "hover", "panel-cards", "notification"),
    "tests/e2e/test_out_of_view.py": ("notification-apply", "terminal-link"),
    "tests/nvim/test_nvim_screen.py": ("nvim-after-run", "nvim-hover"),
}


def save(shot: Path, dest: Path) -> None:
    with Image.open(shot) as image:
        image.convert("RGB").quantize(colors=256).save(dest, optimize=True)


def main() -> int:
    for test, names in README_SHOTS.items():
        if (code := replay(test, names)) != 0:
            return code
    return 0


def replay(test: str, names: tuple[str, ...]) -> int:
    with tempfile.TemporaryDirectory(prefix="livepair-newcomer-") as tmp:
        shots = Path(tmp)
        env = {**os.environ, "LIVEPAIR_NEWCOMER_SHOTS": str(shots)}
        ran = subprocess.run(
            [sys.executable, "-m", "pytest", test, "-q", "-p", "no:cacheprovider"], cwd=ROOT, env=env, check=False
        )
        if ran.returncode != 0:
            print(f"newcomer: {test} failed; screenshots in {shots} are lost", file=sys.stderr)
            return ran.returncode
        OUT.mkdir(parents=True, exist_ok=True)
        for name in names:
            found = sorted(shots.glob(f"*-{name}.png"))
            if not found:
                print(f"newcomer: no screenshot named {name}", file=sys.stderr)
                return 1
            save(found[-1], OUT / f"{name}.png")
            print(f"newcomer: {OUT / f'{name}.png'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
