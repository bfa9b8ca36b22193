"""Data of the wrong shape for what reads it (py_data_shapes.py): each program is run for real against the libraries
installed here, and an offered edit is applied: the program then works."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.offline_runs import names_a_cause
from tests.unit.test_offline_hidden_errors import placed, run_python
from tests.unit.test_offline_py_mixups import run_fixed


@pytest.mark.parametrize(
    ("code", "line", "said", "prints"),
    [
        (  # a size from true division
            "width = 80\nheight = width * 427 / 640\nprint(len(range(height)))\n",
            2,
            "line 2 makes it with /",
            "53",
        ),
        (  # np.save added .npy
            "import numpy as np\n\nnp.save('grid', np.arange(3))\nprint(np.load('grid').sum())\n",
            4,
            "the file is grid.npy",
            "3",
        ),
        (  # yaml.dump wrote a tuple that safe_load refuses
            "import yaml\n\nwith open('c.yml', 'w') as out:\n    yaml.dump({'start': (2016, 1)}, out)\n"
            "with open('c.yml') as src:\n    print(yaml.safe_load(src)['start'])\n",
            4,
            "yaml.safe_load refuses on purpose",
            "[2016, 1]",
        ),
    ],
    ids=["true-division", "npy-extension", "yaml-tuple"],
)
def test_the_shape_is_named_where_it_is_made_and_the_fix_runs(
    tmp_path: Path, code: str, line: int, said: str, prints: str
) -> None:
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and placed(found, line, "main.py") and said in found.message, found.message
    done = run_fixed(tmp_path, found)
    assert done.returncode == 0 and done.stdout.strip() == prints, done.stderr


def test_numpy_numbers_given_to_yaml_are_traced_to_where_they_are_made(tmp_path: Path) -> None:
    code = (
        "import numpy as np\nimport yaml\n\nsizes = np.array([1.5, 2.5])\nmean = sizes.mean()\n"
        "print(yaml.safe_dump({'mean': mean}))\n"
    )
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and placed(found, 5, "main.py") and "x.item()" in found.message
