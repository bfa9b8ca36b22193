"""Data of the wrong shape for what reads it, made earlier in the code: a size from true division (a float) where a
whole number is wanted, numpy numbers given to yaml.safe_dump, a tuple written by yaml.dump that safe_load then
refuses, np.load of a name np.save gave the .npy extension to, and a crop box of (x, y, width, height) where Pillow
takes (left, upper, right, lower).
"""

from __future__ import annotations

import re

from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import replace_on_line
from livepair.backends.offline.enrich import Facts, Finding, headline
from livepair.backends.offline.py_crash import crash, first_finding, frames, lines_in_workspace, proposed

YAML_DUMP = re.compile(r"\byaml\.dump\(")


def advise(facts: Facts) -> Finding | None:
    return first_finding([_divided_size, _numpy_to_yaml, _tuple_in_yaml, _npy_extension, _crop_box], facts)


def _above(lines: list[str], line: int, pattern: str) -> int | None:
    return next((n for n in range(line - 1, 0, -1) if re.search(pattern, lines[n - 1])), None)


def _divided_size(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None or c.kind != "TypeError" or not c.detail.startswith("'float' object cannot be interpreted as an"):
        return None
    lines = c.text.splitlines()
    for name in re.findall(r"(?<![\w.])([a-z_]\w*)(?![\w(])", c.code):
        made = _above(lines, c.place.line, rf"^\s*{name}\s*=[^=].*[^/]/[^/=]")
        if made is None or lines[made - 1].count("/") != 1:
            continue
        message = (
            f"{name} is a float: line {made} makes it with /, which always gives a float in Python 3, and line "
            f"{c.place.line} needs a whole number. Divide with // there (or round it: int(...) / round(...))."
        )
        patched = replace_on_line(c.text, made, r"(?<!/)/(?![/=])", "//", 1)
        return proposed(message, ws.Place(c.place.path, made), c.text, patched, "Divide with //",
                        headline(f"{name} = .../... is a float"))  # fmt: skip
    return None


def _numpy_to_yaml(facts: Facts) -> Finding | None:
    m = re.search(r"RepresenterError: \('cannot represent an object', np\.(?P<type>\w+)\(", facts.output)
    where = frames(facts)
    if m is None or not where:
        return None
    text = facts.read(where[-1].path) or ""
    lines = text.splitlines()[: where[-1].line - 1]
    numpy_names = {hit[1] for s in lines if (hit := re.match(r"\s*(\w+)\s*=.*\bnp\.", s))}
    uses = "|".join(["np\\.", *(rf"\b{n}\b" for n in numpy_names)])
    made = [n for n, s in enumerate(lines, 1) if re.match(rf"\s*\w+\s*=[^=].*(?:{uses})", s)]
    at = ws.Place(where[-1].path, made[-1]) if made else where[-1]  # the last value made from numpy
    return Finding(
        f"yaml.safe_dump writes only plain Python values, and the data holds numpy's {m['type']} (made on line "
        f"{at.line}). Convert where it is made: float(x) for one number, array.tolist() for an array, x.item() for a "
        "numpy scalar.",
        at,
        headline=headline(f"numpy {m['type']} for yaml: convert it"),
    )


def _tuple_in_yaml(facts: Facts) -> Finding | None:
    m = re.search(r"could not determine a constructor for the tag 'tag:yaml\.org,2002:python/(?P<type>\w+)'\s*\n"
                  r'\s*in "(?P<file>[^"]+)"', facts.output)  # fmt: skip
    if m is None:
        return None
    dumps = lines_in_workspace(facts, {".py"}, YAML_DUMP)
    if len(dumps) != 1:
        return None
    (path, n), text = (dumps[0][0].path, dumps[0][0].line), dumps[0][1]
    message = (
        f"{m['file']} holds a Python {m['type']} written by yaml.dump on line {n} of {path.name} (tagged "
        f"!!python/{m['type']}), which yaml.safe_load refuses on purpose. Write plain YAML: yaml.safe_dump there "
        "(it writes a tuple as a list)."
    )
    patched = replace_on_line(text, n, YAML_DUMP.pattern, "yaml.safe_dump(", 1)
    return proposed(message, ws.Place(path, n), text, patched, "yaml.safe_dump",
                    headline(f"yaml.dump wrote a Python {m['type']}"))  # fmt: skip


def _npy_extension(facts: Facts) -> Finding | None:
    c = crash(facts)
    m = re.match(r"\[Errno 2\] No such file or directory: '(?P<name>[^'.]+)'", c.detail) if c else None
    if c is None or m is None or c.kind != "FileNotFoundError" or "np.load(" not in c.code:
        return None
    name = m["name"]
    saved = _above(c.text.splitlines(), c.place.line, rf"np\.save\(\s*['\"]{re.escape(name)}['\"]")
    if saved is None:
        return None
    message = (
        f"np.save on line {saved} adds the .npy extension to a name without one, so the file is {name}.npy, and "
        f"np.load takes the name as it is. Load '{name}.npy'."
    )
    patched = replace_on_line(c.text, c.place.line, rf"(['\"]){re.escape(name)}\1", lambda h: f"{h[1]}{name}.npy{h[1]}")
    return proposed(message, c.place, c.text, patched, f"np.load('{name}.npy')", headline(f"the file is {name}.npy"))


def _crop_box(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None or not re.match(r"Coordinate '(?:right|lower)' is less than '(?:left|upper)'", c.detail):
        return None
    used = re.search(r"\.crop\(\s*(?P<box>\w+)\s*\)", c.code)
    lines = c.text.splitlines()
    made = _above(lines, c.place.line, rf"^\s*{used['box']}\s*=\s*\(") if used else None
    parts = re.search(r"=\s*\((?P<items>[^)]*)\)", lines[made - 1]) if made else None
    items = [i.strip() for i in parts["items"].split(",")] if parts else []
    if made is None or len(items) != 4 or not re.search(r"w(?:idth)?|h(?:eight)?", " ".join(items[2:]), re.I):
        return None
    x, y, w, h = items
    message = (
        f"Pillow's crop takes (left, upper, right, lower), and line {made} gives ({x}, {y}, {w}, {h}): a width and "
        f"height where the right and lower edges belong. Write ({x}, {y}, {x} + {w}, {y} + {h})."
    )
    patched = replace_on_line(c.text, made, re.escape(parts[0]) if parts else "^$",
                              lambda _m: f"= ({x}, {y}, {x} + {w}, {y} + {h})", 1)  # fmt: skip
    return proposed(message, ws.Place(c.place.path, made), c.text, patched, "right = left + width",
                    headline("crop takes right and lower, not width"))  # fmt: skip
