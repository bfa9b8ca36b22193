"""Token formats written by hand: where the maintained rule sets have none, need a keyword the text may lack
(gitleaks wants "telegram" near a Telegram token), or would leave part of a secret visible.

Each spec: kind, lower-case triggers, regex matched at the trigger (minus `back` chars), group holding the value
(-1: the first group that matched), back. Kinds listed in CONTEXTUAL are found by context, not by format, so
their values also pass the redactor's plausibility check (no `$PASS`, `<password>`, `changeme`).
"""

from __future__ import annotations

import re
from typing import Any


def _ds(detector: Any, index: int | None = None) -> str:
    """A detect-secrets plugin's regex(es) as one source, flags inlined."""
    patterns: list[re.Pattern[str]] = list(detector.denylist)
    chosen = patterns if index is None else [patterns[index]]
    return "|".join(f"(?i:{p.pattern})" if p.flags & re.IGNORECASE else f"(?:{p.pattern})" for p in chosen)


_GITLAB = "glpat- gldt- glft- glsoat- glrt- gr1348941 glcbt- glimt- glptt- glagent- gloas-"


def token_specs() -> list[tuple[str, str, str, int, int]]:
    """Imports detect-secrets (slow) and builds the specs: called on the redactor's first use, not at import."""
    from detect_secrets.plugins.aws import AWSKeyDetector
    from detect_secrets.plugins.github_token import GitHubTokenDetector
    from detect_secrets.plugins.gitlab_token import GitLabTokenDetector
    from detect_secrets.plugins.pypi_token import PypiTokenDetector
    from detect_secrets.plugins.sendgrid import SendGridDetector
    from detect_secrets.plugins.slack import SlackDetector
    from detect_secrets.plugins.square_oauth import SquareOAuthDetector

    return [
        ("GOOGLE_API_KEY", "aiza", r"AIza[0-9A-Za-z_-]{35}", 0, 0),
        ("GOOGLE_OAUTH_SECRET", "gocspx-", r"GOCSPX-[A-Za-z0-9_-]{20,}", 0, 0),
        ("GOOGLE_OAUTH_TOKEN", "ya29.", r"ya29\.[A-Za-z0-9_-]{20,}", 0, 0),
        ("ANTHROPIC_API_KEY", "sk-", r"sk-ant-[A-Za-z0-9_-]{20,}", 0, 0),
        # detect-secrets knows only legacy OpenAI keys (with a T3BlbkFJ marker) and would cut sk-proj keys short
        ("OPENAI_API_KEY", "sk-", r"sk-(?:proj-|svcacct-|admin-)?(?=[A-Za-z_-]*\d)[A-Za-z0-9_-]{20,}", 0, 0),
        ("STRIPE_KEY", "sk_ rk_", r"[rs]k_(?:live|test)_[0-9A-Za-z]{24,}", 0, 0),  # detect-secrets stops at 24
        ("GITHUB_TOKEN", "ghp_ gho_ ghu_ ghs_ ghr_", _ds(GitHubTokenDetector), 0, 0),
        ("GITHUB_TOKEN", "github_pat_", r"github_pat_[A-Za-z0-9_]{22,}", 0, 0),
        ("GITLAB_TOKEN", _GITLAB, _ds(GitLabTokenDetector), 0, 0),
        ("AWS_ACCESS_KEY_ID", "a3t abia acca akia asia", _ds(AWSKeyDetector, 0), 0, 0),
        ("AWS_SECRET_ACCESS_KEY", "aws", _ds(AWSKeyDetector, 1), 1, 0),
        ("SLACK_TOKEN", "xox", _ds(SlackDetector, 0), 0, 0),
        ("SLACK_TOKEN", "hooks.slack.com", _ds(SlackDetector, 1), 0, len("https://")),
        # detect-secrets' JWT regex ends lazily, so it would leave the signature visible
        ("JWT", "eyj", r"(?a:eyJ[\w-]{6,}=*\.(?:[\w-]{6,}=*\.[\w-]*=*|eyJ[\w-]{6,}=*))", 0, 0),
        ("NPM_TOKEN", "npm_", r"npm_[A-Za-z0-9]{36}", 0, 0),
        ("HUGGINGFACE_TOKEN", "hf_", r"hf_[A-Za-z0-9]{30,}", 0, 0),
        ("SENDGRID_API_KEY", "sg.", _ds(SendGridDetector), 0, 0),
        ("PYPI_TOKEN", "pypi-", _ds(PypiTokenDetector), 0, 0),
        ("SQUARE_OAUTH_SECRET", "sq0csp-", _ds(SquareOAuthDetector), 0, 0),
        ("AZURE_STORAGE_KEY", "accountkey=", r"AccountKey=([A-Za-z0-9+/=]{80,90})", 1, 0),
        # detect-secrets' BasicAuth regex needs a user and refuses `!$&*...`, which RFC 3986 allows in passwords
        ("URL_PASSWORD", "://", r"""://[^\s:/?#\[\]@"'<>]*:([^\s/?#\[\]@"'<>]+)@""", 1, 0),
        ("BEARER_TOKEN", "bearer", r"(?i:bearer)[ \t]+([A-Za-z0-9._~+/-]{16,}=*)", 1, 0),
        ("AUTHORIZATION", "authorization", r"(?i:authorization\W{1,4}(?:basic|token|digest))[ \t]+(\S{8,})", 1, 0),
        *_HAND_SPECS,
    ]


# one password-like value after a flag: quoted, or a bare word (`-p's3cr3t'`, `-p "x y"`, `-ps3cr3t`)
_FLAG_VALUE = r"""(?:'([^'\n]+)'|"([^"\n]+)"|([^\s'"`|;&<>]+))"""
# `user:password` as one shell word, quoted or not; the password is what follows the first colon
_USER_PASSWORD = r"""(?:'[^':\n]*:([^'\n]+)'|"[^":\n]*:([^"\n]+)"|[^\s:'"]*:([^\s'"]+))"""
_FLAGS = r"(?:[ \t]+-[A-Za-z]+)"
_HAND_SPECS: list[tuple[str, str, str, int, int]] = [
    # Twilio: the auth token is the 32-hex argument after an account SID, e.g. `Client("AC...", "...")`
    (
        "TWILIO_AUTH_TOKEN",
        "client(",
        r"""(?i:client)\([ \t]*["']AC[0-9a-f]{32}["'][ \t]*,[ \t]*["']([0-9a-f]{32})["']""",
        1,
        0,
    ),
    ("MAILGUN_API_KEY", "key-", r"key-[0-9a-f]{32}(?![0-9a-zA-Z])", 0, 0),
    ("TELEGRAM_BOT_TOKEN", ":aa", r"(?<=[0-9]{8}):(AA[A-Za-z0-9_-]{33})(?![A-Za-z0-9_-])", 1, 0),
    ("SHOPIFY_TOKEN", "shpat_ shpca_ shppa_ shpss_", r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}", 0, 0),
    ("SSHPASS_PASSWORD", "sshpass", rf"sshpass[ \t]+(?:-[a-oq-zA-Z][ \t]+\S+[ \t]+)*-p[ \t]*{_FLAG_VALUE}", -1, 0),
    # `mysql -u root -pS3cret db`: the value is glued to -p (`-p` alone prompts)
    ("MYSQL_PASSWORD", "mysql", rf"mysql(?:dump|admin|import|sh)?[ \t][^\n|;&]*?(?<=[ \t])-p{_FLAG_VALUE}", -1, 0),
    (
        "CURL_PASSWORD",
        "curl",
        rf"curl[ \t][^\n|;&]*?(?<=[ \t])(?:-u|--user)(?:[ \t]+|=){_USER_PASSWORD}",
        -1,
        0,
    ),
    ("NPM_AUTH_TOKEN", "_authtoken= _auth= _password=", r"_(?:authToken|auth|password)=([^\s\"']{8,})", 1, 0),
    # `htpasswd -b [-c] file user password`: -b takes the password from the command line
    (
        "HTPASSWD_PASSWORD",
        "htpasswd",
        rf"htpasswd(?={_FLAGS}*[ \t]+-[A-Za-z]*b){_FLAGS}+[ \t]+\S+[ \t]+\S+[ \t]+{_FLAG_VALUE}",
        -1,
        0,
    ),
    ("AZURE_SHARED_ACCESS_KEY", "sharedaccesskey=", r"SharedAccessKey=([A-Za-z0-9+/]{20,}={0,2})", 1, 0),
    ("AZURE_SAS_SIGNATURE", "sig=", r"(?<=[?&])sig=([A-Za-z0-9%+/]{30,}(?:%3D|=){0,2})", 1, 0),
    # a key as a URL's user, with or without a password after it: a Sentry DSN (`https://<32 hex>@o1.ingest.
    # sentry.io/42`, also self-hosted), `https://<token>@github.com/...`. A user name has no such random run
    ("URL_TOKEN", "://", r"""://([A-Za-z0-9_~+-]{20,})(?::[^\s/?#\[\]@"'<>]*)?@""", 1, 0),
]
CONTEXTUAL = {
    "URL_TOKEN": "strict",
    "NPM_AUTH_TOKEN": "strict",
    "HTPASSWD_PASSWORD": "lenient",
    "SSHPASS_PASSWORD": "lenient",
    "MYSQL_PASSWORD": "lenient",
    "CURL_PASSWORD": "lenient",
}
# formats with no literal to trigger on, each searched over the whole text
UNTRIGGERED: list[tuple[str, str, int]] = [
    # Discord bot token: base64 of a snowflake id (starts M, N or O), a timestamp, an HMAC. The word-start check
    # follows the first letter so that the engine can skip ahead to an M, N or O (2.5x faster)
    (
        "DISCORD_BOT_TOKEN",
        r"[MNO](?<![A-Za-z0-9_-][MNO])[A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,40}(?![A-Za-z0-9_-])",
        0,
    ),
    # a .pgpass line: host:port:database:user:password
    (
        "PGPASS_PASSWORD",
        r"(?m)^[A-Za-z0-9_.*-]+:(?:[0-9]{2,5}|\*):[^\s:#]+:[^\s:]+:([^\s:](?:[^\s:\\]|\\.){3,})[ \t]*\r?$",
        1,
    ),
]
