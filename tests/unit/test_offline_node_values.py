"""Node errors about a value of the wrong kind whose source the code shows (node_values.py). Each program is run in
Node for real and advised on; where the advice is an edit it is applied and the program run again."""

from __future__ import annotations

import subprocess
from pathlib import Path

from livepair.backends.offline import triage
from livepair.backends.offline.catalogue import Catalogue
from livepair.backends.offline.enrich import Facts
from tests.unit.offline_runs import names_a_cause, run_again
from tests.unit.test_offline_evidence_guards import node
from tests.unit.test_offline_hidden_errors import placed


def _rerun(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    return run_again(tmp_path, "node app.js", {"app.js": code})


def test_an_object_written_to_a_file_is_stringified_and_then_saved(tmp_path: Path) -> None:
    code = "const fs = require('fs');\n\nfs.writeFileSync('s.json', { a: 1 });\n"
    found = node(tmp_path, code)
    assert "JSON.stringify" in found.message and placed(found, 3)
    assert _rerun(tmp_path, code.replace("{ a: 1 }", "JSON.stringify({ a: 1 })")).returncode == 0
    assert (tmp_path / "s.json").read_text() == '{"a":1}'


def test_a_bigint_given_to_stringify_gets_a_replacer_that_works(tmp_path: Path) -> None:
    code = "const o = { n: 10n };\nconsole.log(JSON.stringify(o));\n"
    found = node(tmp_path, code)
    assert "replacer" in found.message and placed(found, 2)
    replacer = "(k, v) => typeof v === 'bigint' ? v.toString() : v"
    fixed = f"const o = {{ n: 10n }};\nconsole.log(JSON.stringify(o, {replacer}));\n"
    assert _rerun(tmp_path, fixed).stdout == '{"n":"10"}\n'


def test_a_request_path_given_to_new_url_needs_a_base(tmp_path: Path) -> None:
    code = (
        "const http = require('http');\n\nconst server = http.createServer((req, res) => {\n"
        "  const url = new URL(req.url);\n  res.end(url.pathname);\n});\n"
        "server.listen(0, '127.0.0.1', () => http.get(`http://127.0.0.1:${server.address().port}/x`, () => {}));\n"
    )
    found = node(tmp_path, code)
    assert "headers.host" in found.message and placed(found, 4)


def test_a_port_from_the_environment_is_made_a_number_where_it_is_read(tmp_path: Path) -> None:
    code = "const port = process.env.PORT || 8080;\n\nrequire('net').createServer().listen(port + 1);\n"
    (tmp_path / "app.js").write_text(code)
    done = subprocess.run(
        ["bash", "-c", "PORT=70000 node app.js"], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    facts = Facts(tmp_path, tmp_path, lambda p: p.read_text() if p.is_file() else None, done.stdout + done.stderr)
    found = triage.advise("node app.js", facts, Catalogue())
    assert found is not None and "Number(process.env.PORT)" in found.message and placed(found, 1)


def test_a_config_only_shipped_as_an_example_is_copied(tmp_path: Path) -> None:
    found = node(tmp_path, "const c = require('./config.json');\n", {"config.json.example": '{"a": 1}'})
    assert "cp config.json.example config.json" in found.message and names_a_cause(found)


def test_a_body_read_twice_is_named_where_it_was_first_read(tmp_path: Path) -> None:
    code = (
        "const http = require('http');\n\n"
        "const server = http.createServer((req, res) => res.end(JSON.stringify({ a: 1 })));\n"
        "server.listen(0, '127.0.0.1', async () => {\n"
        "  const response = await fetch(`http://127.0.0.1:${server.address().port}/`);\n"
        "  console.log(await response.text());\n"
        "  console.log((await response.json()).a);\n"
        "  server.close();\n"
        "});\n"
    )
    found = node(tmp_path, code)
    assert "read once" in found.message and placed(found, 6)
