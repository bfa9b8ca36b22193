"""APIs a library removed (py_removed.py, an earned claim: it diagnoses): each program is run for real against the
versions installed here, and the fix applied gets it past its error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.offline_runs import names_a_cause
from tests.unit.test_offline_hidden_errors import placed, run_python
from tests.unit.test_offline_py_mixups import run_fixed

WEBSOCKETS = (
    "import asyncio\n\nimport websockets\n\n\nasync def echo(ws):\n    async for m in ws:\n"
    "        await ws.send(m)\n\n\n"
    "async def main():\n    async with websockets.serve(echo, '127.0.0.1', 0) as server:\n"
    "        uri = f'ws://127.0.0.1:{server.sockets[0].getsockname()[1]}'\n"
    "        async with websockets.connect(uri, extra_headers={'X-A': '1'}) as ws:\n"
    "            await ws.send('hi')\n            print(await ws.recv())\n\n\nasyncio.run(main())\n"
)


@pytest.mark.parametrize(
    ("code", "line", "said", "prints"),
    [
        ("import numpy as np\n\nprint(np.isnan(np.NaN))\n", 3, "np.NaN was removed in NumPy 2.0", "True"),
        (
            "from urllib3.util.retry import Retry\n\nr = Retry(total=2, method_whitelist=['GET'])\nprint(r.total)\n",
            3,
            "use Retry(allowed_methods=...)",
            "2",
        ),
        (WEBSOCKETS, 14, "use connect(additional_headers=...)", "hi"),
    ],
    ids=["numpy-NaN", "urllib3-method_whitelist", "websockets-extra_headers"],
)
def test_a_removed_api_is_named_with_its_successor_and_the_fix_runs(
    tmp_path: Path, code: str, line: int, said: str, prints: str
) -> None:
    found = run_python(tmp_path, code)
    assert names_a_cause(found) and found.earned and placed(found, line, "main.py") and said in found.message
    done = run_fixed(tmp_path, found)
    assert done.returncode == 0 and done.stdout.strip() == prints, done.stderr


def test_a_keyword_the_library_never_had_is_not_called_removed(tmp_path: Path) -> None:
    found = run_python(tmp_path, "from urllib3.util.retry import Retry\n\nRetry(total=2, retry_everything=True)\n")
    assert "was removed" not in found.message
