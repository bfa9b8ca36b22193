"""Secret redaction: every kind, stable placeholders, idempotence, and no false positives on ordinary code.

Fake secrets are glued together from fragments so that secret scanners do not flag this file itself.
"""

from __future__ import annotations

import itertools

import pytest

from livepair.context.redact import Redactor, SecretMatch


def glue(*parts: str) -> str:
    """Short fragments keep each literal below secret scanners' entropy and pattern thresholds."""
    return "".join(parts)


GOOGLE = glue("AI", "za", "SyDx7Qk2mP9vR4", "tL8nW3bZ6cF1h", "J5sY0uE_aG")
GOOGLE_2 = glue("AI", "za", "SyC4hT8wLq2Zr6", "Nv0Xb3Mk9Pf1J", "d5Gs7Ye-uR")
OPENAI = glue("sk-", "proj-", "Xy7Kq2Lm9Nb4Vc", "1Zx8Wt5Rs3Pd6F", "g0HjT3Blbk", "FJa1B2c3D4e5F6", "g7H8i9J0")
OPENAI_LEGACY = glue("sk-", "4fT9qLm2Xv8Zr1", "Nb6Wc3Kp7Hd0Js", "5Gy2Ea9Qt4Uo8R", "i1Ml3")
GITHUB = glue("gh", "p_", "A1b2C3d4E5f6G7", "h8I9j0K1l2M3n4", "O5p6Q7r8")
GITHUB_PAT = glue(
    "github", "_pat_", "11ABCDEFG0xYz1", "23456789_AbCdE", "fGhIjKlMnOpQrS", "tUvWxYz0123456", "789abcdefGHIJKL"
)
AWS_ID = glue("AK", "IA", "Z3MQ7XW4", "R2NPLK5D")
AWS_SECRET = glue("wJalrXUtnFEMI/", "K7MDENG/bPxRfi", "CYz9a8b7c6d5e4f")
SLACK = glue("xo", "xb-", "123456789012-", "1234567890123-", "AbCdEfGhIjKlMn", "OpQrStUvWx")
SLACK_HOOK = glue("https://hooks.slack", ".com/services/", "T01ABCDEF/", "B02GHIJKL/", "a1B2c3D4e5F6g7", "H8i9J0k1L2")
JWT = glue(
    "ey",
    "JhbGciOiJIUzI1",
    "NiIsInR5cCI6Ik",
    "pXVCJ9.",
    "eyJzdWIiOiIxMj",
    "M0NTY3ODkwIn0.",
    "dozjgNr_P4J3jV",
    "mNHl0w5N-XgL0n",
    "3I9PlFUP0THsR8U",
)
STRIPE = glue("sk", "_live_", "51HqLm2eZvKYlo", "2C8Xr4Tn6Wb0Pq", "9Sd3Fg7Jk1Lz5Vx")
NPM = glue("np", "m_", "a1B2c3D4e5F6g7", "H8i9J0k1L2m3N4", "o5P6q7R8")
HF = glue("h", "f_", "AbCdEfGhIjKlMn", "OpQrStUvWxYz01", "234567")
PEM_BODY = [
    glue("MIIEpAIBAAKCAQ", "EA3Tz2mr7SZiAM", "fQyuvBjM9Oi"),
    glue("Z1BjP5CE/Wm/Rr", "500PRK+Lh9x5eJ", "Po5CAZ3/ANBE0"),
    glue("sQm3Fe8aS9c7Ad", "0B4kZWyqE="),
]
PEM_BEGIN, PEM_END = glue("-----BEGIN RSA ", "PRIVATE KEY-----"), glue("-----END RSA ", "PRIVATE KEY-----")
PEM = "\n".join([PEM_BEGIN, *PEM_BODY, PEM_END])
HUNTER2 = glue("hun", "ter2")
MIXED_PW = glue("s3cr", "3t-Pa55")
TOKENLIKE = glue("abc123", "def456ghi789")
KEYLIKE = glue("a8f3k2m9", "x7q1w5e4")


def only(redactor: Redactor, text: str) -> SecretMatch:
    [match] = redactor.find(text)
    return match


# (text with one secret, the secret, its kind)
KINDS = [
    (f'const client = new GoogleGenAI({{ apiKey: "{GOOGLE}" }});', GOOGLE, "GOOGLE_API_KEY"),
    (f"https://generativelanguage.googleapis.com/v1beta/models?key={GOOGLE}&alt=sse", GOOGLE, "GOOGLE_API_KEY"),
    (f'client = OpenAI(api_key="{OPENAI}")', OPENAI, "OPENAI_API_KEY"),
    (f"openai.api_key = '{OPENAI_LEGACY}'", OPENAI_LEGACY, "OPENAI_API_KEY"),
    (f"remote: https://{GITHUB}@github.com/acme/app.git", GITHUB, "GITHUB_TOKEN"),
    ("git clone https://x-access-token:" + GITHUB + "@github.com/acme/app", GITHUB, "GITHUB_TOKEN"),  # format wins
    (f"gh auth login --with-token <<< {GITHUB_PAT}", GITHUB_PAT, "GITHUB_TOKEN"),
    (f"aws_access_key_id = {AWS_ID}", AWS_ID, "AWS_ACCESS_KEY_ID"),
    (f"aws_secret_access_key = {AWS_SECRET}", AWS_SECRET, "AWS_SECRET_ACCESS_KEY"),
    (f'Session(aws_access_key_id=key_id, aws_secret_access_key="{AWS_SECRET}")', AWS_SECRET, "AWS_SECRET_ACCESS_KEY"),
    (f"slack = WebClient(token='{SLACK}')", SLACK, "SLACK_TOKEN"),
    (f"requests.post('{SLACK_HOOK}', json=payload)", SLACK_HOOK, "SLACK_TOKEN"),
    (f"> GET /me HTTP/1.1\n> Cookie: session={JWT}\n< 200 OK", JWT, "JWT"),
    (f"stripe.api_key = '{STRIPE}'", STRIPE, "STRIPE_KEY"),
    (f"//npm.internal.example/:_authToken={NPM}", NPM, "NPM_TOKEN"),
    (f"huggingface-cli login --token {HF}", HF, "HUGGINGFACE_TOKEN"),
    (f"curl -H 'Authorization: Bearer {TOKENLIKE}' https://api.example.org", TOKENLIKE, "BEARER_TOKEN"),
    (f"key file:\n{PEM}\nloaded.", PEM, "PRIVATE_KEY"),
    (f"DB_PASSWORD={HUNTER2}", HUNTER2, "DB_PASSWORD"),
    (f'export X_TOKEN="{TOKENLIKE}"', TOKENLIKE, "X_TOKEN"),
    (f'api_key = "{KEYLIKE}"', KEYLIKE, "API_KEY"),
    (f'const apiKey = "{KEYLIKE}";', KEYLIKE, "API_KEY"),
    (f'{{"user": "ada", "password": "{MIXED_PW}"}}', MIXED_PW, "PASSWORD"),
    (f"database:\n  user: ada\n  password: {HUNTER2}\n", HUNTER2, "PASSWORD"),
    (f"DATABASE_URL=postgres://ada:{MIXED_PW}@db.internal:5432/app", MIXED_PW, "URL_PASSWORD"),
    (f"mysql -u root --password={MIXED_PW} app", MIXED_PW, "PASSWORD"),
    (f"<settings><password>{MIXED_PW}</password></settings>", MIXED_PW, "PASSWORD"),
    (f"psql: connecting with host=db user=ada password={MIXED_PW} dbname=app", MIXED_PW, "PASSWORD"),
    (f"Server=db;User Id=sa;Password={MIXED_PW};Encrypt=true", MIXED_PW, "PASSWORD"),
    (f'props.setProperty("password", "{MIXED_PW}");', MIXED_PW, "PASSWORD"),
    (f"const password = `{MIXED_PW}`;", MIXED_PW, "PASSWORD"),
    (f'os.environ["DB_PASSWORD"] = "{MIXED_PW}"', MIXED_PW, "DB_PASSWORD"),
    ('wifi:\n  passphrase: "correct horse ' + 'battery staple"', "correct horse " + "battery staple", "PASSPHRASE"),
]


@pytest.mark.parametrize(("text", "secret", "kind"), KINDS, ids=[f"{k[2]}-{i}" for i, k in enumerate(KINDS)])
def test_each_kind_is_masked_in_place(text: str, secret: str, kind: str) -> None:
    redactor = Redactor()
    out = redactor.redact(text)
    assert secret not in out
    assert out == text.replace(secret, f"<secret:{kind}#1>")  # only the value goes; quotes and names stay
    assert only(Redactor(), text) == SecretMatch(kind, text.index(secret), text.index(secret) + len(secret))


def test_find_spans_are_sorted_and_disjoint() -> None:
    text = f"A={GOOGLE} B={GITHUB}\nDB_PASSWORD={HUNTER2} url=redis://u:{MIXED_PW}@r:6379 {JWT}"
    matches = Redactor().find(text)
    assert [text[m.start : m.end] for m in matches] == [GOOGLE, GITHUB, HUNTER2, MIXED_PW, JWT]
    assert all(a.end <= b.start for a, b in itertools.pairwise(matches))


def test_placeholders_are_stable_and_numbered_per_kind() -> None:
    redactor = Redactor()
    first = redactor.redact(f"a = '{GOOGLE}'\nb = '{GOOGLE_2}'\nc = '{GOOGLE}'\nt = '{GITHUB}'")
    assert first == (
        "a = '<secret:GOOGLE_API_KEY#1>'\nb = '<secret:GOOGLE_API_KEY#2>'\n"
        "c = '<secret:GOOGLE_API_KEY#1>'\nt = '<secret:GITHUB_TOKEN#1>'"
    )
    assert redactor.redact(f"later: {GOOGLE_2}") == "later: <secret:GOOGLE_API_KEY#2>"  # across calls too
    assert redactor.count == 3
    assert Redactor().redact(GOOGLE_2) == "<secret:GOOGLE_API_KEY#1>"  # numbering is per instance


def test_assigned_value_is_masked_where_it_recurs_without_its_name() -> None:
    redactor = Redactor()
    redactor.redact(f"DB_PASSWORD={MIXED_PW}")
    terminal = f"$ psql -c 'select 1'\nFATAL: password authentication failed (tried '{MIXED_PW}')"
    assert redactor.redact(terminal) == terminal.replace(MIXED_PW, "<secret:DB_PASSWORD#1>")
    assert redactor.redact(f"{MIXED_PW}0 is another word") == f"{MIXED_PW}0 is another word"  # whole words only


MIXED = "\n".join(text for text, _, _ in KINDS)


def test_redaction_is_idempotent() -> None:
    redactor = Redactor()
    once = redactor.redact(MIXED)
    assert redactor.redact(once) == once
    assert Redactor().redact(once) == once  # a fresh instance does not re-mask our placeholders either
    assert not Redactor().find(once)
    for _, secret, _ in KINDS:
        assert secret not in once


def test_disabled_redactor_passes_text_through_but_still_finds() -> None:
    redactor = Redactor(enabled=False)
    assert redactor.redact(MIXED) == MIXED
    assert redactor.contains_secret(f"token: {GITHUB}")
    assert not redactor.contains_secret("token = next(tokens)")
    assert len(redactor.find(MIXED)) >= len(KINDS)


def test_repr_never_reveals_secrets() -> None:
    redactor = Redactor()
    redactor.redact(MIXED)
    assert redactor.count > 0
    assert all(secret not in repr(redactor) and secret not in str(redactor) for _, secret, _ in KINDS)


def test_truncated_private_key_is_masked_up_to_the_cut() -> None:
    tail = "$ cat ~/.ssh/id_rsa | head -3\n"
    text = tail + "\n".join([PEM_BEGIN, *PEM_BODY[:2]]) + "\n$ ls\n"
    out = Redactor().redact(text)
    assert out == tail + "<secret:PRIVATE_KEY#1>\n$ ls\n"


def test_private_key_in_json_and_behind_excerpt_gutters() -> None:
    escaped = "\\n".join([PEM_BEGIN, *PEM_BODY, PEM_END]) + "\\n"
    service_account = f'{{\n  "type": "service_account",\n  "private_key": "{escaped}",\n  "project_id": "p"\n}}'
    out = Redactor().redact(service_account)
    assert "MII" not in out and '"private_key": "<secret:PRIVATE_KEY#1>' in out and '"project_id": "p"' in out
    excerpt = "\n".join(f"{n:>5}| {line}" for n, line in enumerate([PEM_BEGIN, *PEM_BODY], start=10))
    assert all(part not in Redactor().redact(excerpt) for part in PEM_BODY)


def test_a_key_marker_without_a_body_is_not_a_secret() -> None:
    code = f'_START = b"{PEM_BEGIN}"\n_END = b"{PEM_END}"\n'
    assert Redactor().redact(code) == code


def test_json_and_yaml_documents() -> None:
    json_doc = f'{{\n  "username": "ada",\n  "api_key": "{KEYLIKE}",\n  "password": "{MIXED_PW}",\n  "retries": 3\n}}'
    assert Redactor().redact(json_doc) == json_doc.replace(KEYLIKE, "<secret:API_KEY#1>").replace(
        MIXED_PW, "<secret:PASSWORD#1>"
    )
    yaml_doc = (
        f"services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD={MIXED_PW}\n      - POSTGRES_USER=ada\n"
        f"  api:\n    secret_key: '{KEYLIKE}'\n    auth_token: {TOKENLIKE}  # rotated monthly\n"
    )
    out = Redactor().redact(yaml_doc)
    assert out == yaml_doc.replace(MIXED_PW, "<secret:POSTGRES_PASSWORD#1>").replace(
        KEYLIKE, "<secret:SECRET_KEY#1>"
    ).replace(TOKENLIKE, "<secret:AUTH_TOKEN#1>")


def test_url_password_replaces_only_the_password() -> None:
    text = f"git remote add origin https://ada:{MIXED_PW}@git.example.org/team/app.git"
    assert Redactor().redact(text) == text.replace(MIXED_PW, "<secret:URL_PASSWORD#1>")
    assert Redactor().redact("postgres://localhost:5432/app and redis://:${REDIS_PASSWORD}@cache:6379") == (
        "postgres://localhost:5432/app and redis://:${REDIS_PASSWORD}@cache:6379"
    )


NOT_SECRETS = [
    "DB_PASSWORD=",
    'api_key = ""',
    "password = None",
    "token: null",
    "AUTH_ENABLED=true",
    "PASSWORD=abc",
    'password = os.environ["DB_PASSWORD"]',
    'api_key = os.getenv("GEMINI_API_KEY")',
    "const token = process.env.GITHUB_TOKEN;",
    "password: ${DB_PASSWORD}",
    "export API_TOKEN=$API_TOKEN",
    "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
    'api_key = "your-api-key"',  # pragma: allowlist secret
    'API_KEY = "YOUR_API_KEY"',  # pragma: allowlist secret
    "GEMINI_API_KEY=your_api_key_here",
    'password = "<secret:DB_PASSWORD#1>"',
    'api_key = "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',  # pragma: allowlist secret
    "token = next(tokens)",
    "password_field = forms.CharField(widget=forms.PasswordInput)",
    'key = "name"',
    "secret_santa()",
    "max_tokens = 4096",
    "MAX_TOKENS=4096",
    "PASSWORD_MIN_LENGTH = 12",
    'TOKEN_URL = "https://oauth2.googleapis.com/token"',
    "PWD=/home/ada/project",
    "self.password = password",
    "    password=password,",
    'raise ValueError("Invalid password.")',
    'INVALID_TOKEN = "Token expired, please sign in again"',
    'headers = {"Authorization": f"Bearer {token}"}',
    "Merge 3f786850e387550fdab836ed7e6dc881de23001b into 9c2b1e5d8a7f6e4d3c2b1a0f9e8d7c6b5a4f3e2d",
    '"password": "string?",',  # pragma: allowlist secret
    "Pass the token with the --token option or the --password flag.",
    "conn = connect(host=host, password=hashed)",
    "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----",
]


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_obvious_non_secrets_are_left_alone(text: str) -> None:
    redactor = Redactor()
    assert redactor.redact(text) == text
    assert not redactor.contains_secret(text)
    assert redactor.count == 0


REALISTIC_CODE = '''\
"""Accounts: sign-up, login and API tokens for the dashboard."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from operator import itemgetter

from django import forms
from django.contrib.auth import authenticate, login
from django.http import HttpRequest, JsonResponse

log = logging.getLogger(__name__)

ENV_VAR_FOR_KEY = "GEMINI_API_KEY"
TOKEN_TTL = timedelta(hours=12)
PASSWORD_MIN_LENGTH = 12
MAX_TOKENS = 4096
SESSION_COOKIE_NAME = "sessionid"
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
api_key = os.getenv(ENV_VAR_FOR_KEY)
# Fixed in 3f786850e387550fdab836ed7e6dc881de23001b, see also 9c2b1e5 and a1b2c3d4e5f6.


class SignupForm(forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField()
    password_field = forms.CharField(widget=forms.PasswordInput)
    confirm_password = forms.CharField(widget=forms.PasswordInput, label="Confirm password")

    def clean(self) -> dict[str, str]:
        data = super().clean()
        password = data.get("password_field")
        if password != data.get("confirm_password"):
            raise forms.ValidationError("Passwords do not match.")
        if len(password or "") < PASSWORD_MIN_LENGTH:
            raise forms.ValidationError(f"Use at least {PASSWORD_MIN_LENGTH} characters.")
        return data


@dataclass
class Token:
    value: str
    user_id: int
    created: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    token_type: str = "bearer"

    @property
    def expired(self) -> bool:
        return datetime.now(timezone.utc) - self.created > TOKEN_TTL


@dataclass
class Account:
    username: str
    password_hash: str
    api_key: str | None = None
    tokens: list[Token] = field(default_factory=list)

    def check_password(self, password: str) -> bool:
        digest = hashlib.sha256(password.encode()).hexdigest()
        return hmac.compare_digest(digest, self.password_hash)

    def issue_token(self) -> Token:
        token = Token(value=secrets.token_urlsafe(32), user_id=id(self))
        self.tokens.append(token)
        return token


def login_view(request: HttpRequest) -> JsonResponse:
    username = request.POST.get("username", "")
    password = request.POST.get("password", "")
    user = authenticate(request, username=username, password=password)
    if user is None:
        log.warning("login failed for %s", username)
        return JsonResponse({"error": "invalid_credentials"}, status=401)
    login(request, user)
    return JsonResponse({"ok": True, "token_type": "bearer"})


def refresh(account: Account, token: str) -> Token:
    current = next((t for t in account.tokens if t.value == token), None)
    if current is None or current.expired:
        raise PermissionError("Token expired, please sign in again")
    return account.issue_token()


def auth_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


def secret_santa(names: list[str]) -> dict[str, str]:
    shuffled = names[:]
    secrets.SystemRandom().shuffle(shuffled)
    return {giver: shuffled[(i + 1) % len(shuffled)] for i, giver in enumerate(shuffled)}


def tokenize(source: str) -> list[str]:
    tokens = iter(source.split())
    out = []
    for _ in range(MAX_TOKENS):
        try:
            token = next(tokens)
        except StopIteration:
            break
        out.append(token)
    return out


def group_by(items: list[dict[str, str]], key: str = "name") -> dict[str, list[dict[str, str]]]:
    groups: dict[str, list[dict[str, str]]] = {}
    for item in sorted(items, key=itemgetter(key)):
        groups.setdefault(item[key], []).append(item)
    return groups


def cache_key(user_id: int, page: int) -> str:
    key = "name"
    sort_key = "created_at"
    primary_key = "id"
    return f"user:{user_id}:{page}:{key}:{sort_key}:{primary_key}"


def settings_summary(settings: dict[str, object]) -> list[str]:
    lines = []
    for key, value in settings.items():
        if "password" in key.lower() or "token" in key.lower() or "secret" in key.lower():
            value = "***"
        lines.append(f"{key} = {value}")
    return lines


class RateLimiter:
    def __init__(self, max_tokens: int = 10, refill_per_second: float = 1.0) -> None:
        self.max_tokens = max_tokens
        self.tokens = float(max_tokens)
        self.refill_per_second = refill_per_second
        self.bypass_cache = False

    def take(self, cost: float = 1.0) -> bool:
        if self.tokens < cost:
            return False
        self.tokens -= cost
        return True


PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_USER_MODEL = "accounts.Account"
AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}]
DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "HOST": "localhost", "PORT": 5432}}
'''
REALISTIC_CLIENT = """\
\"\"\"A small OAuth client with retries, and the CLI around it.\"\"\"

import argparse
import json
import os
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

TOKEN_ENDPOINT = "https://oauth2.googleapis.com/token"
AUTHORIZE_URL = "https://accounts.google.com/o/oauth2/v2/auth"
CREDENTIALS_FILE = Path.home() / ".config" / "acme" / "credentials.json"
DEFAULT_SCOPES = ["openid", "email"]
RETRY_STATUSES = {429, 500, 502, 503}


class Lexer:
    KEYWORDS = {"if", "else", "while", "return"}

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0

    def next_token(self) -> tuple[str, str] | None:
        while self.pos < len(self.source) and self.source[self.pos].isspace():
            self.pos += 1
        if self.pos >= len(self.source):
            return None
        start = self.pos
        while self.pos < len(self.source) and not self.source[self.pos].isspace():
            self.pos += 1
        word = self.source[start : self.pos]
        kind = "keyword" if word in self.KEYWORDS else "name"
        return kind, word


def load_credentials(path: Path = CREDENTIALS_FILE) -> dict[str, str]:
    if not path.exists():
        sys.exit(f"No credentials at {path}; run `acme login` first.")
    data = json.loads(path.read_text())
    return {"client_id": data["client_id"], "client_secret": data["client_secret"]}


def authorize_url(client_id: str, redirect_uri: str, state: str) -> str:
    query = {"client_id": client_id, "redirect_uri": redirect_uri, "response_type": "code", "state": state}
    return AUTHORIZE_URL + "?" + urllib.parse.urlencode(query)


def exchange_code(code: str, creds: dict[str, str], redirect_uri: str) -> dict[str, str]:
    body = urllib.parse.urlencode(
        {
            "code": code,
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
            "redirect_uri": redirect_uri,
            "grant_type": "authorization_code",
        }
    ).encode()
    for attempt in range(5):
        try:
            with urllib.request.urlopen(TOKEN_ENDPOINT, data=body, timeout=10) as resp:
                return json.load(resp)
        except urllib.error.HTTPError as err:
            if err.code not in RETRY_STATUSES:
                raise
            time.sleep(2**attempt)
    raise TimeoutError("token endpoint kept failing")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="acme")
    parser.add_argument("--token", default=os.environ.get("ACME_TOKEN"), help="API token (or set ACME_TOKEN)")
    parser.add_argument("--password-file", type=Path, help="read the password from this file")
    parser.add_argument("--no-verify", action="store_true")
    args = parser.parse_args(argv)
    token = args.token or load_credentials().get("access_token")
    if not token:
        parser.error("no token: pass --token or set ACME_TOKEN")
    password = args.password_file.read_text().strip() if args.password_file else None
    request = urllib.request.Request("https://api.example.org/v1/me")
    request.add_header("Authorization", "Bearer " + token)
    print(json.dumps({"password_set": password is not None, "verify": not args.no_verify}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
"""

REALISTIC_JS = """\
import { GoogleGenAI } from "@google/genai";

const apiKey = process.env.GEMINI_API_KEY;
if (!apiKey) {
  throw new Error("GEMINI_API_KEY is not set");
}
const ai = new GoogleGenAI({ apiKey });
const tokenCount = await ai.models.countTokens({ model: "gemini-2.5-flash", contents: prompt });
const headers = { Authorization: `Bearer ${session.token}`, "Content-Type": "application/json" };
export function isExpired(token) {
  return Date.now() > token.expiresAt;
}
localStorage.setItem(STORAGE_KEY, JSON.stringify(state));
const STORAGE_KEY = "todos";
const passwordInput = document.querySelector("#password");
passwordInput.addEventListener("input", (event) => validate(event.target.value));
"""

REALISTIC_CONFIG = """\
name: ci
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    env:
      GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
      NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
      DATABASE_URL: postgres://postgres@localhost:5432/test
    services:
      db:
        image: postgres:16
        env:
          POSTGRES_PASSWORD: ${DB_PASSWORD}
    steps:
      - uses: actions/checkout@v4
      - run: echo "$DOCKER_PASSWORD" | docker login --username ada --password-stdin
      - run: pytest -q --maxfail=1
"""

REALISTIC_SHELL = """\
$ git log --oneline -3
3f78685 Rotate the API key loader to read from the keychain
9c2b1e5 Add token refresh
a1b2c3d Fix password reset email
$ export GEMINI_API_KEY="$(security find-generic-password -s gemini -w)"
$ read -rs DB_PASSWORD && export DB_PASSWORD
$ curl -sS -H "Authorization: Bearer $TOKEN" https://api.example.org/v1/me
{"id": 42, "name": "Ada", "token_expires_in": 3600}
$ env | grep -i path
PATH=/usr/local/bin:/usr/bin:/bin
PWD=/home/ada/project
TOKENIZERS_PARALLELISM=false
"""

REALISTIC_DIAGNOSTICS = """\
Diagnostics (4):
- accounts/views.py:41:5 error [Pyright]: "str | None" is not assignable to parameter "password" of type "str"
- accounts/tokens.py:12:1 warning [Ruff F401]: `secrets` imported but unused
- web/src/api.ts:3:7 error [ts 2322]: Type 'undefined' is not assignable to type 'string' (const apiKey)
- .env.example:2:1 hint: GEMINI_API_KEY=your-api-key, DB_PASSWORD=changeme
Last terminal command: `pytest -q tests/test_auth.py` (exit 1). Output tail:
FAILED tests/test_auth.py::test_refresh_token - PermissionError: Token expired, please sign in again
E   google.genai.errors.ClientError: 400 INVALID_ARGUMENT. API key not valid. Please pass a valid API key.
1 failed, 23 passed in 0.84s
"""


def test_no_false_positives_on_realistic_code() -> None:
    sample = "\n".join(
        [REALISTIC_CODE, REALISTIC_CLIENT, REALISTIC_JS, REALISTIC_CONFIG, REALISTIC_SHELL, REALISTIC_DIAGNOSTICS]
    )
    assert len(sample.splitlines()) >= 300
    for needle in ("token = next(tokens)", "password_field = forms.CharField", 'key = "name"', "secret_santa("):
        assert needle in sample
    redactor = Redactor()
    assert redactor.find(sample) == []
    assert redactor.redact(sample) == sample


def test_long_minified_lines_stay_linear() -> None:
    line = 'var a={key:b.c,token:d[0],pass:e};f("sk-",g);' * 5000  # ~230 KB, thousands of triggers, one line
    assert Redactor().redact(line + f" k={GOOGLE}") == line + " k=<secret:GOOGLE_API_KEY#1>"


def test_non_ascii_text_keeps_offsets() -> None:
    text = f"İstanbul ünïcode — DB_PASSWORD={MIXED_PW} ✓ and {GOOGLE}"
    assert Redactor().redact(text) == (
        "İstanbul ünïcode — DB_PASSWORD=<secret:DB_PASSWORD#1> ✓ and <secret:GOOGLE_API_KEY#1>"
    )
