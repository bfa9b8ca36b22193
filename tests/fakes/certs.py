"""Throw-away TLS material for the fake Live server.

The google-genai SDK always speaks ``wss://`` and always passes an SSL context, so a local fake must serve
TLS with a certificate the client trusts. We mint a private CA per server at test time (never check keys
into the repo) and write its PEM to disk so a subprocess can trust it via ``SSL_CERT_FILE``.
"""

from __future__ import annotations

import shutil
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

import trustme

#: Identities on the server certificate: the SDK connects to whatever host the base URL names.
SERVER_IDENTITIES = ("127.0.0.1", "localhost")


@dataclass
class LocalCertificates:
    """A private CA plus a leaf certificate for 127.0.0.1 / localhost."""

    ca: trustme.CA
    server_cert: trustme.LeafCert
    ca_file: Path
    directory: Path
    _owns_directory: bool

    @classmethod
    def create(cls, directory: Path | None = None) -> LocalCertificates:
        """Mint a CA and a server certificate; write ``ca.pem`` into ``directory`` (a temp dir by default)."""
        owns = directory is None
        target = Path(tempfile.mkdtemp(prefix="livepair-fake-tls-")) if directory is None else directory
        target.mkdir(parents=True, exist_ok=True)
        ca = trustme.CA()
        server_cert = ca.issue_cert(*SERVER_IDENTITIES)
        ca_file = target / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        return cls(ca=ca, server_cert=server_cert, ca_file=ca_file, directory=target, _owns_directory=owns)

    def server_ssl_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.server_cert.configure_cert(ctx)
        return ctx

    def client_ssl_context(self) -> ssl.SSLContext:
        """A verifying client context that trusts only this CA (hostname checking stays on)."""
        ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
        self.ca.configure_trust(ctx)
        return ctx

    def cleanup(self) -> None:
        """Remove files we created; a caller-supplied directory is left alone apart from ``ca.pem``."""
        if self._owns_directory:
            shutil.rmtree(self.directory, ignore_errors=True)
        else:
            self.ca_file.unlink(missing_ok=True)
