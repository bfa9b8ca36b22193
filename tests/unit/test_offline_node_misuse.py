"""A Node core API used against its contract (node_misuse.py), each program run for real and advised on."""

from __future__ import annotations

from pathlib import Path

from tests.unit.offline_runs import names_a_cause
from tests.unit.test_offline_evidence_guards import node
from tests.unit.test_offline_hidden_errors import placed

CLEANUP = (
    "const fs = require('fs');\n\nfs.mkdirSync('work/run1', { recursive: true });\n"
    "fs.writeFileSync('work/run1/log.txt', 'x');\nfs.rmdirSync('work/run1');\n"
)
BIG_OUTPUT = (
    "const { exec } = require('child_process');\n\n"
    "exec('node -e \"process.stdout.write(\\'x\\'.repeat(2 * 1024 * 1024))\"', (err, out) => {\n"
    "  if (err) throw err;\n  console.log(out.length);\n});\n"
)
CIPHER = (
    "const crypto = require('crypto');\n\nconst secret = Buffer.from(process.env.APP_KEY || '', 'utf8');\n"
    "const cipher = crypto.createCipheriv('aes-256-cbc', secret, crypto.randomBytes(16));\n"
    "console.log(cipher.update('hi', 'utf8', 'hex'));\n"
)


def test_rmdir_of_a_folder_with_files_names_what_it_holds(tmp_path: Path) -> None:
    found = node(tmp_path, CLEANUP)
    assert names_a_cause(found) and placed(found, 5, "app.js")
    assert "log.txt" in found.message and "fs.rmSync('work/run1', { recursive: true })" in found.message


def test_exec_past_its_buffer_is_placed_on_the_exec_call(tmp_path: Path) -> None:
    found = node(tmp_path, BIG_OUTPUT)
    assert names_a_cause(found) and placed(found, 3, "app.js")
    assert "maxBuffer" in found.message and "spawn()" in found.message


def test_a_short_cipher_key_is_traced_to_its_env_line_and_never_said(tmp_path: Path) -> None:
    key = "s3cr3t-but-short"
    (tmp_path / ".env").write_text(f"# keys\nAPP_KEY={key}\n")
    loads_env = (  # what dotenv does, in any Node version
        "for (const line of require('fs').readFileSync('.env', 'utf8').split('\\n')) {\n"
        "  const m = line.match(/^(\\w+)=(.*)$/);\n  if (m) process.env[m[1]] = m[2];\n}\n"
    )
    found = node(tmp_path, loads_env + CIPHER)
    assert names_a_cause(found) and placed(found, 2, ".env")
    assert "aes-256-cbc needs a key of exactly 32 bytes" in found.message and "16 characters" in found.message
    assert key not in found.message  # the key's length is told, never the key
