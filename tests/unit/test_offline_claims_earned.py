"""A catalogue entry names one cause; where the error fits several and the code does not show that one, the advisor
gives an honest hint instead (unearned.py). Each program is run for real and its output advised on."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from livepair.backends.offline import commands, honest
from tests.unit.offline_runs import edit_of, names_a_cause
from tests.unit.test_offline_evidence_guards import shell
from tests.unit.test_offline_hidden_errors import advise, placed, run_python


def test_exist_ok_is_offered_for_mkdir(tmp_path: Path) -> None:
    found, _ = advise(
        tmp_path, {"make.py": "import os\n\nos.mkdir('out')\nos.mkdir('out')\n"}, [sys.executable, "make.py"]
    )
    assert "exist_ok=True" in found.message and names_a_cause(found)


def test_a_rename_onto_an_existing_name_is_not_told_to_pass_exist_ok(tmp_path: Path) -> None:
    code = "import os\n\nos.mkdir('a')\nos.mkdir('b')\nos.symlink('a', 'b')\n"
    found = run_python(tmp_path, code, "move.py")
    assert "exist_ok" not in found.message  # symlink has no such argument: the advice would not run
    assert honest.HONEST in found.message and placed(found, 5)


def test_a_port_taken_does_not_blame_an_earlier_run_the_output_never_shows(tmp_path: Path) -> None:
    code = (
        "import socket\n\nfirst = socket.socket()\nfirst.bind(('127.0.0.1', 0))\nport = first.getsockname()[1]\n"
        "first.listen()\nsecond = socket.socket()\nsecond.bind(('127.0.0.1', port))\n"
    )
    found = run_python(tmp_path, code, "serve.py")
    assert "earlier run" not in found.message.split(honest.HONEST)[0]  # here the program binds it twice itself
    assert honest.HONEST in found.message and "lsof" in found.message


def test_a_makefile_running_git_in_a_download_is_not_told_to_git_init(tmp_path: Path) -> None:
    makefile = "all:\n\tgit pull\n\techo built\n"
    found = shell(tmp_path, {"Makefile": makefile}, "make")
    assert "git init" not in found.message  # an empty repository has no remote to pull from
    assert "git pull" in found.message and "git clone" in found.message
    assert placed(found, 2, "Makefile")


def test_git_typed_outside_a_repository_is_never_told_to_git_init(tmp_path: Path) -> None:
    found = shell(tmp_path, {"notes.txt": "x\n"}, "git log -1")
    assert "git init" not in found.message and "git clone" in found.message


def test_a_local_file_named_like_a_standard_module_is_not_called_a_circular_import(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    files = {
        "csv.py": "from lib import Reader\n\nprint(Reader)\n",
        "lib/__init__.py": "from .reader import Reader\n",
        "lib/reader.py": "import csv\n\n\nclass Reader:\n    dialect = csv.excel\n",
    }
    found, _ = advise(tmp_path, files, [sys.executable, "csv.py"])
    assert "circular import" not in found.message.lower()  # lib's `import csv` meant the standard one
    assert "standard library module 'csv'" in found.message and "Rename csv.py" in found.message
    assert placed(found, 1, "csv.py")


def test_a_shebang_naming_the_system_python_is_the_cause_not_the_interpreter_choice(tmp_path: Path) -> None:
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages" / "fancylib"
    site.mkdir(parents=True)
    (site / "__init__.py").write_text("NAME = 'fancy'\n")
    script = f"#!{sys.executable}\nimport fancylib\n\nprint(fancylib.NAME)\n"
    found = shell(tmp_path, {"tool.py": script}, "chmod +x tool.py && ./tool.py")
    assert "#!/usr/bin/env python3" in found.message and "first line" in found.message
    assert placed(found, 1, "tool.py")


def test_a_missing_script_is_not_answered_with_another_script_picked_by_name(tmp_path: Path) -> None:
    (tmp_path / ".npmrc").write_text("update-notifier=false\n")
    package = '{\n  "name": "site",\n  "scripts": {\n    "build": "next build",\n    "start": "next start"\n  }\n}\n'
    found, _ = advise(tmp_path, {"package.json": package}, ["npm", "run", "dev"])
    assert "npm run build" not in found.message  # the first script in the list is not the one that was meant
    assert '"dev": "next dev"' in found.message  # the tool every script runs has a dev command


def test_a_script_of_the_project_one_folder_down_says_cd_there(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / ".npmrc").write_text("update-notifier=false\n")
    files = {"package.json": '{"dependencies": {}}\n', "app/package.json": '{"scripts": {"dev": "node x.js"}}\n'}
    found, _ = advise(tmp_path, files, ["npm", "run", "dev"])
    assert "cd app" in found.message and "add" not in found.message.lower()


def test_tabs_among_spaces_are_found_above_the_line_python_reports(tmp_path: Path) -> None:
    code = "def total(xs):\n\tif not xs:\n\t\treturn 0\n    s = 0\n    for x in xs:\n        s += x\n    return s\n"
    found, output = advise(tmp_path, {"total.py": code}, [sys.executable, "total.py"])
    assert "line 4" in output  # Python reports where the levels stop matching
    assert "Line 2 is indented with tabs" in found.message
    assert placed(found, 2)


def test_a_timeout_caused_by_time_sleep_in_async_code_names_the_sleep_not_the_timeout(tmp_path: Path) -> None:
    code = (
        "import asyncio\nimport time\n\n\nasync def work():\n    time.sleep(0.5)\n\n\nasync def ping():\n"
        "    await asyncio.sleep(0.01)\n\n\nasync def main():\n    task = asyncio.create_task(work())\n"
        "    await asyncio.wait_for(ping(), timeout=0.1)\n    await task\n\n\n"
        "asyncio.run(main())\n"
    )
    found = run_python(tmp_path, code, "app.py")
    assert placed(found, 6) and "blocks the whole event loop" in found.message
    assert "raise the timeout" not in found.message
    given = edit_of(found)
    assert given is not None and "await asyncio.sleep(0.5)" in given.new_text


def test_a_timeout_without_a_blocking_call_never_says_to_raise_the_timeout(tmp_path: Path) -> None:
    code = "import asyncio\n\n\nasync def main():\n    await asyncio.wait_for(asyncio.sleep(1), timeout=0.01)\n\n\n"
    found = run_python(tmp_path, code + "asyncio.run(main())\n", "wait.py")
    assert not re.search(r"(increase|raise|longer) (the )?timeout", found.message, re.I)


def test_a_script_named_like_a_standard_module_that_a_package_needs_is_the_cause(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    files = {
        "lib/__init__.py": "import uuid\n\nVERSION = 1\n",
        "lib/client.py": "import lib\n\n\ndef get():\n    return lib.VERSION\n",
    }
    code = "import lib.client\n\nprint(lib.client.get())\nprint(lib.VERSION)\n"
    # uuid.py here is found by lib's `import uuid`; it imports lib back while lib is still loading
    files["uuid.py"] = "import lib\n\nprint(lib.VERSION)\n"
    found = run_python(tmp_path, code, "main.py", files)
    assert "standard library module 'uuid'" in found.message and "Rename uuid.py" in found.message
    assert placed(found, 1, "uuid.py")


def test_a_module_importing_the_script_that_was_run_is_named_where_it_imports_it(tmp_path: Path) -> None:
    app = "db = {'url': 'x'}\n\nfrom models import Row\n\nprint(Row)\n"
    found = run_python(tmp_path, app, "app.py", {"models.py": "from app import db\n\n\nclass Row:\n    pass\n"})
    assert placed(found, 1, "models.py") and "the script you ran" in found.message


def test_a_block_that_lost_its_indent_is_named_with_the_statement_it_belongs_to(tmp_path: Path) -> None:
    code = "import sys\n\nif len(sys.argv) > 5:\nprint('many')\n"
    found = run_python(tmp_path, code, "args.py")
    assert placed(found, 4) and "not indented under the 'if' statement on line 3" in found.message
    assert found.match is not None and found.match.entry.id == "indentation-error"  # the tutor's lesson still follows


def test_a_folder_next_to_the_script_is_not_one_to_create(tmp_path: Path) -> None:
    (tmp_path / "tool" / "out").mkdir(parents=True)
    (tmp_path / "tool" / "save.py").write_text("with open('out/report.txt', 'w') as fh:\n    fh.write('ok')\n")
    found, _ = advise(tmp_path, {}, [sys.executable, "tool/save.py"])
    assert "create it" not in found.message.lower()  # the folder exists, next to the script run from elsewhere
    assert "next to the script" in found.message and "Path(__file__).parent" in found.message


def test_a_require_without_dot_slash_of_an_own_file_is_not_an_npm_install(tmp_path: Path) -> None:
    files = {"package.json": '{"name": "a"}\n', "helpers.js": "exports.x = 1;\n"}
    found, _ = advise(
        tmp_path, {**files, "app.js": "const h = require('helpers');\nconsole.log(h.x);\n"}, ["node", "app.js"]
    )
    assert "npm install" not in found.message and "require('./helpers')" in found.message


def test_another_version_of_a_program_is_no_typo_to_rewrite_into(tmp_path: Path) -> None:
    for name in ("python3.11", "python", "node"):
        (tmp_path / name).write_text("#!/bin/sh\n")
        (tmp_path / name).chmod(0o755)
    assert commands.meant("python3.12", str(tmp_path)) is None  # that version is not installed; 3.11 is no fix
    assert commands.meant("node18", str(tmp_path)) is None
    assert commands.meant("pyhton", str(tmp_path)) == "python"  # a typo is still one


def test_a_missing_python_version_gets_no_did_you_mean(tmp_path: Path) -> None:
    found = shell(tmp_path, {"run.sh": "python3.99 -c 'print(1)'\n"}, "bash run.sh")
    assert "did you mean" not in found.message and "python3.99" in found.message


def test_a_venv_elsewhere_in_the_workspace_is_not_answered_with_create_one(tmp_path: Path) -> None:
    (tmp_path / "backend" / "env" / "bin").mkdir(parents=True)
    (tmp_path / "backend" / "env" / "bin" / "activate").write_text("# activate\n")
    found = shell(tmp_path, {}, "source venv/bin/activate")
    assert "create it" not in found.message.lower() and "python3 -m venv" not in found.message
    assert "backend/env" in found.message and honest.HONEST in found.message


def test_a_command_in_a_venv_of_any_name_is_not_a_typo_of_another(tmp_path: Path) -> None:
    (tmp_path / "env" / "bin").mkdir(parents=True)
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (tmp_path / "env" / "bin" / "pytohn").write_text("#!/bin/sh\n")
    (tmp_path / "env" / "bin" / "pytohn").chmod(0o755)
    found = shell(tmp_path, {"run.sh": "pytohn -V\n"}, "bash run.sh")
    assert "did you mean" not in found.message  # the typed name is the venv's own program
    assert "env/bin/activate" in found.message


def test_a_key_added_to_in_loaded_json_gets_no_default_that_hides_the_path(tmp_path: Path) -> None:
    code = "import json\n\nstats = json.load(open('stats.json'))\nstats['visits'] += 1\nprint(stats)\n"
    found = run_python(tmp_path, code, "count.py", {"stats.json": '{"site": {"visits": 3}}'})
    assert ".get(" not in found.message  # a default of 0 would hide that the key is one level down
    assert "stats['site']['visits']" in found.message


def test_a_tally_the_code_starts_empty_is_started_at_zero(tmp_path: Path) -> None:
    found = run_python(tmp_path, "counts = {}\ncounts['seen'] += 1\n", "tally.py")
    assert "counts.get('seen', 0) + 1" in found.message  # the code itself starts it empty: a start value is right


def test_a_text_column_converted_is_not_a_data_file_to_correct(tmp_path: Path) -> None:
    code = (
        "import csv\n\nfor row in csv.reader(open('cities.csv')):\n    if row[0] != 'id':\n"
        "        print(float(row[1]))\n"
    )
    found = run_python(tmp_path, code, "read.py", {"cities.csv": "id,name,temp\n1,Oslo,3.5\n2,Rome,14.0\n"})
    assert "put the number there" not in found.message  # every row has a name in that column: the file is right
    assert "column 2 of cities.csv" in found.message and honest.HONEST in found.message and placed(found, 5)


def test_a_string_method_whose_result_is_dropped_is_the_cause(tmp_path: Path) -> None:
    code = "price = '1,299.00'\nprice.replace(',', '')\nprint(float(price))\n"
    found = run_python(tmp_path, code, "price.py")
    assert placed(found, 2) and "drops what it returns" in found.message
    given = edit_of(found)
    assert given is not None and "price = price.replace(',', '')" in given.new_text


def test_no_running_loop_is_placed_where_plain_code_called_into_it(tmp_path: Path) -> None:
    code = (
        "import asyncio\n\n\nasync def tick():\n    return 1\n\n\nclass Clock:\n    def __init__(self):\n"
        "        self.task = asyncio.create_task(tick())\n\n\nclock = Clock()\n"
    )
    found = run_python(tmp_path, code, "clock.py")
    assert placed(found, 13) and "inside an async function" in found.message


def test_coroutines_given_to_asyncio_wait_are_told_to_be_tasks(tmp_path: Path) -> None:
    code = (
        "import asyncio\n\n\nasync def job(n):\n    return n\n\n\nloop = asyncio.new_event_loop()\n"
        "jobs = [job(n) for n in range(2)]\nloop.run_until_complete(asyncio.wait(jobs))\n"
    )
    found = run_python(tmp_path, code, "jobs.py")
    assert placed(found, 9) and "create_task" in found.message and "asyncio.run(" not in found.message


def test_a_submodule_folder_whose_gitdir_is_gone_is_named_by_its_git_file(tmp_path: Path) -> None:
    (tmp_path / "lib" / "dep").mkdir(parents=True)
    (tmp_path / "lib" / "dep" / ".git").write_text("gitdir: ../../.git/modules/dep\n")
    found = shell(tmp_path, {}, "cd lib/dep && git status --short")
    assert "gitdir" in found.message and "submodule" in found.message and "git init" not in found.message
    assert placed(found, 1, ".git")


def test_an_empty_database_made_by_a_relative_path_points_to_the_one_beside_the_script(tmp_path: Path) -> None:
    import sqlite3

    (tmp_path / "app").mkdir()
    with sqlite3.connect(tmp_path / "app" / "shop.db") as conn:
        conn.execute("CREATE TABLE items (id INTEGER)")
    code = "import sqlite3\n\ncon = sqlite3.connect('shop.db')\nprint(con.execute('SELECT * FROM items').fetchall())\n"
    (tmp_path / "app" / "list.py").write_text(code)
    found, _ = advise(tmp_path, {}, [sys.executable, "app/list.py"])
    assert placed(found, 3, "list.py") and "working directory" in found.message
    assert found.trial is not None and "__file__" in found.trial.new_text  # a possible cause's trial (probation)


def test_a_missing_output_folder_is_one_to_create(tmp_path: Path) -> None:
    found = run_python(tmp_path, "with open('results/run1.txt', 'w') as fh:\n    fh.write('ok')\n", "save.py")
    assert "create it first" in found.message and names_a_cause(found)


def test_an_absolute_folder_from_a_join_is_not_one_to_create(tmp_path: Path) -> None:
    code = "import os\n\nbase = 'data'\nout = os.path.join(base, '/reports/2024')\nopen(out + '/a.txt', 'w')\n"
    found = run_python(tmp_path, code, "report.py")
    assert not re.search(r"create it|mkdir", found.message, re.I)  # the join threw base away: the path is wrong


def test_a_folder_that_exists_elsewhere_in_the_workspace_is_not_one_to_create(tmp_path: Path) -> None:
    (tmp_path / "src" / "logs").mkdir(parents=True)
    found = run_python(tmp_path, "open('logs/today.log', 'w').write('x')\n", "app.py")
    assert not re.search(r"create it|mkdir", found.message, re.I)  # src/logs is there: the path or cwd is off


def test_an_own_module_in_a_package_below_is_imported_through_it_and_then_runs(tmp_path: Path) -> None:
    (tmp_path / "utils").mkdir()
    files = {"utils/helpers.py": "def hi():\n    return 'hi'\n", "main.py": "import helpers\n\nprint(helpers.hi())\n"}
    found, _ = advise(tmp_path, files, [sys.executable, "main.py"])
    assert not re.search(r"sys\.path|PYTHONPATH|import path", found.message)  # a layout problem is not hidden
    said = re.search(r"from utils import helpers", found.message)
    assert said is not None, found.message
    (tmp_path / "main.py").write_text(f"{said[0]}\n\nprint(helpers.hi())\n")
    done = subprocess.run([sys.executable, "main.py"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout == "hi\n", done.stderr


def test_an_own_module_beside_the_script_folder_is_never_put_on_sys_path(tmp_path: Path) -> None:
    for folder in ("app", "lib"):
        (tmp_path / folder).mkdir()
    found, _ = advise(
        tmp_path, {"lib/helpers.py": "X = 1\n", "app/main.py": "import helpers\n"}, [sys.executable, "app/main.py"]
    )
    assert not re.search(r"sys\.path|PYTHONPATH|import path", found.message)
    assert "lib/helpers.py" in found.message and "app/" in found.message  # where it is, and where Python looked


def test_a_file_lost_to_the_programs_own_chdir_is_named_at_the_chdir(tmp_path: Path) -> None:
    code = "import os\n\nos.makedirs('out', exist_ok=True)\nos.chdir('out')\nprint(open('data.txt').read())\n"
    found, _ = advise(tmp_path, {"data.txt": "x", "run.py": code}, [sys.executable, "run.py"])
    assert "os.chdir" in found.message and placed(found, 4)
    assert "It exists at" not in found.message  # the file is where the run started: no path fix would help


def test_a_line_one_space_off_every_block_is_named_with_its_count(tmp_path: Path) -> None:
    code = "class A:\n    def a(self):\n        return 1\n\n     def b(self):\n        return 2\n"
    found = run_python(tmp_path, code, "a.py")
    assert "1 space too many" in found.message and "def b" in found.message and placed(found, 5)
    assert names_a_cause(found) and "Mixed tabs" not in found.message


def test_a_file_that_is_where_the_run_started_is_never_said_to_exist_elsewhere(tmp_path: Path) -> None:
    code = "import os\n\nos.chdir(os.environ.get('WORK', '/tmp'))\nos.chdir('/')\nopen('data.txt').read()\n"
    found, _ = advise(tmp_path, {"data.txt": "x", "run.py": code}, [sys.executable, "run.py"])
    assert "It exists at" not in found.message and honest.HONEST in found.message  # two chdirs: which one is unsure
