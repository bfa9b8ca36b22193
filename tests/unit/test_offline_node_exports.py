"""A subpath a package does not export (node_exports.py): real Node projects, run for real. The hint says what the
package exports, who asked for the subpath and which versions it supports, and what package.json asks for; it never
quotes Node's path into node_modules as something to edit."""

from __future__ import annotations

import json
from pathlib import Path

from livepair.backends.offline import honest
from tests.unit.test_offline_evidence_guards import shell
from tests.unit.test_offline_hidden_errors import placed

LIB = {
    "node_modules/lib/package.json": json.dumps(
        {"name": "lib", "version": "2.1.0", "main": "index.js", "exports": {".": "./index.js"}}
    ),
    "node_modules/lib/index.js": "module.exports = {};\n",
    "node_modules/lib/internal/x.js": "module.exports = 1;\n",
}
PROJECT = '{\n  "name": "app",\n  "dependencies": {\n    "lib": "^2.0.0",\n    "plugin": "^1.0.0"\n  }\n}\n'


def _write(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)


def test_a_dependency_reaching_inside_a_newer_package_names_both_versions(tmp_path: Path) -> None:
    plugin = {"name": "plugin", "version": "1.0.0", "main": "index.js", "peerDependencies": {"lib": "^1.0.0"}}
    _write(tmp_path, LIB | {
        "node_modules/plugin/package.json": json.dumps(plugin),
        "node_modules/plugin/index.js": "const x = require('lib/internal/x');\nmodule.exports = x;\n",
        "package.json": PROJECT,
    })  # fmt: skip
    found = shell(tmp_path, {"main.js": "const plugin = require('plugin');\nconsole.log(plugin);\n"}, "node main.js")
    assert honest.HONEST in found.message and placed(found, 4, "package.json")  # the line that asks for lib
    for fact in ("'lib/internal/x'", "lib 2.1.0 exports only '.'", "plugin asks for it", "lib ^1.0.0", "lib ^2.0.0"):
        assert fact in found.message, (fact, found.message)
    assert "node_modules/lib/package.json" not in found.message


def test_the_projects_own_require_of_an_unexported_path_is_placed_on_it(tmp_path: Path) -> None:
    _write(tmp_path, LIB | {"package.json": PROJECT})
    found = shell(tmp_path, {"main.js": "const lib = require('lib');\nconst x = require('lib/internal/x');\n"},
                  "node main.js")  # fmt: skip
    assert honest.HONEST in found.message and placed(found, 2, "main.js")
    assert "lib 2.1.0 exports only '.'" in found.message and "lib ^2.0.0" in found.message
