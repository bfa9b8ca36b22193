"""The judges by name (a catalogue entry's `enrich`), and `finding`: a catalogue match made specific and checked."""

from __future__ import annotations

from dataclasses import replace

from livepair.backends.offline import judge_code, judge_files, shell_vars
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.catalogue import Match
from livepair.backends.offline.enrich import Case, Facts, Finding, Judge, checked

JUDGES: dict[str, Judge] = {
    "nearest_file": judge_files.file_missing,
    "is_directory": judge_files.is_directory,
    "sqlite_table": judge_files.sqlite_table,
    "json_empty": judge_files.json_empty,
    "key_error": judge_files.key_error,
    "command_missing": judge_files.command_missing,
    "api_key_placeholder": judge_files.api_key,
    "nearest_name": judge_code.name_error,
    "attribute": judge_code.attribute_error,
    "import_name": judge_code.import_name,
    "module_install": judge_code.module_missing,
    "str_meets_int": judge_code.str_meets_int,
    "unbound_variable": shell_vars.unbound_variable,
}


def finding(m: Match, place: ws.Place | None, facts: Facts) -> Finding:
    case = Case(m, Finding(m.text(cwd=str(facts.cwd)), place), facts)
    judge = JUDGES.get(m.entry.enrich or "")
    return replace(checked(judge(case)) if judge else case.finding, match=m)
