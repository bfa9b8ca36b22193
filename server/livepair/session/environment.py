"""The environment a command the model asked for runs with: the daemon's, minus anything that looks like a secret.

The daemon holds the user's API key (GEMINI_API_KEY) and inherits the editor's environment (cloud tokens, CI
secrets). A command the model proposed must not see them: it could print them, and its output goes back to the
model. Names are matched, not values (the values are what must not leak), case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

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
