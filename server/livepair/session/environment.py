"""The environment a command the model asked for runs with: an allow-list of the daemon's, never a secret.

The daemon inherits the editor's environment (cloud tokens, CI secrets, database URLs). A command the model proposed
must not see them: it could print them, and its output goes back to the model. A deny-list of names cannot know
every secret's name (`DB_PASS`, `DATABASE_URI`, `STRIPE_SK`, `SLACK_WEBHOOK_URL` all pass one), so only the
variables a shell session needs pass (`ALLOWED`: locale, terminal, paths, the active virtual environment, proxies,
CA bundles) plus the user's `commandEnvAllow` setting, and every value is scanned by the redactor: a value that
holds a secret (a proxy URL with a password) is dropped. The API key itself is not in the daemon's environment
at all (held_secrets.py).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping

from livepair.context.redact import Redactor

# Exact names that carry credentials without a telling suffix.
_EXACT = frozenset(
    {
        "GEMINI_API_KEY",
        "GOOGLE_API_KEY",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SESSION_TOKEN",
        "GH_TOKEN",
        "GITHUB_TOKEN",
        "NPM_TOKEN",
        "PGPASSWORD",
        "MYSQL_PWD",
        "DATABASE_URL",
        "SSH_AUTH_SOCK",  # an agent socket signs as the user
        "NETRC",
    }
)
# Suffixes and words that mark a secret: *_TOKEN, *_SECRET, *_KEY, *_PASSWORD, ...
_PATTERN = re.compile(
    r"(^|_)(TOKEN|SECRET|SECRETS|KEY|KEYS|APIKEY|PASSWORD|PASSWD|PWD_SECRET|CREDENTIALS?|AUTH|COOKIE|SESSION)(_|$)"
    r"|^LIVEPAIR_API_KEY$",
    re.IGNORECASE,
)
_KEEP = frozenset({"PWD", "OLDPWD"})  # PWD is a directory, not a password
# The editor's internals the daemon inherits (VS Code's IPC handles, "run Electron as Node"): a command the user
# could have typed in a terminal never sees them, and `code` or `node` misbehave with them.
_EDITOR_INTERNALS = ("VSCODE_IPC_HOOK", "VSCODE_PID", "VSCODE_CWD", "VSCODE_NLS", "VSCODE_HANDLES", "ELECTRON_")


def is_secret_name(name: str) -> bool:
    upper = name.upper()
    if upper in _KEEP:
        return False
    return upper in _EXACT or bool(_PATTERN.search(upper))


def scrubbed(env: Mapping[str, str]) -> dict[str, str]:
    """A copy of env without the variables whose names mark them as secrets, and without the editor's internals."""
    return {k: v for k, v in env.items() if not is_secret_name(k) and not k.upper().startswith(_EDITOR_INTERNALS)}


def removed(env: Mapping[str, str]) -> list[str]:
    """The names scrubbed() drops (for the audit log; never the values)."""
    return sorted(k for k in env if is_secret_name(k))


# What a command typed in a terminal needs to behave the same (globs allowed); names compared case-sensitively,
# as the environment is.
ALLOWED = (
    "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "COLORTERM", "TERM_PROGRAM", "LANG", "LANGUAGE", "LC_*",
    "TZ", "TMPDIR", "TMP", "TEMP", "PWD", "HOSTNAME", "EDITOR", "VISUAL", "PAGER", "NO_COLOR", "FORCE_COLOR",
    "DISPLAY", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
    "VIRTUAL_ENV", "VIRTUAL_ENV_PROMPT", "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "CONDA_EXE", "PYENV_ROOT",
    "PYENV_VERSION", "UV_CACHE_DIR", "PIP_INDEX_URL", "NVM_DIR", "NVM_BIN", "GOPATH", "GOROOT", "GOFLAGS",
    "CARGO_HOME", "RUSTUP_HOME", "JAVA_HOME", "GRADLE_USER_HOME", "MAVEN_OPTS",
    "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy",
    "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS",
)  # fmt: skip


def command_environment(
    env: Mapping[str, str], extra: Iterable[str] = (), redactor: Redactor | None = None
) -> dict[str, str]:
    """The variables of `env` a model-proposed command gets: those `ALLOWED` or named in `extra` (names or globs,
    the `commandEnvAllow` setting), without secret-looking names (unless the user named the variable exactly),
    the editor's internals, and any whose value the redactor flags."""
    extra = tuple(e for e in extra if isinstance(e, str) and e)
    allowed = (*ALLOWED, *extra)
    redactor = redactor or Redactor()
    out = {}
    for name, value in env.items():
        if not any(fnmatch.fnmatchcase(name, pat) for pat in allowed):
            continue
        if name.upper().startswith(_EDITOR_INTERNALS) or (is_secret_name(name) and name not in extra):
            continue
        if "\0" in value or redactor.contains_secret(f"{name}={value}") or redactor.contains_secret(value):
            continue
        out[name] = value
    return out


def withheld(env: Mapping[str, str], given: Mapping[str, str]) -> list[str]:
    """The names `command_environment` kept back (for the audit log; never the values)."""
    return sorted(k for k in env if k not in given)
