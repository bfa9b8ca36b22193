"""The daemon installs for other editors as a Python package: the wheel scripts/build-wheel.sh builds (the one the
.vsix ships and `pipx install` takes) holds every module and data file of server/livepair, declares the `livepair`
command and the dependencies, and the command runs from an install of that wheel alone (not from this work tree)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.e2e.tools import ROOT

pytestmark = pytest.mark.slow  # builds and installs the wheel: `make test`, not the inner loop

PACKAGE = ROOT / "server" / "livepair"
DATA_SUFFIXES = {".py", ".toml", ".json"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    env = {**os.environ, "PYTHON": sys.executable}
    subprocess.run(["bash", str(ROOT / "scripts" / "build-wheel.sh"), str(out)], check=True, env=env, timeout=300)
    (built,) = out.glob("livepair-*.whl")
    return built


def test_the_wheel_holds_every_module_and_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    sources = [
        p.relative_to(PACKAGE.parent).as_posix()
        for p in PACKAGE.rglob("*")
        if p.suffix in DATA_SUFFIXES and "__pycache__" not in p.parts
    ]
    assert any(s.endswith(".toml") for s in sources), "the offline catalogue is data the wheel must carry"
    missing = sorted(set(sources) - names)
    assert not missing, f"not in {wheel.name}: {missing}"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")], "stale bytecode in the wheel"


def test_the_wheel_declares_the_command_and_dependencies(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    info = next(n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt"))
    entry_points = archive.read(info).decode()
    assert "[console_scripts]" in entry_points and "livepair = livepair.cli:main" in entry_points
    metadata = archive.read(info.replace("entry_points.txt", "METADATA")).decode()
    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    required = [line.split(":", 1)[1].strip() for line in metadata.splitlines() if line.startswith("Requires-Dist:")]
    for dependency in wanted:
        name = dependency.split(">")[0].split("<")[0].split("=")[0].strip()
        assert any(r.lower().startswith(name.lower()) and "extra ==" not in r for r in required), dependency


def test_the_installed_command_runs_from_the_wheel_alone(wheel: Path, tmp_path: Path) -> None:
    """`pip install --target` of the wheel (no index, no dependencies: those come from this venv) gives the
    `livepair` script; it imports the installed copy, and `livepair demo` finds its data files there."""
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--disable-pip-version-check",
         "--target", str(target), str(wheel)],
        check=True, timeout=120,
    )  # fmt: skip
    script = target / "bin" / "livepair"
    assert script.is_file(), "the wheel installs no `livepair` command"
    env = {**os.environ, "PYTHONPATH": str(target)}

    def run(*args: str) -> str:
        done = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    where = run(sys.executable, "-c", "import livepair; print(livepair.__file__)")
    assert Path(where.strip()).is_relative_to(target), f"imported {where.strip()}, not the installed wheel"
    usage = run(str(script), "--help")
    assert usage.startswith("usage: livepair") and "serve" in usage
    demo = run(str(script), "demo")  # the offline advisor reads its catalogue (.toml) from the installed package
    assert "quick fix:" in demo and "f.py" in demo
