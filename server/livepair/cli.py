"""`livepair serve` (LSP over stdio), `livepair demo` (the f.py scenario, headless), `livepair doctor`."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys

from livepair import __version__


def _setup_logging(verbose: bool) -> None:
    # stdout is the LSP channel: logs go to stderr only.
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # pygls and the SDK log whole messages at debug level, which would include the API key the editor sends.
    for noisy in ("pygls", "google_genai", "websockets", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="livepair", description="LivePair: a realtime AI pair programmer.")
    parser.add_argument("--version", action="version", version=f"livepair {__version__}")
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="run the language server over stdio (what the editor starts)")
    serve.add_argument("-v", "--verbose", action="store_true", help="debug logging to stderr")
    demo = sub.add_parser("demo", help="play the f.py scenario through the daemon and print what the editor shows")
    demo.add_argument("--workspace", help="folder to use (default: a fresh temporary copy of the scenario)")
    demo.add_argument("--base-url", default="", help="Live API endpoint (https://...), default: Google's")
    demo.add_argument("--model", default=None, help="model name")
    demo.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for advice")
    sub.add_parser("doctor", help="check this machine: Python, packages, API key, devices")
    args = parser.parse_args(argv)

    if args.command in (None, "serve"):
        _setup_logging(getattr(args, "verbose", False))
        from livepair.held_secrets import hold_from_environment

        hold_from_environment()  # before anything could start a child: the key lives in memory only
        from livepair.lsp.codegen_cache import attrs_code_cached

        with attrs_code_cached():  # lsprotocol's ~560 classes: their generated methods compiled once, not each start
            from livepair.app import create_server

            server = create_server()
        code = server.run_stdio()
        # The editor is gone: end now. A worker thread still inside PortAudio, espeak-ng or pocketsphinx must not
        # keep a dead daemon alive (interpreter exit would join it); there is nothing left to save.
        logging.shutdown()
        with contextlib.suppress(ValueError, OSError):  # pygls closed stdout on `exit`; a closed pipe is fine too
            sys.stdout.flush()
        os._exit(code)
    if args.command == "demo":
        _setup_logging(False)
        from livepair.demo import run_demo

        return run_demo(args.workspace, args.base_url, args.model, args.timeout)
    if args.command == "doctor":
        from livepair.doctor import run_doctor

        return run_doctor()
    parser.error(f"unknown command {args.command}")
    return 2
