"""Whether a value assigned to a secret-looking name is a secret: the name's strictness (password-like or
key-like), then the value's plausibility (not a reference, placeholder, label, message or expression).
"""

from __future__ import annotations

import re

from livepair.context.secret_rules import entropy as _entropy

LENIENT, STRICT = "lenient", "strict"  # how random a value must look: password-like or key-like
# a `<SERVICE>_API` name: gitleaks' generic rule counts `api` among its keywords, so its value is a secret when it is
# one token as random as that rule asks (entropy > 3.5): `HEROKU_API=hk-9f86...`, not `GITHUB_API=https://...`
SHAPED = "shaped"
_SHAPED_ENTROPY = 3.5
_ONE_TOKEN = re.compile(r"[A-Za-z0-9_~+=-]{16,}")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_WORDS = re.compile(r"[A-Z]+[0-9]*(?![a-z])|[A-Z]?[a-z]+[0-9]*|[0-9]+")
LENIENT_ENDS = tuple(_words("PASSWORD PASSWD PASSPHRASE PASSCODE SECRET CREDENTIAL CREDENTIALS CREDS"))
# `<word>_KEY` names that are about data structures, not credentials
_KEY_DENY = _words("""SORT CACHE PRIMARY FOREIGN LOOKUP PARTITION HOT IDEMPOTENCY PUBLISHABLE STORAGE QUERY SEARCH
    ROUTING SHARD UNIQUE DICT MAP INDEX COLUMN FIELD ROW TABLE GROUP ORDER CONFIG SETTINGS ENV REGISTRY CONTEXT STATE
    EVENT MESSAGE S3 TRANSLATION LOCK OBJECT BUCKET FILE DATA ITEM RECORD NAME ATTR PROP LIST DEST SOURCE RESULT""")
# names ending like this describe a secret (its URL, length, label...) rather than hold one
_NOT_LAST = _words("""URL URI URLS ENDPOINT HOST PORT PATH FILE FILENAME DIR NAME TYPE KIND LENGTH LEN SIZE COUNT
    LIMIT EXPIRY EXPIRES EXPIRATION EXPIRE TTL TIMEOUT SECONDS AGE FIELD HEADER PARAM PREFIX SUFFIX ENV VAR ID ARN
    FORMAT POLICY REGEX PATTERN MODE INPUT LABEL PROMPT HINT PLACEHOLDER MESSAGE MSG TEXT ERROR HELP VERSION METHOD
    SCOPE SCOPES ALGORITHM ENCODING SOURCE STORE MANAGER CLASS ATTR INDEX RESET REQUIRED ENABLED VISIBLE USED AT
    DATE TIME CHANGED UPDATED CREATED REQUEST RESPONSE MGR HASHER HASHERS BACKEND BACKENDS PROVIDER PROVIDERS
    HANDLER VALIDATOR STRATEGY ENGINE STDIN FD CMD COMMAND""")
_NOT_ANY = _words("MAX MIN NUM PAGE PAGINATION CONTINUATION CURSOR PUBLIC EXPORT IMPORT LIST DELETE SHOW GENERATE")
_NOT_SECRET = _words("""none null nil true false yes no on off undefined str string bytes int bool boolean number
    any object optional required default empty hidden mask masked test testing value password passwd pass pwd secret
    token""")
# styles whose values are always literals, never a label or message that merely mentions a password
_LITERAL_STYLES = _words("env cli query xml kv url")
_FAKE_WORDS = _words("your example placeholder changeme change_me dummy fake redacted sample replace xxxx")
_FAKE = re.compile(r"\*{3}|\.{3}|…|<[\w -]+>|^(.)\1*$|^\d+\.\d+$|^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$|<secret:")
# a value naming a secret as a word is a label or resource name (`auth_tokens/tok_1`, `Ec2KeyName`), but
# `mypassword1` is a password; camelCase humps count as word starts
_MENTION_WORDS = ("pass", "secret", "token", "credential", "auth", "key")
_MENTIONS = re.compile(
    r"(?:(?<![A-Za-z])|(?<=[a-z])(?=[A-Z]))(?i:pass(?:word|wd|phrase)?|secrets?|tokens?|credentials?|auth|keys?)"
    r"(?![a-z])"
)
# references rather than values: templates, environment lookups, paths, URLs, regexes (every branch starts
# with a literal, so the engine skips ahead cheaply)
_REFERENCE = re.compile(
    r"\$\{|\{\{|%\(|%[sd]|\{[\w.]*\}|os\.environ|getenv|process\.env|import\.meta\.env|ENV\[|\\[dwsbDWS]"
    r"|\(\?[:=!<P]|-[A-Za-z0-9]\]"
)
_REFERENCE_START = re.compile(
    r"\$[({A-Za-z_]|%\w+%$|!|arn:|env\(|\.?\.?/|\.[A-Za-z_]|~/|[A-Za-z]:\\|[a-z][a-z0-9+.-]*://"
)
_CAMEL = re.compile(r"[A-Za-z][a-z]*(?:[A-Z]{1,3}[a-z]+)*[A-Z]{0,3}")  # words, maybe an acronym, no digits
_PROSE = re.compile(r"[.!?:]$|^[A-Z][a-z]+ ")
_IDENT = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*")


def name_strictness(name: str, style: str) -> str | None:
    """LENIENT for password-like names, STRICT for key/token-like ones (value must look random), else None."""
    words = [w.upper() for w in _WORDS.findall(name.rsplit(".", 1)[-1])]
    if not words or words[-1] in _NOT_LAST or _NOT_ANY.intersection(words):
        return None
    last = words[-2:]  # `SECRET_KEY_BASE` yes, `credential_refresh_attempt` no
    if any(w.endswith(LENIENT_ENDS) for w in last) or (len(words) > 1 and words[-1] in ("PASS", "PWD")):
        return LENIENT  # a bare `pass`/`PWD` is a filter band or the working directory
    if any(w.endswith(("TOKEN", "APIKEY")) for w in last) or words[-1].endswith(("AUTH", "AUTHORIZATION")):
        return STRICT
    if words[-1] == "API" and len(words) > 1:
        return SHAPED
    keyed = any(w == "KEY" and i and words[i - 1] not in _KEY_DENY for i, w in enumerate(words) if i >= len(words) - 2)
    return STRICT if keyed or (style == "query" and words in (["KEY"], ["SIG"], ["SIGNATURE"])) else None


def plausible(v: str, strictness: str, quoted: bool, style: str, name: str = "") -> bool:
    """Whether an assigned value looks like a real secret, not a reference, placeholder, message or code."""
    if strictness == SHAPED:
        if not _ONE_TOKEN.fullmatch(v) or _entropy(v) <= _SHAPED_ENTROPY:
            return False
        strictness = STRICT
    low = v.lower()
    if v != v.strip() or len(v) < (8 if strictness == STRICT else 4) or low.rstrip("?[]") in _NOT_SECRET:
        return False
    if low == name.rsplit(".", 1)[-1].lower():
        return False  # `('inputsecret', 'inputsecret')`, `password=password`
    if strictness == STRICT and not (any(c.isdigit() for c in v) and any(c.isalpha() for c in v)):
        return False
    if _is_label(v):
        return False
    if any(c.isspace() for c in v):  # a quoted passphrase, unless it reads like a message; keys have no spaces
        if not quoted or strictness == STRICT or _PROSE.search(v):
            return False
    elif not quoted and style != "url" and _is_code(v, style):
        return False
    elif style not in _LITERAL_STYLES and "." in v and _IDENT.fullmatch(v):
        return False  # a dotted name: module, attribute or config key
    if looks_fake(v) or _REFERENCE.search(v) or _REFERENCE_START.match(v):
        return False
    return style in _LITERAL_STYLES or not (any(w in low for w in _MENTION_WORDS) and _MENTIONS.search(v))


def _is_label(v: str) -> bool:
    """A word in a translation file or UI label (`Passwort`, `Mot de passe`, `パスワード`), not a password."""
    if any(c.isdigit() for c in v):
        return False
    letters = [c for c in v if c.isalpha()]
    if any(not c.isascii() for c in letters):
        return True  # passwords are typed on any keyboard, but labels are what carry non-ASCII letters
    word = v.rstrip("?!.:")
    return word.isalpha() and word[0].isupper() and word[1:].islower()


def _is_code(v: str, style: str) -> bool:
    """Whether an unquoted value is an expression (a variable, call, attribute...) rather than a literal."""
    core = v.rstrip(",;)")
    if core != v and (_IDENT.fullmatch(core) or "(" in core):
        return True  # a keyword argument or call: `password=password,`
    if style in ("env", "cli", "query", "xml"):  # shell words and markup are literals, never variables
        word = v.rstrip(".,;:!?")
        return style == "cli" and word.isalpha() and word.islower()  # but `the --password flag.` is prose
    if any(c in v for c in "()[]{}'\"") or v[-1] in ",;":
        return True  # a call, subscript, collection or string
    if _IDENT.fullmatch(v):  # a bare word: in code a variable, in YAML or a log line perhaps a password
        mixed = v != v.lower() and v != v.upper()
        camel = mixed and bool(_CAMEL.fullmatch(v))  # `userPassword`, `SecretStr`, not `zsKkfHQSGHFEQN`
        wordy = style == "yaml" or (style == "kv" and "_" not in v)  # not `f(\n  password=pw_hash + salt`
        part = max(v.split("_"), key=len)  # `whsec_1WQ...` has a long random part, `pw_hash` is a name
        random = mixed and not camel and len(v) >= 12 and ("_" not in v or (len(part) >= 16 and part.isalnum()))
        return not (random or (wordy and not camel))
    return False


def looks_fake(value: str) -> bool:
    """A placeholder or example (`your-api-key`, `***`, `<token>`) rather than a value.

    A placeholder word alone does not make a value fake: AWS's documentation keys end in `EXAMPLE`, and what is left
    of them is still a key's random part (err on redacting). Only a value with nothing random besides its
    placeholder words is one."""
    if _FAKE.search(value):
        return True
    low = value.lower()
    if not any(w in low for w in _FAKE_WORDS):
        return False
    rest = _FAKE_WORD.sub(" ", value)
    return not any(_looks_random(run) for run in _RUN.findall(rest))


_FAKE_WORD = re.compile("|".join(sorted(_FAKE_WORDS, key=len, reverse=True)), re.IGNORECASE)
_RUN = re.compile(r"[A-Za-z0-9+/]{10,}")  # a key's random part: base64 or hex, at least 10 characters


def _looks_random(run: str) -> bool:
    """As varied as a key (>= 3 bits a character) and not words: letters with digits, mixed case that is not
    camelCase, or a long upper-case run (an AWS key id's random part may hold no digit)."""
    letters = [c for c in run if c.isalpha()]
    if not letters or _entropy(run) < 3.0:
        return False
    if any(c.isdigit() for c in run):
        return True
    upper = sum(c.isupper() for c in letters)
    if upper == len(letters):
        return len(run) >= 12
    return upper > 0 and not _CAMEL.fullmatch(run)
