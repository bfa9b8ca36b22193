"""Key shapes the redactor used to let through in workspace text (issue 21's last known gaps): AWS's documentation
example keys, Sentry DSNs (a key as a URL's user) and a service's key under a `<SERVICE>_API` name.

A value with the shape of a key is treated as a key even when it contains a placeholder word (`EXAMPLE`): a real
key may, and a copied documentation key is still a credential's shape. Placeholders that show they are placeholders
(`your-api-key`, `<token>`, `xxxx`, `***`) stay visible. Values are glued from fragments so scanners do not flag
this file.
"""

from __future__ import annotations

import pytest

from livepair.context.redact import Redactor


def glue(*parts: str) -> str:
    return "".join(parts)


AWS_EXAMPLE_ID = glue("AKIA", "IOSFODNN7", "EXAMPLE")
AWS_EXAMPLE_SECRET = glue("wJalrXUtnFEMI/", "K7MDENG/bPxRfiCY", "EXAMPLEKEY")
SENTRY_KEY = glue("9f86d081884c7d65", "9a2feaa0c55ad015")
SENTRY_DSN = f"https://{SENTRY_KEY}@o1.ingest.sentry.io/42"
SELF_HOSTED_DSN = f"https://{SENTRY_KEY}@sentry.internal.example:9000/7"
HEROKU = glue("hk-", "9f86d081884c7d65", "9a2feaa0c55ad015")

# (line, the secret in it)
LINES = [
    (f"AWS_ACCESS_KEY_ID={AWS_EXAMPLE_ID}", AWS_EXAMPLE_ID),
    (f'aws_access_key_id = "{AWS_EXAMPLE_ID}"', AWS_EXAMPLE_ID),
    (f"  aws_access_key_id: {AWS_EXAMPLE_ID}", AWS_EXAMPLE_ID),
    (f"Found key {AWS_EXAMPLE_ID} in the logs", AWS_EXAMPLE_ID),
    (f"AWS_SECRET_ACCESS_KEY={AWS_EXAMPLE_SECRET}", AWS_EXAMPLE_SECRET),
    (f"export AWS_SECRET_ACCESS_KEY='{AWS_EXAMPLE_SECRET}'", AWS_EXAMPLE_SECRET),
    (f"aws_secret_access_key = {AWS_EXAMPLE_SECRET}", AWS_EXAMPLE_SECRET),
    (f'  "aws_secret_access_key": "{AWS_EXAMPLE_SECRET}",', AWS_EXAMPLE_SECRET),
    (f"SENTRY_DSN={SENTRY_DSN}", SENTRY_KEY),
    (f'sentry_sdk.init(dsn="{SENTRY_DSN}", traces_sample_rate=1.0)', SENTRY_KEY),
    (f"Sentry.init({{ dsn: '{SELF_HOSTED_DSN}' }});", SENTRY_KEY),
    (f"HEROKU_API={HEROKU}", HEROKU),
    (f'heroku_api = "{HEROKU}"', HEROKU),
    (f"  herokuApi: {HEROKU}", HEROKU),
    (f"deploy --heroku-api {HEROKU} --app shop", HEROKU),
]


@pytest.mark.parametrize(("line", "secret"), LINES, ids=[line[:40] for line, _ in LINES])
def test_key_shapes_are_redacted(line: str, secret: str) -> None:
    out = Redactor().redact(line)
    assert secret not in out and "<secret:" in out, out


def test_in_a_document_and_in_terminal_output() -> None:
    """As the digest sends them: a whole .env-like file, and `env` printed in a terminal."""
    document = "\n".join(["# deploy settings", *(line for line, _ in LINES[::2]), "DEBUG=false"])
    redactor = Redactor()
    out = redactor.redact_document(document)
    assert not [s for _, s in LINES[::2] if s in out]
    assert out.count("\n") == document.count("\n") and "DEBUG=false" in out


@pytest.mark.parametrize(
    "line",
    [
        'AWS_ACCESS_KEY_ID="your-access-key-id"',
        "aws_secret_access_key = <your secret key>",
        "export AWS_SECRET_ACCESS_KEY=EXAMPLEKEY",
        "AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX",
        'api_key = "your-api-key-here"',
        'SENTRY_DSN="https://examplePublicKey@o0.ingest.sentry.io/0"',
        "git clone https://git@github.com/acme/shop.git",
        "https://deploy-bot@ci.example.com/job/42",
        'GITHUB_API = "https://api.github.com"',
        "GRAPHQL_API=https://api.example.com/graphql/v2",
        'rest_api = "v1beta1"',
        "PUBLIC_API=pk_live_support_widget",
        "  networking_api: networking.k8s.io/v1",
    ],
)
def test_placeholders_and_ordinary_values_stay(line: str) -> None:
    assert Redactor().find(line) == [], line
