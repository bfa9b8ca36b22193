"""From a failed run's output to the advisor's finding: evidence-based detectors first, then the catalogue.

Order: Node.js output goes to node.py (and never to the Python catalogue); shell failures with a known cause to
shell_causes.py; Python failures whose cause the code shows to py_causes.py; then the catalogue, whose generic
restatements become honest hints (honest.py). A last guard drops advice that would be harmful.
"""

from __future__ import annotations

import re
from dataclasses import replace

from livepair.backends.offline import (
    commands,
    honest,
    modules,
    node,
    node_pitfalls,
    probation,
    py_argparse,
    py_causes,
    py_crypto,
    py_data_file,
    py_data_shapes,
    py_datetimes,
    py_defs,
    py_everyday,
    py_files,
    py_formats,
    py_json,
    py_literals,
    py_loops,
    py_mixups,
    py_objects,
    py_operations,
    py_pitfalls,
    py_removed,
    py_request_text,
    py_rules,
    py_runtime,
    py_slips,
    py_subprocess,
    py_text_io,
    py_threads,
    py_values,
    py_written,
    py_xml,
    shell_causes,
    shell_programs,
    shell_scripts,
    shell_slips,
    unearned,
)
from livepair.backends.offline.catalogue import Catalogue
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.judges import finding
from livepair.backends.offline.workspace import last_frame_in

# A catalogue entry's own words, kept by a judge or not: right on 3 of the 9 unseen cases it spoke on (probation.py)
TEMPLATE_UNKNOWN = "the error's words fit this cause, and nothing in the code was checked for it"
SAME_NAME = re.compile(r"The shell cannot find '(?P<a>[^']+)'; '(?P<b>[^']+)' is on PATH")


def warm_lookups() -> None:
    """What the detectors look up on the machine (import names, PATH), once, before the first failure needs it."""
    modules.known_modules()
    commands.executables()
    node_pitfalls.core_exports()


def advise(command: str, facts: Facts, catalogue: Catalogue) -> Finding | None:
    """What a failed run means; a diagnosis only where its kind of claim has earned one (probation.py)."""
    return probation.unless_earned(_advise(command, facts, catalogue))


def _advise(command: str, facts: Facts, catalogue: Catalogue) -> Finding | None:
    if node.is_node(facts.output, command):
        found = node.advise(command, facts) or shell_slips.advise(command, facts)
        return found or shell_programs.failed_step(command, facts)
    facts.memo.setdefault("command", command)  # what the program was given (a data file on its command line)
    found = shell_causes.advise(command, facts) or shell_scripts.advise(command, facts)
    found = found or shell_slips.advise(command, facts)
    found = found or shell_programs.advise(command, facts)
    found = found or py_threads.advise(facts) or py_xml.advise(facts)
    found = found or py_slips.advise(facts) or py_causes.advise(facts) or py_argparse.advise(facts)
    found = found or py_mixups.advise(facts) or py_data_shapes.advise(facts) or py_formats.advise(facts)
    found = found or py_crypto.advise(facts)
    found = found or py_request_text.advise(facts) or py_removed.advise(facts) or py_subprocess.advise(facts)
    found = found or py_files.advise(facts)
    found = found or py_runtime.advise(facts) or py_everyday.advise(facts) or py_values.advise(facts)
    found = found or py_operations.advise(facts) or py_literals.advise(facts) or py_loops.advise(facts)
    found = found or py_json.advise(facts) or py_datetimes.advise(facts)
    found = found or py_rules.advise(facts) or py_text_io.advise(facts) or py_data_file.advise(facts)
    found = found or py_written.advise(facts) or py_defs.advise(facts) or py_pitfalls.advise(facts)
    found = found or py_objects.advise(facts)
    if found is not None:
        return found
    thread = py_threads.died_first(facts)  # what the thread died of comes before what went wrong after it
    found = _advise(command, thread, catalogue) if thread is not None else None
    if found is not None:
        return replace(found, message=f"A thread died before the error this run ended with: {found.message}")
    hit = catalogue.match_output(facts.output)
    if hit is None:
        return shell_programs.failed_step(command, facts)  # never silence on a failure whose output says what
    match, _line = hit
    place = last_frame_in(facts.output, facts.root, facts.cwd)
    unsure = unearned.check(match, facts, place)
    if unsure is not None:
        return replace(unsure, match=match)  # the tutor's lesson follows the catalogue entry
    if match.entry.id == "key-error":
        specific = honest.key_error(facts, place, match.fields.get("key", "").strip("'\""))
        if specific is not None:
            return specific
    found = finding(match, place, facts)
    if match.entry.id in ("api-key-invalid", "http-400") and "API key not valid" in facts.output:
        # The placeholder judge (onopen.key_findings) is specific; otherwise say where the key came from.
        unsure = match.entry.id == "http-400" or re.search(
            r"Check the key you pass|holds a key the service", found.message
        )
        specific = honest.api_key(facts, place) if unsure else None
        if specific is not None:
            return specific
    found = honest.unless_specific(found, match, str(facts.cwd))
    if match.entry.id not in unearned.CHECKS and found.message == match.text(cwd=str(facts.cwd)):
        # the entry's own words, which a judge may have kept but did not add to, and no unearned check confirmed
        found = probation.possible(found, TEMPLATE_UNKNOWN)
    return guard(found)


def guard(found: Finding) -> Finding:
    """Never offer to run a different program than the one typed when nothing shows it was meant."""
    m = SAME_NAME.search(found.message)
    if m and (m["a"] == m["b"] or m["a"] in shell_causes.BUILTINS):
        return honest.hint(
            f"The shell found no command '{m['a']}'",
            found.place,
            "nothing in the output says which program was meant",
        )
    return found
