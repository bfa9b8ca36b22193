"""Data of the wrong shape for what reads it (py_data_shapes.py): each program is run for real against the libraries
installed here, and an offered edit is applied: the program then works."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

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


def test_a_windows_path_in_a_double_quoted_toml_string_gets_single_quotes(tmp_path: Path) -> None:
    config = '[tool]\npath = "C:\\Program Files\\Tool\\tool.exe"\n'
    code = "import tomllib\n\nwith open('app.toml', 'rb') as f:\n    print(tomllib.load(f)['tool']['path'])\n"
    found = run_python(tmp_path, code, others={"app.toml": config})
    assert names_a_cause(found) and placed(found, 2, "app.toml") and "single quotes" in found.message
    done = run_fixed(tmp_path, found)
    assert done.returncode == 0 and done.stdout.strip() == "C:\\Program Files\\Tool\\tool.exe", done.stderr


def test_an_unquoted_template_in_yaml_is_quoted(tmp_path: Path) -> None:
    config = "port: 80\nserver:\n  listen: {{ port }}\n"
    code = "import yaml\n\nwith open('c.yml') as f:\n    print(yaml.safe_load(f)['server']['listen'])\n"
    found = run_python(tmp_path, code, others={"c.yml": config})
    assert names_a_cause(found) and placed(found, 3, "c.yml") and '"{{ port }}"' in found.message
    done = run_fixed(tmp_path, found)
    assert done.returncode == 0 and done.stdout.strip() == "{{ port }}", done.stderr


def test_a_listing_with_a_file_that_is_not_an_image(tmp_path: Path) -> None:
    (tmp_path / "pics").mkdir()
    Image.new("RGB", (2, 2)).save(tmp_path / "pics" / "a.png")
    (tmp_path / "pics" / "Thumbs.db").write_bytes(b"\x00\x01not an image")
    code = (
        "import os\n\nfrom PIL import Image\n\nfor name in sorted(os.listdir('pics')):\n"
        "    print(Image.open('pics/' + name).size)\n"
    )
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and placed(found, 5, "main.py") and "Thumbs.db there is not an image" in found.message


def test_an_http_address_given_to_a_websocket_client(tmp_path: Path) -> None:
    code = (
        "import asyncio\n\nimport websockets\n\nURL = 'http://127.0.0.1:9/feed'\n\n\nasync def main():\n"
        "    async with websockets.connect(URL):\n        pass\n\n\nasyncio.run(main())\n"
    )
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and placed(found, 5, "main.py") and "Write ws://127.0.0.1:9/feed" in found.message


def test_a_key_password_given_as_text(tmp_path: Path) -> None:
    make = (
        "from cryptography.hazmat.primitives import serialization\nfrom cryptography.hazmat.primitives.asymmetric "
        "import ec\n\nkey = ec.generate_private_key(ec.SECP256R1())\nopen('k.pem', 'wb').write(key.private_bytes("
        "serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, "
        "serialization.BestAvailableEncryption(b'pw-123')))\n"
    )
    (tmp_path / "make.py").write_text(make)
    subprocess.run([sys.executable, "make.py"], cwd=tmp_path, check=True, timeout=60)
    code = (
        "from cryptography.hazmat.primitives import serialization\n\nPASSWORD = 'pw-123'\n"
        "key = serialization.load_pem_private_key(open('k.pem', 'rb').read(), PASSWORD)\nprint(key.curve.name)\n"
    )
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and placed(found, 3, "main.py") and "must be bytes" in found.message
    done = run_fixed(tmp_path, found)
    assert done.returncode == 0 and done.stdout.strip() == "secp256r1", done.stderr


def test_a_crop_box_of_width_and_height_gets_its_edges(tmp_path: Path) -> None:
    code = (
        "from PIL import Image\n\nim = Image.new('RGB', (100, 100))\nx, y, w, h = 50, 50, 30, 30\n"
        "box = (x, y, w, h)\nprint(im.crop(box).size)\n"
    )
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and placed(found, 5, "main.py") and "(x, y, x + w, y + h)" in found.message
    done = run_fixed(tmp_path, found)
    assert done.returncode == 0 and done.stdout.strip() == "(30, 30)", done.stderr


def test_a_fernet_key_made_on_every_run_is_named(tmp_path: Path) -> None:
    from tests.unit.test_offline_evidence_guards import shell

    code = (
        "import sys\n\nfrom cryptography.fernet import Fernet\n\nkey = Fernet.generate_key()\nbox = Fernet(key)\n"
        "if sys.argv[1] == 'put':\n    open('t', 'wb').write(box.encrypt(b'x'))\nelse:\n"
        "    print(box.decrypt(open('t', 'rb').read()))\n"
    )
    command = f"{sys.executable} vault.py put && {sys.executable} vault.py get"
    found = shell(tmp_path, {"vault.py": code}, command)
    assert names_a_cause(found) and placed(found, 5, "vault.py") and "new key every time" in found.message


def test_a_token_where_a_fernet_key_belongs_is_traced_to_its_env_line(tmp_path: Path) -> None:
    secret = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
    code = (
        "import os\n\nfrom cryptography.fernet import Fernet\n\n"
        "values = dict(line.strip().split('=', 1) for line in open('app.env') if '=' in line)\n"
        "Fernet(values['APP_KEY'].encode())\n"
    )
    found = run_python(tmp_path, code, others={"app.env": f"HOST=x\nAPP_KEY={secret}\n"})
    assert names_a_cause(found) and placed(found, 2, "app.env") and "44 characters" in found.message
    assert secret not in found.message and "sha256" not in found.message  # never the value; no weak derivation
