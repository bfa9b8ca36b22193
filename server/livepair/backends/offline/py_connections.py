"""Python failures of a connection whose cause the workspace shows: nothing listening on a local port (refused.py
says why), a sqlite connection shared across threads, a TLS server signed by a private CA (or a certificate that
expired or names another host)."""

from __future__ import annotations

import re

from livepair.backends.offline import refused as refused_port
from livepair.backends.offline import workspace as ws
from livepair.backends.offline.edits import line_of
from livepair.backends.offline.enrich import Facts, Finding
from livepair.backends.offline.probation import on_probation
from livepair.backends.offline.py_crash import crash, frames

TLS = re.compile(r"CERTIFICATE_VERIFY_FAILED\] certificate verify failed: (?P<why>[^(>]+)")
LOCAL = re.compile(r"(?:127\.0\.0\.1|localhost|\[::1\]|::1):(?P<port>\d+)")


def refused(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None or "Connection refused" not in facts.output:
        return None
    place, text = c.place, c.text
    local = LOCAL.search(line_of(text, place.line) or "") or LOCAL.search(facts.output)
    if local is None:
        local = LOCAL.search(text) if len({m["port"] for m in LOCAL.finditer(text)}) == 1 else None
    if local is None:
        return None  # which address was refused, neither the line nor the output says
    return refused_port.advise(local.group(0), local["port"], facts, place)


# right on 0 of the 1 unseen cases it spoke on (probation.py)
@on_probation("where each thread should open its own connection")
def sqlite_thread(facts: Facts) -> Finding | None:
    c = crash(facts)
    if c is None or "SQLite objects created in a thread" not in c.detail:
        return None
    place, text = c.place, c.text
    opened = [n for n, line in enumerate(text.splitlines(), 1) if "sqlite3.connect(" in line]
    at = f" (sqlite3.connect on line {opened[0]})" if opened else ""
    return Finding(
        f"This connection was opened in one thread{at} and line {place.line} uses it from another, which sqlite3 "
        "refuses. Open the connection inside the function that runs in the thread (sqlite3.connect there), "
        "one per thread.",
        place,
    )


def private_ca(facts: Facts) -> Finding | None:
    m = TLS.search(facts.output)
    where = frames(facts)
    if m is None:
        return None
    why, at = m["why"].strip(), where[-1] if where else None
    if "expired" in why or "not yet valid" in why:
        return Finding(
            f"The server's TLS certificate was not accepted: {why}. That is the server's certificate, not this code: "
            "renew it on the server (or correct this machine's clock if it is wrong). Keep verification on.",
            at,
        )
    if "mismatch" in why:
        return Finding(
            f"The server's TLS certificate was not accepted: {why}. The certificate names another host than the "
            "one this code connects to: connect with the name the certificate was made for (localhost and "
            "127.0.0.1 are different names), or have the certificate issued for this name. Keep verification on.",
            at,
        )
    if not re.search(r"self[- ]signed|unable to get (?:local )?issuer", why):
        return None
    pems = [ws.relative_to(p, facts.root) for p in ws.workspace_files(facts.root, {".pem", ".crt", ".cer"})][:3]
    have = f" The workspace has {', '.join(pems)}: if that is the CA, use it." if pems else ""
    ca = pems[0] if pems else "ca.pem"
    return Finding(
        f"The server's TLS certificate was not accepted ({why}): it is signed by a certificate "
        "authority (CA) this Python does not trust, typically a private or company CA. Give Python that CA's "
        f"certificate: ssl.create_default_context(cafile='{ca}') or the SSL_CERT_FILE variable (for requests, "
        "REQUESTS_CA_BUNDLE or its CA bundle argument). Keep verification on." + have,
        at,
    )
