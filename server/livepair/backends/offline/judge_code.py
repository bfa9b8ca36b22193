"""Judges for errors in the code itself: names, attributes, imports, and a str that met an int.

What the interpreter already said outranks guessing: its "Did you mean" is the fix; a guess of our own is only
mentioned, never offered as a fix.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from livepair.backends.offline import edits, flow, honest, modules
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.enrich import Case, Finding, headline
from livepair.backends.offline.probation import earned, on_probation, possible
from livepair.backends.offline.py_crash import frames


# right on 2 of the 2 unseen cases it spoke on (probation.py)
@earned(2, 2)
def name_error(case: Case) -> Finding:
    name, said = case.field("name"), case.field("suggest")
    text = case.text
    later = _defined_at(text or "", name)
    if later is not None and case.place is not None and later > case.place.line:
        return case.say(
            f"It is defined on line {later}, after this use: move the use below it (or the definition up).",
            headline=headline(f"'{name}' is defined later, on line {later}", f"Defined later, on line {later}"),
        )
    if said:
        patched = edits.rename_on_line(text, case.place.line, name, said) if text and case.place else None
        cause = headline(f"'{name}' is not defined: did you mean '{said}'?", f"Did you mean '{said}'?")
        return case.propose(f"Python suggests '{said}'.", patched, f"Rename '{name}' to '{said}'", cause)
    if modules.is_stdlib(name) and case.line is not None and re.search(rf"\b{re.escape(name)}\.", case.line):
        patched = edits.ensure_import(text, f"import {name}", name) if text else None
        message = f"'{name}' is a standard module this file never imports: add 'import {name}' at the top."
        return case.propose(message, patched, f"import {name}", headline(f"'{name}' is never imported"))
    guess = ws.nearest_names(name, text or "", builtins=False)
    maybe = f"; the closest name here is '{guess[0]}', which Python did not suggest" if guess else ""
    return honest.hint(
        f"{case.finding.message} Nothing in this file defines or imports it{maybe}",
        case.place,
        f"whether '{name}' is misspelt, never imported, or defined somewhere this line cannot see",
    )


def _defined_at(text: str, name: str) -> int | None:
    pattern = re.compile(
        rf"^\s*(?:(?:async\s+)?def|class)\s+{re.escape(name)}\b|^{re.escape(name)}\s*(?::[^=]+)?=(?!=)"
    )
    return next((n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line)), None)


def attribute_error(case: Case) -> Finding:
    attr, said, module = case.field("attr"), case.field("suggest"), case.field("module")
    shadow = _shadowing_file(case, module) if module else None
    if shadow:
        return case.say(
            f"Your own file {shadow} is named like the module '{module}', so Python imported it instead: rename it."
        )
    if said and case.place is not None and case.text is not None:
        patched = edits.replace_on_line(case.text, case.place.line, rf"\.{re.escape(attr)}\b", lambda _m: f".{said}")
        return case.propose(f"Python suggests '{said}'.", patched, f"Use '.{said}'")
    what = "None" if case.field("type") == "NoneType" else "a value of another type than the code expects"
    unknown = f"where the value came from: it is {what} here, and the line does not show why"
    return honest.hint(case.finding.message, case.place, unknown)


def _shadowing_file(case: Case, module: str) -> str | None:
    top = module.split(".")[0]
    if not (modules.is_stdlib(top) or modules.distribution(top)):
        return None
    # only a file where Python looks first can be what it imported: the script's folder or the working directory
    first = {case.facts.cwd.resolve(), *(f.resolve().parent for f in _frame_files(case))}
    for path in ws.workspace_files(case.facts.root, {".py"}):
        if path.stem == top and path.resolve().parent in first:
            return ws.relative_to(path, case.facts.root)
    return None


def _frame_files(case: Case) -> list[Path]:
    """The workspace files the traceback went through."""
    root = case.facts.root.resolve()
    found = [(case.facts.cwd / m["file"]).resolve() for m in ws.FRAME.finditer(case.facts.output)]
    return [p for p in found if root in p.parents and p.is_file()]


def import_name(case: Case) -> Finding:
    name, module, said = case.field("name"), case.field("module"), case.field("suggest")
    if "partially initialized" in case.facts.output or "circular import" in case.facts.output:
        shadow = _shadowing_file(case, module)
        if shadow:
            return case.say(f"Your file {shadow} shadows the module '{module}': rename it.")
        return case.say("The two modules import each other (a circular import): move the shared code out.")
    if not said and modules.is_stdlib(module) and "." not in module:
        close = ws.close_matches(name, modules.public_names(module))
        said = close[0] if len(close) == 1 else ""
    if said and case.text is not None:
        patched = edits.rename_everywhere(case.text, name, said)
        return case.propose(f"It has '{said}'.", patched, f"Import '{said}'")
    moved = modules.submodule_with(module, name) if modules.is_stdlib(module) and "." not in module else None
    if moved is not None and case.place is not None and case.text is not None:
        alone = re.fullmatch(rf"\s*from\s+{re.escape(module)}\s+import\s+{re.escape(name)}\s*", case.line or "")
        patched = (
            edits.replace_on_line(case.text, case.place.line, rf"\bfrom\s+{re.escape(module)}\s+import\b",
                                  lambda _m: f"from {moved} import")
            if alone else None
        )  # fmt: skip
        return case.propose(
            f"In this Python, '{name}' lives in {moved} (older Pythons also offered it from {module}): import it "
            f"from there, from {moved} import {name}.",
            patched,
            f"Import '{name}' from {moved}",
        )
    return honest.hint(
        case.finding.message,
        case.place,
        f"whether '{name}' was renamed or moved in this version of '{module}', or never was in it",
    )


def _pinned_shebang(case: Case, venv: Path) -> tuple[ws.Place, str] | None:
    """The script, run by path (./x.py), whose shebang names one Python by its absolute path (not env)."""
    m = re.search(r"(?:^|[\s;&])\./(?P<script>[\w./-]+\.py)\b", case.facts.memo.get("command", ""))
    path = (case.facts.cwd / m["script"]).resolve() if m else None
    first = (case.facts.read(path) or "").split("\n", 1)[0] if path is not None else ""
    bang = re.fullmatch(r"#!\s*(?P<interp>/\S*python[\d.]*)\s*", first)
    if path is None or bang is None or bang["interp"].startswith(str(venv)):
        return None
    return ws.Place(path, 1), bang["interp"]


def _own_module_elsewhere(case: Case, local: Path, rel: str) -> str:
    """Python imports from the folder of the script it ran (and installed packages): an own module in another
    folder is imported through its package. Never "add it to sys.path": that hides a layout problem, and for a file
    named like a library it makes the shadowing worse."""
    ran = frames(case.facts)
    script = ran[0].path.parent if ran else case.facts.cwd
    folder = local.parent
    if folder.is_relative_to(script) and folder != script:  # a package below the script: import through it
        dotted = ".".join(folder.relative_to(script).parts)
        return f"It is your own {rel}, in a package below the script: import it as from {dotted} import {local.stem}."
    where = ws.relative_to(script, case.facts.root)
    return (
        f"It is your own {rel}, but Python looks for imports in the folder of the script it ran ({where}/), not "
        f"in {ws.relative_to(folder, case.facts.root)}/: import it through its package, and run the program from "
        "the folder that holds that package (python -m with the script's dotted name, for a script inside it)."
    )


# right on 0 of the 1 unseen cases it spoke on (probation.py): "install tzdata", where the zone name was wrong
@on_probation("which Python runs the program, and whether this module is what it needs")
def _install(case: Case, top: str, dist: str) -> Finding:
    return case.say(
        f"Install it: python -m pip install {dist}",
        headline=headline(f"'{top}' is not installed (pip install {dist})", f"'{top}' is not installed"),
    )


def module_missing(case: Case) -> Finding:
    module = case.field("module")
    venv = ws.installed_in_venv(module, case.facts.root)
    pinned = _pinned_shebang(case, venv) if venv is not None else None
    if venv is not None and pinned is not None:  # its own check, outside the wrapper below
        place, interpreter = pinned
        rel = ws.relative_to(venv, case.facts.cwd)
        return Finding(
            f"{place.path.name} was run by its first line (#!{interpreter}), which names that Python itself, "
            f"not the active one: {interpreter} does not have '{module}', which is installed in {rel}. Make "
            "the shebang #!/usr/bin/env python3, so the active environment's Python runs it.",
            place,
            headline=headline(f"#!{interpreter} runs another Python than {rel}", "the shebang names another Python"),
        )
    return _module_missing(case, module, venv)


def _module_missing(case: Case, module: str, venv: Path | None) -> Finding:
    top = module.split(".")[0]
    if venv is not None:
        rel = ws.relative_to(venv, case.facts.cwd)
        # "installed in the venv" was right on 0 of the 1 unseen case it spoke on (probation.py): a shebang named
        # another Python (that now goes to the check above)
        return possible(
            case.say(
                f"It is installed in {rel}: run with {rel}/bin/python, or select that interpreter.",
                headline=headline(f"'{top}' is installed in {rel}, not active", f"'{top}' is installed in {rel}"),
            ),
            "which Python runs the program",
        )
    locals_ = [p for p in ws.workspace_files(case.facts.root, {".py"}) if p.stem == top]
    local = locals_[0] if len(locals_) == 1 else None  # several files of that name: which one is meant is not shown
    if local is not None:
        rel = ws.relative_to(local, case.facts.root)
        return case.say(_own_module_elsewhere(case, local, rel), headline=headline(
            f"'{top}' is your {rel}, outside the script's folder", f"'{top}' is your own {rel}"
        ))  # fmt: skip
    dist = modules.distribution(module)
    if dist is not None:
        return _install(case, top, dist)
    mine = {p.stem: p for p in ws.workspace_files(case.facts.root, {".py"})}
    close = ws.close_matches(top, set(mine) - {"__init__", top})  # its own name is no typo of itself
    if len(close) == 1 and top not in modules.known_modules():
        patched = edits.rename_everywhere(case.text, top, close[0]) if case.text is not None else None
        rel = ws.relative_to(mine[close[0]], case.facts.root)
        return case.propose(
            f"There is no {top}.py, but your workspace has {rel}: '{top}' looks like a typo of '{close[0]}'.",
            patched,
            f"Import '{close[0]}'",
        )
    if top in modules.known_modules() and "." in module:
        return case.say(f"'{top}' exists, but it has no submodule '{module.removeprefix(top + '.')}': check the name.")
    typo = modules.typo_of(module)
    if typo is None and (candidates := modules.typo_candidates(module)):
        options = " or ".join(f"'{c}'" for c in candidates[:2])
        return case.say(f"'{top}' looks like a typo of {options}: fix the name; do not install '{top}'.")
    if typo is not None:
        patched = edits.rename_everywhere(case.text, top, typo) if case.text is not None else None
        cause = headline(f"'{top}' is a typo of '{typo}'")
        return case.propose(f"'{top}' looks like a typo of '{typo}'.", patched, f"Import '{typo}'", cause)
    return honest.hint(
        f"{case.finding.message} No installed or well-known package, and no file in this workspace, is called "
        f"'{top}': check its spelling",
        case.place,
        "whether it is a package to install (find its exact distribution name before installing anything) or a "
        "module of yours that is missing",
    )


STR_FROM = re.compile(r"^\s*(?P<name>\w+)\s*=\s*(?P<call>input\((?:[^()]|\([^()]*\))*\)|sys\.argv\[\d+\])\s*$")


def str_meets_int(case: Case) -> Finding:
    """A number that is still text: from input() or argv. The fix converts it where it is read."""
    text, line = case.text, case.line
    if text is None or line is None or case.place is None:
        return case.finding
    used = set(re.findall(r"\b(\w+)\b", line))
    tree = flow.parse(text)
    read_as_text = {m["name"] for m in map(STR_FROM.match, text.splitlines()[: case.place.line]) if m}
    if tree is not None:  # a name joined with literal text: which side needs converting is not shown
        used = {u for u in used if not flow.joins_text(tree, case.place.line, u)}
    for n, source_line in reversed(list(enumerate(text.splitlines()[: case.place.line], 1))):
        m = STR_FROM.match(source_line)
        if m and m["name"] in used:
            wrap = "float" if re.search(r"\.\d", line) else "int"
            patched = edits.replace_on_line(text, n, re.escape(m["call"]), lambda _m, new=f"{wrap}({m['call']})": new)
            return case.propose(
                f"'{m['name']}' is text (it came from {m['call'].split('(')[0]} on line {n}): convert it to a number.",
                patched,
                f"Convert '{m['name']}' with {wrap}() where it is read",
            )
    number = _the_number(tree, text, case.place.line, read_as_text) if tree is not None else None
    if number is not None and "concatenate str" in case.facts.output:
        name, at = number
        patched = edits.replace_on_line(
            text, case.place.line, rf"(?<![\w.]){re.escape(name)}\b(?!\s*[.(\[])", lambda _m: f"str({name})"
        )
        return case.propose(
            f"'{name}' is a number (line {at}), joined here with text: make it text with str(), or use an f-string.",
            patched,
            f"str({name})",
        )
    return honest.hint(  # which side should change is a question the line alone does not answer
        f"Text met a number ({case.field('detail')})",
        case.place,
        "which side is wrong: a number read as text needs int() where it is read; text meant to show a number "
        "needs an f-string",
    )


NUMERIC_CALLS = {"int", "float", "len", "sum", "round", "abs", "max", "min", "ord", "range"}


def _the_number(tree: ast.Module, text: str, line: int, read_as_text: set[str]) -> tuple[str, int] | None:
    """The one name joined with text (+) on `line` whose value the code shows to be a number: (name, where)."""
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and node.lineno <= line):
            continue
        if (node.end_lineno or node.lineno) < line:
            continue
        for operand in flow.add_chain(node):
            if isinstance(operand, ast.Name) and operand.id not in read_as_text:
                assigned = flow.last_assignment(tree, text, operand.id, line)
                if assigned is not None and _numeric(assigned.value):
                    found[operand.id] = assigned.line
    return next(iter(found.items())) if len(found) == 1 else None


def _numeric(value: ast.expr) -> bool:
    if isinstance(value, ast.Constant):
        return isinstance(value.value, int | float) and not isinstance(value.value, bool)
    if isinstance(value, ast.Call):
        return isinstance(value.func, ast.Name) and value.func.id in NUMERIC_CALLS
    if isinstance(value, ast.UnaryOp):
        return _numeric(value.operand)
    if isinstance(value, ast.BinOp) and not isinstance(value.op, ast.Mod):
        parts = [value.left, value.right]
        texts = any(isinstance(p, ast.Constant) and isinstance(p.value, str) for p in parts)
        return not texts and any(_numeric(p) for p in parts)
    return False
