"""Stands in for `python -m livepair serve` under `make check` (see prefork.py): hands this process's stdin, stdout
and stderr, environment and directory to the zygote, which forks a daemon onto them; exits with its exit code.

Runs as ``python -S -I`` (standard library only), so it starts in milliseconds.
"""

import json
import os
import socket
import sys

zygote = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
zygote.connect(sys.argv[1])
socket.send_fds(zygote, [b"F"], [0, 1, 2])
zygote.sendall(json.dumps({"env": dict(os.environ), "cwd": os.getcwd()}).encode() + b"\n")
# The daemon has the pipes now; this process lets go of them so the editor sees EOF when the daemon ends.
null = os.open(os.devnull, os.O_RDWR)
os.dup2(null, 0)
os.dup2(null, 1)
reply = b""
while not reply.endswith(b"\n"):
    chunk = zygote.recv(64)
    if not chunk:
        break
    reply += chunk
sys.exit(int(reply) if reply.strip() else 1)
