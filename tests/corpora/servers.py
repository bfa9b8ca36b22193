"""Loopback-only servers some failure cases need: an HTTP API that answers with errors, and a TLS server whose
certificate comes from a private CA (made with the openssl command in a temp folder, at run time)."""

from __future__ import annotations

import http.server
import json
import ssl
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class _Api(http.server.BaseHTTPRequestHandler):
    """/status/<code>: that error with a JSON body; /html: a 200 HTML page; /json: a JSON object; /genai/...:
    the Gemini API's answer to a key it does not accept; /weather: nested JSON; /ratelimited/...: 429 with
    Retry-After; /v1/users/1: a user, any other /v1/... path: 404 (an endpoint that moved or never existed)."""

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer()

    def _answer(self) -> None:
        path = self.path.split("?")[0]
        if path.startswith("/status/"):
            code = int(path.split("/")[2])
            self._send(code, {"error": {"code": code, "message": http.HTTPStatus(code).phrase}})
        elif path.startswith("/html"):
            self._send(200, "<!DOCTYPE html><html><body>Service down for maintenance</body></html>", "text/html")
        elif path.startswith("/weather"):
            self._send(200, {"location": {"city": "Lisbon"}, "current": {"temp_c": 21.5, "humidity": 60}})
        elif path.startswith("/ratelimited"):
            body = {"error": {"code": 429, "message": "Too Many Requests: slow down"}}
            self._send(429, body, headers={"Retry-After": "2"})
        elif path == "/v1/users/1":
            self._send(200, {"id": 1, "name": "Ada", "address": {"city": "Lisbon"}})
        elif path.startswith("/v1/"):
            self._send(404, {"error": {"code": 404, "message": f"no route for {path}"}})
        elif path.startswith("/genai"):
            message = "API key not valid. Please pass a valid API key."
            self._send(400, {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}})
        else:
            self._send(200, {"ok": True, "items": [{"id": 1, "name": "a"}]})

    def _send(
        self, status: int, body: object, kind: str = "application/json", headers: dict[str, str] | None = None
    ) -> None:
        data = (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        return None


@dataclass(frozen=True)
class Servers:
    http: str  # http://127.0.0.1:PORT
    tls: str  # https://localhost:PORT, certificate signed by the private CA below
    ca: str  # path of the private CA's certificate (PEM)


def _private_ca(folder: Path) -> tuple[Path, Path, Path]:
    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True, timeout=60)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
            "-subj", "/CN=Corpus Private CA")  # fmt: skip
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=localhost")
    (folder / "ext.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "srv.pem", "-days", "2", "-extfile", "ext.cnf")  # fmt: skip
    return folder / "ca.pem", folder / "srv.pem", folder / "srv.key"


def _serve(server: http.server.ThreadingHTTPServer) -> None:
    threading.Thread(target=server.serve_forever, daemon=True).start()


@contextmanager
def running() -> Iterator[Servers]:
    with tempfile.TemporaryDirectory() as tmp:
        ca, cert, key = _private_ca(Path(tmp))
        plain = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Api)
        secure = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Api)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        secure.socket = context.wrap_socket(secure.socket, server_side=True)
        _serve(plain)
        _serve(secure)
        try:
            yield Servers(
                f"http://127.0.0.1:{plain.server_address[1]}", f"https://localhost:{secure.server_address[1]}", str(ca)
            )
        finally:
            for server in (plain, secure):
                server.shutdown()
                server.server_close()
