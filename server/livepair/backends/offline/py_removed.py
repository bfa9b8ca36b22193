"""An API that this Python (or numpy, pandas, urllib3, websockets) removed: code written for an older version, run on
a newer one.

The error only says the attribute or module is not there (and Python's "Did you mean" then points at a neighbour,
asyncio.coroutine -> 'coroutines', which is no fix). What replaced it is a fact of the library's history, kept
here per name; the advisor speaks only when the crash line uses that very name.
"""

from __future__ import annotations

import re

from livepair.backends.offline import edits
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.probation import earned
from livepair.backends.offline.py_crash import crash, proposed, replace_line

MODULE_ATTR = re.compile(r"^module '(?P<owner>[\w.]+)' has no attribute '(?P<attr>\w+)'")
OBJECT_ATTR = re.compile(r"^'(?P<owner>[\w.]+)' object has no attribute '(?P<attr>\w+)'")
IMPORT_NAME = re.compile(r"^cannot import name '(?P<attr>\w+)' from '(?P<owner>[\w.]+)'")
NO_MODULE = re.compile(r"^No module named '(?P<module>[\w.]+)'")
ABCS = ("Mapping", "MutableMapping", "Sequence", "MutableSequence", "Iterable", "Iterator", "Callable", "Set",
        "MutableSet", "Hashable", "Sized", "Container", "Generator", "Awaitable", "Coroutine", "KeysView")  # fmt: skip
NUMPY_ALIASES = {"float": "float", "int": "int", "bool": "bool", "object": "object", "str": "str",
                 "complex": "complex", "long": "int", "unicode": "str"}  # fmt: skip
# (module or type, attribute) -> (removed in, what to write instead)
REMOVED: dict[tuple[str, str], tuple[str, str]] = {
    ("asyncio", "coroutine"): (
        "Python 3.11",
        "write the function as async def and use await inside it instead of yield from",
    ),
    ("asyncio", "async"): ("Python 3.7", "use asyncio.ensure_future(...) (async became a keyword)"),
    ("time", "clock"): ("Python 3.8", "use time.perf_counter() (or time.process_time() for CPU time)"),
    ("inspect", "getargspec"): ("Python 3.11", "use inspect.getfullargspec(...) or inspect.signature(...)"),
    ("base64", "encodestring"): ("Python 3.9", "use base64.encodebytes(...)"),
    ("base64", "decodestring"): ("Python 3.9", "use base64.decodebytes(...)"),
    ("cgi", "escape"): ("Python 3.8", "use html.escape(...)"),
    ("platform", "linux_distribution"): ("Python 3.8", "use the distro package (distro.id(), distro.version())"),
    ("platform", "dist"): ("Python 3.8", "use the distro package (distro.id(), distro.version())"),
    ("fractions", "gcd"): ("Python 3.9", "use math.gcd(...)"),
    ("os", "getcwdu"): ("Python 3", "use os.getcwd() (it returns text)"),
    ("sys", "maxint"): ("Python 3", "use sys.maxsize"),
    ("string", "letters"): ("Python 3", "use string.ascii_letters"),
    ("string", "lowercase"): ("Python 3", "use string.ascii_lowercase"),
    ("string", "uppercase"): ("Python 3", "use string.ascii_uppercase"),
    ("string", "maketrans"): ("Python 3", "use str.maketrans(...)"),
    ("configparser", "SafeConfigParser"): ("Python 3.12", "use configparser.ConfigParser"),
    ("ssl", "wrap_socket"): ("Python 3.12", "use ssl.create_default_context().wrap_socket(sock, server_hostname=...)"),
    ("Thread", "isAlive"): ("Python 3.9", "use .is_alive()"),
    ("Element", "getchildren"): ("Python 3.9", "use list(element)"),
    ("Element", "getiterator"): ("Python 3.9", "use element.iter()"),
    ("ElementTree", "getiterator"): ("Python 3.9", "use tree.iter()"),
    ("array.array", "tostring"): ("Python 3.9", "use .tobytes()"),
    ("array.array", "fromstring"): ("Python 3.9", "use .frombytes(...)"),
    ("numpy", "asscalar"): ("numpy 1.23", "use value.item()"),
    ("urllib3.util.ssl_", "DEFAULT_CIPHERS"): (
        "urllib3 2.0",
        "build the context yourself, ssl.create_default_context(), and set its ciphers there if you must",
    ),
    ("DataFrame", "append"): ("pandas 2.0", "use pd.concat([df, more])"),
    ("Series", "append"): ("pandas 2.0", "use pd.concat([series, more])"),
    ("DataFrame", "iteritems"): ("pandas 2.0", "use .items()"),
    ("Series", "iteritems"): ("pandas 2.0", "use .items()"),
    **{("collections", abc): ("Python 3.10", f"use collections.abc.{abc} (import collections.abc)") for abc in ABCS},
    **{
        ("numpy", alias): ("numpy 1.24", f"use the built-in {py} (or np.{alias}64/np.{alias}_ for numpy's own type)")
        for alias, py in NUMPY_ALIASES.items()
    },
}
# (the call on the line, keyword) -> (removed in, its successor): a keyword argument a library renamed
KEYWORDS_RENAMED = {
    ("Retry", "method_whitelist"): ("urllib3 2.0", "allowed_methods"),
    ("connect", "extra_headers"): ("websockets 14", "additional_headers"),
}
NUMPY2 = re.compile(r"^`np\.(?P<old>\w+)` was removed in the NumPy 2\.0 release\. Use `np\.(?P<new>\w+)` instead")
UNEXPECTED_KEYWORD = re.compile(r"got an unexpected keyword argument '(?P<kw>\w+)'")
TEST_ALIASES = {"assertEquals": "assertEqual", "assertNotEquals": "assertNotEqual", "assertItemsEqual":
                "assertCountEqual", "assertRegexpMatches": "assertRegex", "assertRaisesRegexp": "assertRaisesRegex",
                "failUnless": "assertTrue", "failIf": "assertFalse", "assert_": "assertTrue",
                "assertAlmostEquals": "assertAlmostEqual"}  # fmt: skip
# a removed method whose successor takes the same arguments: the fix renames it on the crash line
RENAMED = {"isAlive": "is_alive", "encodestring": "encodebytes", "decodestring": "decodebytes", "iteritems": "items",
           "tostring": "tobytes", "fromstring": "frombytes", **TEST_ALIASES}  # fmt: skip
PY2_MODULES = {"urllib2": "urllib.request", "urlparse": "urllib.parse", "ConfigParser": "configparser",
               "Queue": "queue", "StringIO": "io (io.StringIO)", "cStringIO": "io (io.StringIO)", "cPickle": "pickle",
               "Tkinter": "tkinter", "tkMessageBox": "tkinter.messagebox", "httplib": "http.client",
               "HTMLParser": "html.parser", "cookielib": "http.cookiejar", "__builtin__": "builtins",
               "SocketServer": "socketserver", "commands": "subprocess", "thread": "threading"}  # fmt: skip


# right on 4 of the 4 unseen cases it spoke on (probation.py)
@earned(4, 4)
def advise(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None or c.kind not in ("AttributeError", "ModuleNotFoundError", "ImportError", "TypeError"):
        return None
    code = c.code
    module = NO_MODULE.match(c.detail)
    if module is not None:
        old = module["module"]
        new = PY2_MODULES.get(old)
        if new is None or not re.search(rf"\bimport\s+{re.escape(old)}\b|\bfrom\s+{re.escape(old)}\s+import", code):
            return None
        return Finding(
            f"'{old}' is a Python 2 module; Python 3 renamed it: import {new} instead (there is nothing to install).",
            c.place,
        )
    imported = IMPORT_NAME.match(c.detail) if c.kind == "ImportError" else None
    if imported is not None and (imported["owner"], imported["attr"]) in REMOVED:
        version, instead = REMOVED[(imported["owner"], imported["attr"])]
        owner, attr = imported["owner"], imported["attr"]
        patched = None
        if owner == "collections" and re.fullmatch(rf"\s*from collections import {attr}\s*", code):
            patched = replace_line(c.text, c.place.line, code.replace("from collections ", "from collections.abc ", 1))
            instead = f"import it from collections.abc: from collections.abc import {attr}"  # the line's own form
        message = f"{owner}.{attr} was removed in {version}, and this code was written for an older version: {instead}."
        return proposed(message, c.place, c.text, patched, f"import {attr} from collections.abc")
    renamed = _renamed(c.kind, c.detail, code)
    if renamed is not None:
        (old, new), (shown_old, shown_new), version = renamed
        message = (
            f"{shown_old} was removed in {version}, and this code was written for an older version: use {shown_new}."
        )
        patched = edits.replace_on_line(c.text, c.place.line, rf"\b{old}\b", lambda _m: new, 1)
        return proposed(message, c.place, c.text, patched, f"use {new}")
    m = MODULE_ATTR.match(c.detail) or OBJECT_ATTR.match(c.detail)
    if m is None or not re.search(rf"\.{re.escape(m['attr'])}\b", code):
        return None
    owner, attr = m["owner"], m["attr"]
    if owner == "np":
        owner = "numpy"
    gone = REMOVED.get((owner, attr))
    if gone is None and attr in TEST_ALIASES and "unittest" in c.text:
        gone = ("Python 3.12", f"use self.{TEST_ALIASES[attr]}(...)")
    if gone is None:
        return None
    version, instead = gone
    shown = f"{owner}.{attr}" if MODULE_ATTR.match(c.detail) else f".{attr}()"
    message = f"{shown} was removed in {version}, and this code was written for an older version: {instead}."
    new = RENAMED.get(attr)
    patched = edits.replace_on_line(c.text, c.place.line, rf"\.{attr}\b", lambda _m: f".{new}") if new else None
    return proposed(message, c.place, c.text, patched, f"use .{new}" if new else "")


def _renamed(kind: str, detail: str, code: str) -> tuple[tuple[str, str], tuple[str, str], str] | None:
    """((old, new) names on the line, (old, new) as said, removed in) when the library's own words, or a keyword it
    no longer takes, name a rename."""
    numpy = NUMPY2.match(detail) if kind == "AttributeError" else None
    if numpy is not None and re.search(rf"\bnp\.{numpy['old']}\b", code):
        old, new = numpy["old"], numpy["new"]
        return (old, new), (f"np.{old}", f"np.{new}"), "NumPy 2.0"
    keyword = UNEXPECTED_KEYWORD.search(detail) if kind == "TypeError" else None
    for (call, kw), (version, new) in KEYWORDS_RENAMED.items():
        if keyword is not None and keyword["kw"] == kw and re.search(rf"\b{call}\(.*\b{kw}\s*=", code):
            return (kw, new), (f"{call}({kw}=...)", f"{call}({new}=...)"), version
    return None
