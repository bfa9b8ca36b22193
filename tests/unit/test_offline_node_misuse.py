"""A Node core API used against its contract (node_misuse.py) or a value of the wrong shape (node_shapes.py), each
program run for real and advised on; an offered edit is applied and the program run again."""

from __future__ import annotations

import gzip
import subprocess
from pathlib import Path

from livepair.advice.verify import patch_lines
from livepair.backends.offline.enrich import Finding
from tests.unit.offline_runs import edit_of, names_a_cause
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


def run_fixed(tmp_path: Path, found: Finding) -> subprocess.CompletedProcess[str]:
    edit = edit_of(found)
    assert edit is not None and found.place is not None
    path = found.place.path
    path.write_text(patch_lines(path.read_text(), edit.start_line, edit.end_line, edit.new_text))
    return subprocess.run(["node", "app.js"], cwd=tmp_path, capture_output=True, text=True, timeout=30)


def test_a_map_filled_like_an_object_is_told_to_set(tmp_path: Path) -> None:
    code = (
        "const cache = new Map();\n\nfunction keep(k, v) {\n  cache[k] = v;\n}\n\nkeep('a', { n: 2 });\n"
        "console.log(cache.get('a').n);\n"
    )
    found = node(tmp_path, code)
    assert names_a_cause(found) and placed(found, 4, "app.js") and "cache.set(key, value)" in found.message
    done = run_fixed(tmp_path, found)
    assert done.returncode == 0 and done.stdout.strip() == "2", done.stderr


def test_a_file_in_a_folder_listing_taken_for_a_folder(tmp_path: Path) -> None:
    (tmp_path / "packs" / "one").mkdir(parents=True)
    (tmp_path / "packs" / "notes.txt").write_text("x\n")
    code = (
        "const fs = require('fs');\n\nfor (const entry of fs.readdirSync('packs')) {\n"
        "  console.log(entry, fs.readdirSync('packs/' + entry).length);\n}\n"
    )
    found = node(tmp_path, code)
    assert names_a_cause(found) and placed(found, 3, "app.js")
    assert "notes.txt" in found.message and "withFileTypes" in found.message


def test_a_file_name_given_to_gunzip_is_read_first(tmp_path: Path) -> None:
    (tmp_path / "data.json.gz").write_bytes(gzip.compress(b'{"n": 3}'))
    code = (
        "const fs = require('fs');\nconst zlib = require('zlib');\n\nfunction load(name) {\n"
        "  return JSON.parse(zlib.gunzipSync(name).toString());\n}\n\nconsole.log(load('data.json.gz').n);\n"
    )
    found = node(tmp_path, code)
    assert names_a_cause(found) and placed(found, 5, "app.js") and "the file's name, not its bytes" in found.message
    done = run_fixed(tmp_path, found)
    assert done.returncode == 0 and done.stdout.strip() == "3", done.stderr


def test_chunks_decoded_to_strings_then_concatenated_as_buffers(tmp_path: Path) -> None:
    code = (
        "const { Readable } = require('stream');\n\nconst chunks = [];\n"
        "const source = Readable.from([Buffer.from('ab')]);\n"
        "source.setEncoding('utf8');\nsource.on('data', (c) => chunks.push(c));\n"
        "source.on('end', () => console.log(Buffer.concat(chunks).toString()));\n"
    )
    found = node(tmp_path, code)
    assert names_a_cause(found) and placed(found, 5, "app.js") and "chunks.join('')" in found.message


def test_a_whole_link_given_to_urlsearchparams(tmp_path: Path) -> None:
    code = (
        "const link = 'https://shop.example/list?tag=red';\nconst params = new URLSearchParams(link);\n"
        "console.log(params.get('tag').toUpperCase());\n"
    )
    found = node(tmp_path, code)
    assert names_a_cause(found) and placed(found, 2, "app.js") and "new URL(link).searchParams" in found.message


def test_a_query_already_cut_from_its_link_is_not_blamed(tmp_path: Path) -> None:
    code = (
        "const link = 'https://shop.example/list?tag=red';\nconst params = new URLSearchParams(new URL(link).search);\n"
        "console.log(params.get('size').toUpperCase());\n"
    )
    found = node(tmp_path, code)
    assert "URLSearchParams takes a query string" not in found.message
