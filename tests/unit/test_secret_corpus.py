"""The secret corpus (tests/corpora/secrets): every format is redacted in every placement, and ordinary lines
(translations, hashes, UUIDs, digests, fingerprints, public keys, registry names...) are left alone.

Values are generated per run from a fixed seed; see corpus.py for where each format comes from.
"""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from livepair.context.redact import Redactor
from tests.corpora.secrets.corpus import EXCLUDED, PLACEMENTS, Format, formats, leaks, ordinary_lines, placed

FORMATS = formats()
# issue 21: the formats its probes found never detected
PROBED = [
    "twilio-auth-token-client",
    "mailgun-key",
    "discord-bot-token",
    "telegram-bot-token",
    "shopify-admin-token",
    "pgpass-line",
    "sshpass-quoted",
    "mysql-p-attached",
    "curl-u",
    "azure-servicebus-sas",
]


def test_the_corpus_is_as_large_as_the_issue_asks() -> None:
    assert len(FORMATS) >= 150
    assert len({f.id for f in FORMATS}) == len(FORMATS)
    assert all(f.source for f in FORMATS)
    assert len(ordinary_lines()) >= 300
    assert not {f"gitleaks:{rule}" for rule in EXCLUDED} & {f.id for f in FORMATS}


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.id for f in FORMATS])
def test_every_format_is_redacted_in_every_placement(fmt: Format) -> None:
    rng = random.Random(fmt.id)
    for _ in range(2):
        value = fmt.make(rng)
        lines = placed(fmt, value)
        assert len(lines) in (1, len(PLACEMENTS))
        for where, line in lines.items():
            out = Redactor().redact(line)
            assert "<secret:" in out, f"{where}: {line}"
            assert not leaks(line, value, out), f"{where}: {line} -> {out}"


@pytest.mark.parametrize("fmt_id", PROBED)
def test_the_formats_the_probes_found_are_redacted_in_a_document(fmt_id: str) -> None:
    """The probe's formats inside a larger file, as the context digest sends it."""
    fmt = next(f for f in FORMATS if f.id == fmt_id)
    value = fmt.make(random.Random(1))
    line = next(iter(placed(fmt, value).values()))
    document = f"import os\n\n# settings\n{line}\nprint('ready')\n"
    redactor = Redactor()
    assert value not in redactor.redact(document)
    assert value not in redactor.redact_document(document)
    assert redactor.redact_document(document).count("\n") == document.count("\n")


def test_ordinary_lines_are_left_alone() -> None:
    lines = ordinary_lines()
    flagged = [line for line, _ in lines if Redactor().find(line)]
    assert len(flagged) <= len(lines) // 100, flagged  # <= 1 % false redactions
    document = "\n".join(line for line, _ in lines)
    changed = [
        a for a, b in zip(document.split("\n"), Redactor().redact_document(document).split("\n"), strict=True) if a != b
    ]
    assert len(changed) <= len(lines) // 100, changed


def test_the_rules_load_on_first_use_not_at_import() -> None:
    code = (
        "import sys, livepair.context.redact as r\n"
        "assert 'detect_secrets' not in sys.modules and 'tomllib' not in sys.modules, 'loaded at import'\n"
        "assert r.secret_rules.load.cache_info().currsize == 0\n"
        "assert r.Redactor().find('x = 1') == []\n"
        "assert r.secret_rules.load.cache_info().currsize == 1\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
