"""The offline advisor names a cause only where the evidence points: the operand the error says was None (not any
name on the line), ... Each program is run for real; its output goes to the advisor as a terminal run would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from livepair.backends.offline import honest, triage
from livepair.backends.offline.catalogue import Catalogue
from livepair.backends.offline.enrich import Facts, Finding
from tests.unit.offline_runs import edit_of, names_a_cause
from tests.unit.test_offline_hidden_errors import advise, placed, run_python


def test_none_is_traced_from_the_operand_the_error_names_not_a_call_beside_it(tmp_path: Path) -> None:
    code = "def log(message):\n    print(message)\n\n\nclass Box:\n    item = None\n\n\nlog(Box.item.name)\n"
    found = run_python(tmp_path, code, "box.py")
    assert "log()" not in found.message  # log() returns nothing, but its result is not what was None
    assert honest.HONEST in found.message or "Box.item" in found.message


def test_none_from_a_function_without_return_is_still_found(tmp_path: Path) -> None:
    code = "def load():\n    data = {'a': 1}\n\n\nconfig = load()\nprint(config['a'])\n"
    found = run_python(tmp_path, code, "cfg.py")
    assert "load() (line 1) has no return statement" in found.message


def shell(tmp_path: Path, files: dict[str, str], command: str) -> Finding:
    """A command line run in bash, advised on with the command as typed (not bash -c ...)."""
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    done = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0, done.stdout
    facts = Facts(tmp_path, tmp_path, lambda p: p.read_text() if p.is_file() else None, done.stdout + done.stderr)
    found = triage.advise(command, facts, Catalogue())
    assert found is not None, done.stdout + done.stderr
    return found


def node(tmp_path: Path, code: str, extra: dict[str, str] | None = None) -> Finding:
    found, _ = advise(tmp_path, {"app.js": code, **(extra or {})}, ["node", "app.js"])
    return found


def test_node_undefined_traced_to_the_object_passed_without_that_property(tmp_path: Path) -> None:
    code = "const state = { loading: false };\nfunction render(s) {\n  return s.items.map((i) => i.name);\n}\n"
    found = node(tmp_path, code + "console.log(render(state));\n")
    assert "no property 'items'" in found.message and "loading" in found.message
    assert placed(found, 3) and names_a_cause(found)


def test_node_undefined_traced_to_a_call_that_passes_too_few_arguments(tmp_path: Path) -> None:
    code = "function greet(greeting, user) {\n  return greeting + user.name;\n}\n\nconsole.log(greet('hi'));\n"
    found = node(tmp_path, code)
    assert "parameter 2 of greet()" in found.message
    assert placed(found, 5)


def test_node_undefined_traced_to_a_function_that_returns_nothing(tmp_path: Path) -> None:
    code = (
        "function load(list) {\n  list.forEach((x) => {\n    return x;\n  });\n}\n\n"
        "const first = load([{ id: 1 }]);\nconsole.log(first.id);\n"
    )
    found = node(tmp_path, code)
    assert "load() (line 1) returns nothing" in found.message and "callback" in found.message
    assert placed(found, 1)


def test_node_undefined_property_of_a_loaded_json_file_lists_its_keys(tmp_path: Path) -> None:
    code = "const fs = require('fs');\nconst cfg = JSON.parse(fs.readFileSync('cfg.json', 'utf8'));\n"
    found = node(tmp_path, code + "console.log(cfg.db.host);\n", {"cfg.json": '{"database": {"host": "x"}}'})
    assert "no property 'db'" in found.message and "database" in found.message


def test_node_a_variable_assigned_later_is_not_called_declared_without_a_value(tmp_path: Path) -> None:
    code = "let config;\nsetTimeout(() => {\n  config = { port: 1 };\n}, 10);\nconsole.log(config.port);\n"
    found = node(tmp_path, code)
    assert "without a value" not in found.message  # it gets one, in a callback that runs later
    assert honest.HONEST in found.message


def test_a_loop_kept_past_its_asyncio_run_is_named_where_it_is_kept(tmp_path: Path) -> None:
    code = (
        "import asyncio\n\n\nclass Client:\n    _loop = None\n\n    async def run(self, x):\n"
        "        if Client._loop is None:\n            Client._loop = asyncio.get_running_loop()\n"
        "        return await Client._loop.run_in_executor(None, str, x)\n\n\n"
        "for x in [1, 2]:\n    print(asyncio.run(Client().run(x)))\n"
    )
    found = run_python(tmp_path, code, "gen.py")
    assert placed(found, 9)
    assert "get_running_loop()" in found.message and "No event loop is running" not in found.message


def test_a_closed_loop_without_evidence_is_an_honest_hint(tmp_path: Path) -> None:
    code = "import asyncio\n\nloop = asyncio.new_event_loop()\nasyncio.set_event_loop(loop)\n" + (
        "asyncio.get_event_loop().close()\nloop.run_until_complete(asyncio.sleep(0))\n"
    )
    found = run_python(tmp_path, code, "loop.py")
    assert "No event loop is running" not in found.message  # one was made: it was closed
    assert honest.HONEST in found.message


def test_two_numbers_read_as_text_are_both_converted_from_the_first(tmp_path: Path) -> None:
    code = "a = input('a? ')\nb = input('b? ')\nprint(a * b)\n"
    (tmp_path / "in.txt").write_text("4\n5\n")
    found, _ = advise(tmp_path, {"area.py": code}, ["bash", "-c", f"{sys.executable} area.py < in.txt"])
    assert placed(found, 1)
    assert "a = int(input('a? '))" in found.message and "'b' (line 2)" in found.message
    given = edit_of(found)
    assert given is not None and "int(input('b? '))" in given.new_text


def test_a_path_written_on_another_line_is_placed_where_it_is_written(tmp_path: Path) -> None:
    (tmp_path / "ch10").mkdir()
    (tmp_path / "ch10" / "notes.txt").write_text("hi\n")
    code = "name = 'notes.txt'\n\nwith open(name) as f:\n    print(f.read())\n"
    found = run_python(tmp_path, code, "ch10/read.py")
    assert placed(found, 1)
    assert "Path(__file__).parent" in found.message


def test_a_module_of_a_package_opens_its_data_relative_to_its_own_folder(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "config").mkdir(parents=True)
    (tmp_path / "pkg" / "config" / "c.json").write_text("{}")
    files = {"pkg/__init__.py": "", "pkg/load.py": "import json\n\nC = json.load(open('config/c.json'))\n"}
    found, _ = advise(tmp_path, {**files, "main.py": "from pkg import load\n"}, [sys.executable, "main.py"])
    assert "package's folder" in found.message and "__file__" in found.message and "next to load.py" in found.message


def test_node_require_in_a_file_that_imports_names_the_require(tmp_path: Path) -> None:
    code = "import fs from 'fs';\n\nconst pkg = require('./package.json');\nconsole.log(pkg.name, fs);\n"
    found = node(tmp_path, code, {"package.json": '{"name": "x", "type": "module"}'})
    assert placed(found, 3, "app.js")
    assert "createRequire" in found.message and "readFileSync" in found.message


def test_node_require_under_a_parent_package_json_names_that_file(tmp_path: Path) -> None:
    (tmp_path / "scratch").mkdir()
    (tmp_path / "package.json").write_text('{\n  "name": "w",\n  "type": "module"\n}\n')
    (tmp_path / "scratch" / "t.js").write_text("console.log(require);\n")
    done = subprocess.run(["node", "t.js"], cwd=tmp_path / "scratch", capture_output=True, text=True, timeout=60)
    facts = Facts(tmp_path, tmp_path / "scratch", lambda p: p.read_text(), done.stdout + done.stderr)
    found = triage.advise("node t.js", facts, Catalogue())
    assert (
        found is not None
        and found.place is not None
        and found.place.path == tmp_path / "package.json"
        and found.place.line == 3
    )


def test_node_require_in_a_require_only_file_beside_a_module_package_names_both_ways(tmp_path: Path) -> None:
    found = node(tmp_path, "const fs = require('fs');\nfs.x;\n", {"package.json": '{\n"type": "module"\n}\n'})
    assert "import fs from 'fs';" in found.message
    assert placed(found, 1, "app.js")
    assert "import" in found.message and "(line 2)" in found.message and ".cjs" in found.message


def test_node_a_port_the_program_itself_listened_on_first_is_named(tmp_path: Path) -> None:
    (tmp_path / "bin").mkdir()
    app = (
        "const http = require('http');\nconst s = http.createServer(() => {});\ns.listen(39171);\nmodule.exports = 1;\n"
    )
    www = "const http = require('http');\nrequire('../app');\nhttp.createServer(() => {}).listen(39171);\n"
    found, _ = advise(tmp_path, {"app.js": app, "bin/www.js": www}, ["node", "bin/www.js"])
    assert placed(found, 3, "app.js")
    assert "twice" in found.message and "another process" not in found.message


def test_node_an_env_variable_kept_in_a_dot_env_file_says_how_to_load_it(tmp_path: Path) -> None:
    files = {".env": "NAMES=a, b\n", "package.json": '{"scripts": {"start": "node --env-file=.env app.js"}}'}
    found = node(tmp_path, "console.log(process.env.NAMES.split(', '));\n", files)
    assert "--env-file=.env" in found.message and "npm run start" in found.message


def test_node_a_start_script_missing_is_placed_on_the_scripts(tmp_path: Path) -> None:
    (tmp_path / ".npmrc").write_text("update-notifier=false\n")
    package = '{\n  "name": "h",\n  "main": "i.js",\n  "scripts": {\n    "test": "exit 1"\n  }\n}\n'
    found, _ = advise(tmp_path, {"package.json": package, "i.js": ""}, ["npm", "start"])
    assert placed(found, 4) and '"start"' in found.message


def test_an_async_method_called_without_await_is_named_with_its_call(tmp_path: Path) -> None:
    code = (
        "import asyncio\n\n\nclass S:\n    async def answer(self, q):\n        return q\n\n\n"
        "async def main():\n    r = S().answer('x')\n    print(r.upper())\n\n\nasyncio.run(main())\n"
    )
    found = run_python(tmp_path, code, "s.py")
    assert placed(found, 10)
    assert "await S().answer('x')" in found.message
    assert found.trial is not None and "await S().answer('x')" in found.trial.new_text  # a possible cause's trial


def test_a_program_installed_in_a_bin_folder_off_path_is_not_called_a_typo(tmp_path: Path) -> None:
    (tmp_path / ".local" / "bin").mkdir(parents=True)
    (tmp_path / ".local" / "bin" / "pipx").write_text("#!/bin/sh\necho pipx\n")
    found, _ = advise(tmp_path, {}, ["bash", "-c", "pipx ensurepath"])
    assert "did you mean" not in found.message and ".local/bin" in found.message and "PATH" in found.message


def test_pip_refused_inside_a_script_is_placed_on_the_scripts_pip_line(tmp_path: Path) -> None:
    script = "#!/bin/bash\nset -e\necho start\npip3 install requests\n"
    output = "error: externally-managed-environment\n\n× This environment is externally managed\n"
    (tmp_path / "build.sh").write_text(script)
    facts = Facts(tmp_path, tmp_path, lambda p: p.read_text() if p.is_file() else None, output)
    found = triage.advise("bash build.sh", facts, Catalogue())
    assert found is not None and placed(found, 4) and "venv" in found.message


def test_a_file_named_like_a_module_where_python_does_not_look_is_not_blamed(tmp_path: Path) -> None:
    (tmp_path / "tools").mkdir()
    files = {"tools/json.py": "X = 1\n", "app.py": "import json\n\nprint(json.loadz('{}'))\n"}
    found, _ = advise(tmp_path, files, [sys.executable, "app.py"])
    assert "tools/json.py" not in found.message and "Python suggests 'load'" in found.message


def test_a_coroutine_whose_call_is_not_found_is_an_honest_hint(tmp_path: Path) -> None:
    code = (
        "import asyncio\n\n\nclass Job:\n    async def go(self):\n        return 1\n\n\n"
        "async def main():\n    run = getattr(Job(), 'go')\n    result = run()\n    print(result.value)\n\n\n"
        "asyncio.run(main())\n"
    )
    found = run_python(tmp_path, code, "job.py")
    assert honest.HONEST in found.message


def test_an_argparse_option_used_as_a_number_gets_type_int_where_it_is_declared(tmp_path: Path) -> None:
    code = (
        "import argparse\n\np = argparse.ArgumentParser()\np.add_argument('--name', default='x')\n"
        "p.add_argument('--count', default=3)\nargs = p.parse_args()\nprint(list(range(args.count)), args.name)\n"
    )
    found, _ = advise(tmp_path, {"cli.py": code}, [sys.executable, "cli.py", "--count", "2"])
    assert placed(found, 5) and "args.count is text" in found.message
    given = edit_of(found)
    assert given is not None and "type=int" in given.new_text


def test_bash_syntax_in_a_script_with_an_sh_first_line_is_placed_on_that_line(tmp_path: Path) -> None:
    script = '#!/bin/sh\ndeclare -a IDS=(1 2)\nfor i in "${IDS[@]}"; do\n  echo "$i"\ndone\n'
    (tmp_path / "ids.sh").write_text(script)
    (tmp_path / "ids.sh").chmod(0o755)
    found = shell(tmp_path, {}, "./ids.sh")
    assert placed(found, 1) and "#!/bin/bash" in found.message
    # an earned claim (2 of 2 unseen, probation.py): a diagnosis with its fix, and the fixed script runs
    assert found.earned and found.fix is not None and found.fix.new_text == "#!/bin/bash\n"
    (tmp_path / "ids.sh").write_text(found.fix.new_text + script.split("\n", 1)[1])
    done = subprocess.run(["./ids.sh"], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and done.stdout.split() == ["1", "2"], done.stderr


def test_bash_syntax_in_a_sourced_helper_run_by_sh_is_placed_in_the_helper(tmp_path: Path) -> None:
    helper = "check() {\n    if [[ $1 =~ ^(a|b)$ ]]; then\n        echo yes\n    fi\n}\n"
    main = "#!/usr/bin/env bash\nHERE=$(cd `dirname $0`; pwd)\n. $HERE/helper.sh\ncheck a\n"
    (tmp_path / "s").mkdir()
    found = shell(tmp_path, {"s/helper.sh": helper, "s/run.sh": main}, "sh s/run.sh")
    assert placed(found, 2, "helper.sh")
    assert "bash s/run.sh" in found.message


def test_an_array_element_assigned_under_sh_e_is_bash_syntax(tmp_path: Path) -> None:
    script = '#!/bin/bash\nA[0]="x"\necho "${A[@]}"\n'
    found = shell(tmp_path, {"arr.sh": script}, "sh -e arr.sh")
    assert placed(found, 2) and "bash arr.sh" in found.message


def test_a_script_refused_after_a_cd_is_found_in_that_folder(tmp_path: Path) -> None:
    (tmp_path / "tool").mkdir()
    found = shell(tmp_path, {"tool/install.sh": "#!/bin/bash\necho hi\n"}, "cd tool && ./install.sh")
    assert "chmod +x" in found.message and names_a_cause(found)


def test_a_refused_port_from_an_unset_variable_names_the_variable(tmp_path: Path) -> None:
    code = (
        "const http = require('http');\nconst req = http.request({\n  host: '127.0.0.1',\n"
        "  port: process.env.BACKEND_PORT,\n  path: '/',\n});\nreq.end();\n"
    )
    package = '{"scripts": {"start": "BACKEND_PORT=3002 node app.js"}}'
    found = node(tmp_path, code, {"package.json": package})
    assert placed(found, 4)
    assert "BACKEND_PORT is not set" in found.message and "npm run start" in found.message
    assert "Is the server running" not in found.message


def test_a_refused_port_written_out_beside_a_server_on_another_port_names_both(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    client = "exports.get = () => fetch('http://127.0.0.1:38111/api');\n"
    server = (
        "const http = require('http');\nconst api = require('./lib/client');\nconst PORT = 38112;\n"
        "const s = http.createServer((q, r) => r.end('[]'));\n"
        "s.listen(PORT, async () => {\n  try { await api.get(); } finally { s.close(); }\n});\n"
    )
    found, _ = advise(tmp_path, {"lib/client.js": client, "server.js": server}, ["node", "server.js"])
    assert placed(found, 1, "client.js")
    assert "38112" in found.message and "server running" not in found.message


def test_git_run_by_a_program_outside_a_clone_never_says_git_init(tmp_path: Path) -> None:
    code = "import subprocess\n\nprint(subprocess.check_output(['git', 'rev-parse', 'HEAD']))\n"
    found = run_python(tmp_path, code, "main.py")
    assert placed(found, 3)
    assert "git init" not in found.message and "git clone" in found.message


def test_a_windows_activate_path_is_answered_with_the_linux_one(tmp_path: Path) -> None:
    found = shell(tmp_path, {}, f"{sys.executable} -m venv --without-pip .venv && source .venv/Scripts/activate")
    assert "source .venv/bin/activate" in found.message


def test_a_venv_made_under_another_name_after_a_cd_is_named(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    found = shell(tmp_path, {}, f"cd api && {sys.executable} -m venv --without-pip envv && source venv/bin/activate")
    assert "envv/bin/activate" in found.message


def test_an_empty_cell_in_a_csv_given_on_the_command_line_is_placed_in_the_csv(tmp_path: Path) -> None:
    code = "import csv\nimport sys\n\nfor row in csv.reader(open(sys.argv[1])):\n    print(float(row[1]))\n"
    files = {"read.py": code, "data.csv": "a,1.5\nb,\nc,2\n"}
    found, _ = advise(tmp_path, files, [sys.executable, "read.py", "data.csv"])
    assert placed(found, 2, "data.csv")
    assert "empty cell" in found.message


def test_an_empty_state_file_is_named_as_empty(tmp_path: Path) -> None:
    code = "NAME = 'last_id.txt'\n\nwith open(NAME) as f:\n    print(int(f.read().strip()))\n"
    found, _ = advise(tmp_path, {"bot.py": code, "last_id.txt": ""}, [sys.executable, "bot.py"])
    assert found.place is not None and found.place.path.name == "last_id.txt" and "is empty" in found.message


def test_a_config_value_with_its_comment_is_placed_on_the_config_line(tmp_path: Path) -> None:
    conf = "[s]\nkeep = 4   # four of them\n"
    code = "import configparser\n\nc = configparser.ConfigParser()\nc.read('app.conf')\nprint(int(c['s']['keep']))\n"
    found, _ = advise(tmp_path, {"app.py": code, "app.conf": conf}, [sys.executable, "app.py"])
    assert placed(found, 2, "app.conf")
    assert "inline_comment_prefixes" in found.message


def test_a_bad_value_two_data_files_could_hold_is_not_placed_in_either(tmp_path: Path) -> None:
    code = "import sys\n\nfor name in ['a.txt', 'b.txt']:\n    print(int(open(name).read()))\n"
    found, _ = advise(tmp_path, {"two.py": code, "a.txt": "", "b.txt": ""}, [sys.executable, "two.py"])
    assert found.place is None or found.place.path.suffix == ".py"


def test_a_404_is_placed_on_the_one_url_the_code_writes(tmp_path: Path) -> None:
    code = (
        "import urllib.request\n\nAPI = 'http://127.0.0.1:9/v1/models.json'\n\n\n"
        "def get(url):\n    return urllib.request.urlopen(url, timeout=1)\n\n\nprint(get(API))\n"
    )
    (tmp_path / "api.py").write_text(code)
    output = (
        'Traceback (most recent call last):\n  File "api.py", line 10, in <module>\n    print(get(API))\n'
        '  File "api.py", line 7, in get\n    return urllib.request.urlopen(url, timeout=1)\n'
        "urllib.error.HTTPError: HTTP Error 404: Not Found\n"
    )
    facts = Facts(tmp_path, tmp_path, lambda p: p.read_text() if p.is_file() else None, output)
    found = triage.advise("python api.py", facts, Catalogue())
    assert found is not None and placed(found, 3) and "404" in found.message


def test_an_absolute_part_given_to_path_join_is_fixed_without_its_slash(tmp_path: Path) -> None:
    (tmp_path / "data" / "sub").mkdir(parents=True)
    code = "import os\n\nbase = 'data'\nfolder = os.path.join(base, '/sub/')\nprint(os.listdir(folder))\n"
    found = run_python(tmp_path, code, "ls.py")
    assert placed(found, 4) and "absolute" in found.message
    given = edit_of(found)
    assert given is not None and "os.path.join(base, 'sub/')" in given.new_text


def test_node_stringify_of_an_http_response_names_the_object(tmp_path: Path) -> None:
    code = "const { IncomingMessage } = require('http');\nconst res = new IncomingMessage(null);\n" + (
        "res.self = res;\nconsole.log(JSON.stringify(res));\n"
    )
    found = node(tmp_path, code)
    assert "IncomingMessage" in found.message and "statusCode" in found.message and names_a_cause(found)


def test_a_range_past_a_written_out_list_is_placed_on_the_loop(tmp_path: Path) -> None:
    code = "names = ['a', 'b', 'c']\nfor i in range(1, 5):\n    print(names[i - 1])\n"
    found = run_python(tmp_path, code, "n.py")
    assert placed(found, 2) and "range(1, 4)" in found.message


def test_a_range_past_a_list_that_grows_is_not_judged_by_its_written_length(tmp_path: Path) -> None:
    code = "names = ['a', 'b', 'c']\nnames.append('d')\nfor i in range(1, 6):\n    print(names[i - 1])\n"
    found = run_python(tmp_path, code, "n.py")
    assert "has 3 items" not in found.message


def test_readlines_called_on_each_turn_of_a_loop_is_named(tmp_path: Path) -> None:
    code = "f = open('d.txt')\nrow = -1\nwhile True:\n    row += 1\n    print(f.readlines()[row])\n"
    found, _ = advise(tmp_path, {"r.py": code, "d.txt": "a\nb\n"}, [sys.executable, "r.py"])
    assert placed(found, 5) and "lines = f.readlines()" in found.message


def test_a_tilde_path_written_above_its_use_is_placed_where_it_is_written(tmp_path: Path) -> None:
    code = "import json\n\nsource = '~/chat/all.json'\n\nwith open(source) as f:\n    print(json.load(f))\n"
    found = run_python(tmp_path, code, "convert.py")
    assert placed(found, 3) and "expanduser" in found.message


def test_a_recursion_that_moves_away_from_its_base_case_is_placed_on_its_call(tmp_path: Path) -> None:
    code = "def down(n):\n    if n == 0:\n        return 0\n    return down(n + 1)\n\n\nprint(down(3))\n"
    found = run_python(tmp_path, code, "d.py")
    assert placed(found, 4) and "n - 1" in found.message


def test_a_recursion_that_starts_below_its_base_case_is_not_blamed_on_its_step(tmp_path: Path) -> None:
    code = "def up(n):\n    if n == 5:\n        return 0\n    return up(n + 2)\n\n\nprint(up(0))\n"
    found = run_python(tmp_path, code, "u.py")
    assert "moving away" not in found.message  # n + 2 goes toward 5; it jumps over it


def test_a_list_recursion_without_an_empty_case_is_placed_on_its_def(tmp_path: Path) -> None:
    code = "def total(xs):\n    return xs[0] + total(xs[1:])\n\n\nprint(total([1, 2]))\n"
    found = run_python(tmp_path, code, "t.py")
    assert placed(found, 1) and "if not xs" in found.message


def test_an_abstract_method_with_a_mangled_name_is_placed_on_its_def(tmp_path: Path) -> None:
    base = (
        "from abc import ABC, abstractmethod\n\n\nclass Base(ABC):\n    @abstractmethod\n"
        "    def __check(self):\n        pass\n\n\nclass Impl(Base):\n    def __check(self):\n        pass\n"
    )
    found, _ = advise(
        tmp_path, {"b.py": base, "main.py": "from b import Impl\n\nImpl()\n"}, [sys.executable, "main.py"]
    )
    assert placed(found, 6, "b.py")
    assert "mangling" in found.message


def test_a_module_two_folders_hold_is_not_pinned_on_either(tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "helpers.py").write_text("X = 1\n")
    found, _ = advise(tmp_path, {"main.py": "import helpers\n"}, [sys.executable, "main.py"])
    assert "a/helpers.py" not in found.message and "b/helpers.py" not in found.message
    assert "typo" not in found.message


def test_npm_without_a_package_json_and_two_projects_below_names_neither(tmp_path: Path) -> None:
    for folder in ("web", "api"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "package.json").write_text(f'{{"name": "{folder}"}}')
    (tmp_path / ".npmrc").write_text("update-notifier=false\n")
    found = shell(tmp_path, {}, "npm start")
    assert "cd web" not in found.message and "cd api" not in found.message


def test_node_a_file_opened_with_w_before_it_is_parsed_is_named_truncated(tmp_path: Path) -> None:
    (tmp_path / "store").mkdir()
    code = (
        "const fs = require('fs');\nconst p = 'store/item';\nfs.closeSync(fs.openSync(p, 'w'));\n"
        "console.log(JSON.parse(fs.readFileSync(p, 'utf8')));\n"
    )
    found = node(tmp_path, code, {"store/item": '{"a": 1}'})
    assert placed(found, 3)
    assert "truncates" in found.message and "store/item is empty" in found.message


def test_a_setter_given_to_property_that_assigns_its_own_property_is_named(tmp_path: Path) -> None:
    code = (
        "class Box:\n    def get_v(self):\n        return self._v\n\n    def set_v(self, v):\n        self.v = v\n\n"
        "    v = property(get_v, set_v)\n\n\nb = Box()\nb.v = 1\n"
    )
    found = run_python(tmp_path, code, "box.py")
    assert placed(found, 6) and "self._v" in found.message and "setter" in found.message


def test_a_binary_file_opened_write_only_and_read_back_gets_a_binary_mode(tmp_path: Path) -> None:
    code = "buf = open('out.bin', 'wb')\nbuf.write(b'abc')\nbuf.seek(0)\nprint(len(buf.read(2)))\n"
    found = run_python(tmp_path, code, "rt.py")
    assert placed(found, 1) and "'wb+'" in found.message


def test_a_pickle_file_the_code_creates_empty_is_placed_where_it_is_created(tmp_path: Path) -> None:
    code = (
        "import os\nimport pickle\n\nSAVE = 'best.pkl'\nif not os.path.exists(SAVE):\n"
        "    open(SAVE, 'wb').close()\nwith open(SAVE, 'rb') as f:\n    print(pickle.load(f))\n"
    )
    found = run_python(tmp_path, code, "game.py")
    assert placed(found, 6) and "best.pkl empty" in found.message
