"""Node errors whose cause the code shows though the error names something else (node_pitfalls.py). Each program
is run in Node for real and advised on; where the advice is an edit, it is applied and the program run again."""

from __future__ import annotations

import subprocess
from pathlib import Path

from livepair.backends.offline import node_pitfalls
from tests.unit.offline_runs import names_a_cause, run_again
from tests.unit.test_offline_evidence_guards import node
from tests.unit.test_offline_hidden_errors import placed


def _rerun(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    return run_again(tmp_path, "node app.js", {"app.js": code})


def test_a_timer_given_a_calls_result_is_told_to_take_the_function(tmp_path: Path) -> None:
    code = "function tick() {\n  console.log('tick');\n}\n\nsetTimeout(tick(), 10);\n"
    found = node(tmp_path, code)
    assert "setTimeout(tick, ...)" in found.message and placed(found, 5)
    done = _rerun(tmp_path, code.replace("setTimeout(tick(), 10)", "setTimeout(tick, 10)"))
    assert done.returncode == 0 and done.stdout == "tick\n"


def test_an_fs_call_without_its_callback_names_the_sync_and_promise_forms(tmp_path: Path) -> None:
    found = node(tmp_path, "const fs = require('fs');\n\nfs.writeFile('out.txt', 'data');\n")
    assert "writeFileSync" in found.message and "fs.promises.writeFile" in found.message and placed(found, 3)


def test_a_line_without_semicolon_before_parentheses_is_named_and_the_semicolon_fixes_it(tmp_path: Path) -> None:
    code = "const os = require('os')\n\n(() => {\n  console.log('ok');\n})();\n"
    found = node(tmp_path, code)
    assert "semicolon" in found.message and placed(found, 1) and names_a_cause(found)
    done = _rerun(tmp_path, code.replace("require('os')\n", "require('os');\n", 1))
    assert done.returncode == 0 and done.stdout == "ok\n"


def test_a_misspelt_core_function_is_checked_against_the_module(tmp_path: Path) -> None:
    assert "existsSync" in node_pitfalls.core_exports()["fs"]  # asked of this machine's Node
    code = "const fs = require('fs');\n\nif (fs.existSync('x')) console.log('x');\nelse console.log('none');\n"
    found = node(tmp_path, code)
    assert "existsSync" in found.message and "typo" in found.message and placed(found, 3)
    assert _rerun(tmp_path, code.replace("existSync", "existsSync")).stdout == "none\n"


def test_a_response_sent_in_an_if_without_return_is_named_and_return_fixes_it(tmp_path: Path) -> None:
    code = (
        "const http = require('http');\n\n"
        "const server = http.createServer((req, res) => {\n"
        "  if (req.url === '/hi') {\n"
        "    res.end('hi');\n"
        "  }\n"
        "  res.end('other');\n"
        "});\n"
        "server.listen(0, '127.0.0.1', () => {\n"
        "  http.get(`http://127.0.0.1:${server.address().port}/hi`, (r) => {\n"
        "    r.setEncoding('utf8');\n"
        "    r.on('data', (d) => console.log(d));\n"
        "    r.on('end', () => server.close());\n"
        "  });\n"
        "});\n"
    )
    found = node(tmp_path, code)
    assert "return" in found.message and placed(found, 5)
    done = _rerun(tmp_path, code.replace("    res.end('hi');\n", "    return res.end('hi');\n"))
    assert done.returncode == 0 and done.stdout == "hi\n", done.stderr


def test_map_parse_int_is_named_where_it_maps(tmp_path: Path) -> None:
    code = "const [w, h] = '640,480'.split(',').map(parseInt);\nBuffer.alloc(w * h);\n"
    found = node(tmp_path, code)
    assert "radix" in found.message and placed(found, 1)
    assert _rerun(tmp_path, code.replace("map(parseInt)", "map(Number)")).returncode == 0


def test_a_program_spawn_cannot_find_is_not_installed_and_has_no_line(tmp_path: Path) -> None:
    code = (
        "const { spawn } = require('child_process');\n\n"
        "spawn('no-such-tool-xyz', ['-v']).on('close', (c) => console.log(c));\n"
    )
    found = node(tmp_path, code)
    assert "'no-such-tool-xyz'" in found.message and "not installed" in found.message and found.place is None
