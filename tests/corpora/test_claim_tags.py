"""The first-seen record names the detector that made each finding, and a possible cause keeps its detector's
name (claim_tags.py, used by `first_seen --claims`). Run in a child process: tagging patches the advisor."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CHILD = """
import json, subprocess, sys
from pathlib import Path
from tests.corpora import claim_tags
claim_tags.install()
from livepair.backends.offline import triage
from livepair.backends.offline.catalogue import Catalogue
from livepair.backends.offline.enrich import Facts

said = {}
for folder, command in json.loads(sys.argv[1]):
    root = Path(folder)
    done = subprocess.run(["bash", "-c", command], cwd=root, capture_output=True, text=True, timeout=60)
    facts = Facts(root, root, lambda p: p.read_text() if p.is_file() else None, done.stdout + done.stderr)
    found = triage.advise(command, facts, Catalogue())
    said[folder] = [claim_tags.maker(found), found.message if found else ""]
print(json.dumps(said))
"""


def test_each_finding_is_named_by_its_detector_and_a_possible_cause_keeps_the_name(tmp_path: Path) -> None:
    shadow, cycle = tmp_path / "shadow", tmp_path / "cycle"
    shadow.mkdir()
    cycle.mkdir()
    (shadow / "random.py").write_text("import random\n\nprint(random.randint(1, 6))\n")
    (cycle / "app.py").write_text("from models import User\n\ndb = 'x'\n")
    (cycle / "models.py").write_text("from app import db\n\n\nclass User:\n    pass\n")
    runs = [[str(shadow), f"{sys.executable} random.py"], [str(cycle), f"{sys.executable} app.py"]]
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(runs)], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)
    assert said[str(shadow)][0] == "py_causes.shadowed_module", said
    assert said[str(cycle)][0] == "py_cycles._cycle" and said[str(cycle)][1].startswith("Possible cause:"), said
