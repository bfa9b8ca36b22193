"""Private keys as a stream property: no 16-character run of a key body survives redaction, whatever part of
the key is in view (with or without its BEGIN line, a window starting mid-body, a 240-character cut), however it
is written (PEM, OpenSSH, PuTTY, encrypted; JSON-escaped, CRLF, behind an excerpt gutter), and when a window is
cut from a whole document (redact_window: the BEGIN line far above the window).

Real keys of several types are made once with `cryptography`; hypothesis chooses key, encoding, cut and window.
"""

from __future__ import annotations

import base64
import json
import re
import textwrap
from functools import cache

import pytest
from cryptography.hazmat.primitives import serialization as ser
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livepair.context.key_blocks import key_spans
from livepair.context.redact import Redactor

RUN = 16
MIN_WINDOW = 150  # characters, and at least two encoded lines' worth: one whole body line and a piece of the next


def _putty(key: ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey) -> str:
    """A PuTTY-User-Key-File-3 layout (the format of .ppk files): header, public and private base64 blocks."""
    public = key.public_key().public_bytes(ser.Encoding.OpenSSH, ser.PublicFormat.OpenSSH).split()[1].decode()
    private = key.private_bytes(ser.Encoding.DER, ser.PrivateFormat.PKCS8, ser.NoEncryption())
    private_lines = textwrap.wrap(base64.b64encode(private).decode(), 64)
    public_lines = textwrap.wrap(public, 64)
    return "\n".join(
        [
            "PuTTY-User-Key-File-3: ssh-ed25519",
            "Encryption: none",
            "Comment: deploy@build",
            f"Public-Lines: {len(public_lines)}",
            *public_lines,
            f"Private-Lines: {len(private_lines)}",
            *private_lines,
            "Private-MAC: " + "5f" * 32,
        ]
    )


@cache
def keys() -> list[tuple[str, str]]:
    """(name, text) of keys in every format we expect to meet."""
    made = {
        "rsa": rsa.generate_private_key(65537, 2048),
        "ec256": ec.generate_private_key(ec.SECP256R1()),
        "ec384": ec.generate_private_key(ec.SECP384R1()),
        "ed25519": ed25519.Ed25519PrivateKey.generate(),
        "dsa": dsa.generate_private_key(1024),
    }
    out: list[tuple[str, str]] = []
    pem, nothing = ser.Encoding.PEM, ser.NoEncryption()
    for name, key in made.items():
        out.append((f"{name}-pkcs8", key.private_bytes(pem, ser.PrivateFormat.PKCS8, nothing).decode()))
        out.append((f"{name}-openssh", key.private_bytes(pem, ser.PrivateFormat.OpenSSH, nothing).decode()))
        if name != "ed25519":
            traditional = key.private_bytes(pem, ser.PrivateFormat.TraditionalOpenSSL, nothing).decode()
            out.append((f"{name}-traditional", traditional))
    locked = ser.BestAvailableEncryption(b"correct horse")
    out.append(("rsa-pkcs8-encrypted", made["rsa"].private_bytes(pem, ser.PrivateFormat.PKCS8, locked).decode()))
    traditional = made["ec256"].private_bytes(pem, ser.PrivateFormat.TraditionalOpenSSL, locked).decode()
    out.append(("ec-traditional-encrypted", traditional))
    out.append(("rsa-putty", _putty(made["rsa"])))
    out.append(("ed25519-putty", _putty(made["ed25519"])))
    return out


def _body_runs(key: str) -> set[str]:
    """Every 16-character run of the key's base64 body lines (not markers or `Header: value` lines); of a PuTTY
    file, its private lines (its public lines are the public key)."""
    runs: set[str] = set()
    for line in key.split("Private-Lines:")[-1].splitlines():
        if line.startswith("-----") or ":" in line or not line:
            continue
        runs.update(line[i : i + RUN] for i in range(len(line) - RUN + 1))
    public = key.split("Private-Lines:")[0] if "Private-Lines:" in key else ""
    return {run for run in runs if run not in public.replace("\n", "")}  # an RSA modulus is in both


ENCODINGS = {
    "raw": lambda key: key,
    "crlf": lambda key: key.replace("\n", "\r\n"),
    "json": lambda key: json.dumps({"private_key": key}),  # one line, `\n` escapes
    "gutter": lambda key: "\n".join(f"{n:>5}| {line}" for n, line in enumerate(key.splitlines(), 40)),
    "yaml": lambda key: "tls:\n  key: |\n" + textwrap.indent(key, "    "),
    "grep": lambda key: "\n".join(f"deploy/id_key:{n}:{line}" for n, line in enumerate(key.splitlines(), 1)),
}


def _visible_leaks(window: str, redacted: str, key: str) -> list[str]:
    """Runs of the key body that the window showed (in any encoding) and the redacted text still shows."""
    return sorted(run for run in _body_runs(key) if run in window and run in redacted)


pytestmark = pytest.mark.filterwarnings("ignore::cryptography.utils.CryptographyDeprecationWarning")


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_no_run_of_a_key_body_survives_any_window(data: st.DataObject) -> None:
    name, key = data.draw(st.sampled_from(keys()), label="key")
    encoding = data.draw(st.sampled_from(sorted(ENCODINGS)), label="encoding")
    text = ENCODINGS[encoding](key)
    cut = data.draw(st.sampled_from(["window", "prefix", "suffix", "whole", "240"]), label="cut")
    if cut == "whole":
        start, end = 0, len(text)
    elif cut == "240":
        start, end = 0, min(len(text), 240)
    else:
        width = max(len(line) for line in re.split(r"\r?\n|\\n", text))  # an encoded line, gutter included
        length = data.draw(st.integers(min(max(MIN_WINDOW, 2 * width), len(text)), len(text)), label="length")
        start = (
            0
            if cut == "prefix"
            else len(text) - length
            if cut == "suffix"
            else data.draw(st.integers(0, len(text) - length))
        )
        end = start + length
    window = text[start:end]
    context = data.draw(st.sampled_from(["alone", "in code"]), label="context")
    if context == "in code":
        window = f"import ssl\n\nKEY = '''{window}'''\nctx = ssl.create_default_context()\n"
    redacted = Redactor().redact(window)
    assert not _visible_leaks(window, redacted, key), (name, encoding, cut, start, end)


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_a_window_cut_from_a_document_is_redacted_knowing_the_whole_document(data: st.DataObject) -> None:
    """redact_window: the window starts anywhere, even one line inside the key, so its BEGIN line is not in it."""
    name, key = data.draw(st.sampled_from(keys()), label="key")
    document = "import os\n\n# test fixture\nPEM = '''\n" + key + "\n'''\n\nprint(len(PEM))\n"
    lines = document.split("\n")
    start = data.draw(st.integers(0, len(lines) - 1), label="start")
    end = data.draw(st.integers(start + 1, len(lines)), label="end")
    redactor = Redactor()
    window = "\n".join(lines[start:end])
    out = redactor.redact_window(document, start, end)
    assert out.count("\n") == window.count("\n")  # line numbers stay right
    assert not _visible_leaks(window, out, key), (name, start, end)
    assert redactor.redact_lines(lines)[start:end] == out.split("\n")


def test_public_keys_and_certificates_in_view_are_not_keys() -> None:
    public = rsa.generate_private_key(65537, 2048).public_key()
    pem = public.public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo).decode()
    assert key_spans(pem) == []
    assert Redactor().redact_document(pem) == pem


def test_a_single_base64_line_of_text_is_not_a_key() -> None:
    line = base64.b64encode(b"The staging cluster runs three nodes behind one load balancer. " * 3).decode()
    wrapped = "\n".join(textwrap.wrap(line, 64))
    assert key_spans(wrapped) == []


def test_a_document_keeps_its_lines_and_its_cache() -> None:
    key = dict(keys())["ec256-pkcs8"]
    document = f"a = 1\n{key}\nb = 2\n"
    redactor = Redactor()
    out = redactor.redact_document(document)
    assert out.split("\n")[0] == "a = 1" and out.split("\n")[-2] == "b = 2"
    assert out.count("\n") == document.count("\n")
    assert len({line for line in out.split("\n")[2:-3]}) == 1  # one placeholder on every body line
    assert redactor.redact_document(document) is out  # cached by content
