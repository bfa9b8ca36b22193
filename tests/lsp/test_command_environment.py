"""What an approved command can learn from its environment: nothing secret.

The daemon inherits the editor's environment, full of credentials whose names no deny-list knows. A command the
model asked for gets an allow-list of it (locale, terminal, paths, the virtual environment, ...), plus what the user
names in `commandEnvAllow`, with every value scanned. The API key is not even in the daemon's own environment
after start: /proc/<daemon>/environ, which a command could read through $PPID, does not show it.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from livepair.context.redact import Redactor
from livepair.session.environment import command_environment
from tests.fakes.live_server import FakeLiveServer
from tests.keys import API_KEY, GITHUB_TOKEN, GOOGLE_KEY
from tests.lsp.harness import EditorClient, start_editor
from tests.lsp.rawio import RawDaemon
from tests.lsp.test_run_command import ask
from tests.lsp.tool_caller import ToolCaller

_HEX = "9f86d081884c7d65" + "9a2feaa0c55ad015"
# 28 secrets as CI systems, cloud shells and .env files put them in the environment; the names are the point: most
# carry no word a deny-list of names would catch.
PLANTED = {
    "GITHUB_PAT": GITHUB_TOKEN,
    "DB_PASS": "hunter2-" + "correct-horse",
    "DATABASE_URI": "postgres://app:" + "s3cr3tpw" + "@db.internal:5432/app",
    "STRIPE_SK": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/" + "T00000000/B00000000/" + "XXXXXXXXXXXXXXXXXXXXXXXX",
    "DEPLOY_TOKEN": "tok-" + _HEX,
    "AWS_ACCESS_KEY_ID": "AKIA" + "IOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY",
    "GH_TOKEN": GITHUB_TOKEN,
    "NPM_TOKEN": "npm_" + "a1B2c3D4e5F6g7H8i9J0" + "k1L2m3N4o5P6",
    "PGPASSWORD": "pg-" + _HEX,
    "MYSQL_PWD": "my-" + _HEX,
    "REDIS_URL": "redis://:" + "p4ssw0rd" + "@cache:6379/0",
    "MONGO_CONN": "mongodb+srv://root:" + "r00tpw" + "@cluster0.example.net/db",
    "SENTRY_DSN": "https://" + _HEX + "@o1.ingest.sentry.io/42",
    "TWILIO_AUTH": "tw" + _HEX,
    "SENDGRID": "SG." + "a1B2c3D4e5F6g7H8i9J0kl" + "." + "m1N2o3P4q5R6s7T8u9V0w1X2y3Z4a5B6c7D8e9F0g1H",
    "AZURE_CLIENT_SECRET": "az~" + _HEX,
    "HEROKU_API": "hk-" + _HEX,
    "OPENAI_API_KEY": "sk-proj-" + _HEX + _HEX,
    "GOOGLE_API_KEY": GOOGLE_KEY,
    "GEMINI_API_KEY": API_KEY,
    "LIVEPAIR_VERTEX_ACCESS_TOKEN": "ya29." + _HEX,
    "CI_JOB_JWT": "eyJhbGciOiJIUzI1NiJ9." + "eyJzdWIiOiJjaSJ9." + "c2lnbmF0dXJl" + _HEX,
    "SMTP_PASS": "mail-" + _HEX,
    "AMQP_URL": "amqp://guest:" + "rabbitpw" + "@mq:5672/",
    "SSH_AUTH_SOCK": "/tmp/ssh-agent-" + _HEX + "/agent.1",
    "DOCKER_AUTH_CONFIG": '{"auths":{"r.example.com":{"auth":"' + "dXNlcjpwYXNz" + _HEX + '"}}}',
}
ORDINARY = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm"}


def test_no_planted_secret_passes_by_default() -> None:
    env = command_environment({**PLANTED, **ORDINARY}, (), Redactor())
    assert not set(env) & set(PLANTED), sorted(set(env) & set(PLANTED))
    assert {k: env[k] for k in ORDINARY} == ORDINARY


def test_the_setting_adds_variables_but_never_a_secret_value() -> None:
    plain = {"PROJECT_MODE": "dev", "PYTHONDONTWRITEBYTECODE": "1", "CUSTOM_FLAG": "on"}
    proxy = {"HTTPS_PROXY": "http://alice:" + "Pr0xyPassw0rd!" + "@proxy.corp:3128", "NO_PROXY": "localhost"}
    env = command_environment({**PLANTED, **plain, **proxy}, ("PROJECT_MODE", "PYTHON*", "DB_URL"), Redactor())
    assert env["PROJECT_MODE"] == "dev" and env["PYTHONDONTWRITEBYTECODE"] == "1" and env["NO_PROXY"] == "localhost"
    assert "CUSTOM_FLAG" not in env  # not named
    assert "HTTPS_PROXY" not in env  # allowed by name, but its value carries a password
    # A glob never lets a secret-looking name through; the user must name such a variable exactly.
    assert "PYTHON_SECRET" not in command_environment({"PYTHON_SECRET": "x"}, ("PYTHON*",))


@pytest.fixture
async def planted_editor(
    workspace: Path, fake: FakeLiveServer, settings: dict[str, Any]
) -> AsyncIterator[EditorClient]:
    env = fake.subprocess_env()
    env.pop("GOOGLE_GEMINI_BASE_URL")
    env.pop("GEMINI_API_KEY", None)
    client = await start_editor(workspace, env | PLANTED, settings, terminal=True)
    yield client
    await client.lsp.shutdown_session()


async def test_an_approved_command_sees_none_of_28_planted_secrets(
    planted_editor: EditorClient, fake: FakeLiveServer
) -> None:
    editor = planted_editor
    fake.model = caller = ToolCaller.running("run_command", {"command": "env", "reason": "Check the environment."})
    editor.answer_approvals = True
    await ask(editor)
    results = await caller.answered()
    (run,) = editor.terminal_runs
    reached = sorted(set(run["env"]) & set(PLANTED))
    assert reached == [], f"{len(reached)} of {len(PLANTED)} planted secrets reached the command: {reached}"
    assert run["env"].get("PATH")
    output = results[0]["response"]["output"]
    assert not [name for name, value in PLANTED.items() if value in output]


async def test_the_key_is_not_in_the_daemons_environment(tmp_path: Path, fake: FakeLiveServer) -> None:
    """Started as an editor that passes the key in the environment would start it: a fresh process (not the
    prefork zygote), whose /proc/<pid>/environ a command could read; the session still gets the key."""
    token = "ya29." + _HEX
    env = {k: v for k, v in os.environ.items() if k not in PLANTED} | {
        "GEMINI_API_KEY": API_KEY,
        "LIVEPAIR_VERTEX_ACCESS_TOKEN": token,
        "HARMLESS_SETTING": "visible",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-I", "-u", "-m", "livepair", "serve",
        cwd=tmp_path, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    daemon = RawDaemon(proc)
    try:
        options = {"autoStart": "never", "baseUrl": fake.url, "model": "gemini-3.8-live", "responseModality": "text"}
        init = {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}, "initializationOptions": options}
        assert "result" in await daemon.request("initialize", init, timeout=60)
        environ = await asyncio.to_thread(Path(f"/proc/{proc.pid}/environ").read_bytes)
        cmdline = await asyncio.to_thread(Path(f"/proc/{proc.pid}/cmdline").read_bytes)
        assert b"livepair\0serve" in cmdline  # the file read is the daemon's
        # nothing at all: not the key, not the token, not even a harmless variable (the whole block is wiped)
        assert API_KEY.encode() not in environ and token.encode() not in environ
        assert b"GEMINI_API_KEY=" not in environ and b"HARMLESS_SETTING" not in environ
        assert environ.strip(b"\0") == b""
        started = await daemon.command("livepair.start", timeout=60)  # no key in the arguments: the held one
        assert started.get("result", {}).get("backend") == "gemini", (started, daemon.err())
    finally:
        await daemon.close()
