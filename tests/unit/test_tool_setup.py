"""What the setup tells each model about the run tools, and what the environment of a run keeps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from google.genai import types

from livepair.backends.gemini_setup import declarations, live_config, non_blocking
from livepair.backends.live_models import MODELS, live_model
from livepair.config import Settings
from livepair.session.environment import is_secret_name, scrubbed
from livepair.session.tools.catalogue import REGISTRY

DECLARATIONS = declarations(REGISTRY.declarations())
# What main sent each model before the tools became one registry (captured from its live_config, then frozen).
SENT_BEFORE = json.loads((Path(__file__).parent / "data" / "gemini_declarations.json").read_text())


def sent(model: str) -> list[types.FunctionDeclaration]:
    config = live_config(Settings(model=model), live_model(model), DECLARATIONS, "system", None)
    (tool,) = [t for t in config.tools or [] if isinstance(t, types.Tool) and t.function_declarations]
    assert isinstance(tool, types.Tool)  # (the other tool, if any, is Google Search)
    return tool.function_declarations or []


def behaviours(model: str) -> dict[str, str | None]:
    return {d.name or "": (d.behavior.value if d.behavior else None) for d in sent(model)}


@pytest.mark.parametrize("model", sorted(MODELS))
def test_the_registry_declares_to_each_model_exactly_what_was_sent_before(model: str) -> None:
    before: dict[str, Any] = SENT_BEFORE[model]
    now = [d.model_dump(mode="json", exclude_none=True) for d in sent(model)]
    assert [d["name"] for d in now] == [d["name"] for d in before["function_declarations"]]  # same order
    assert json.dumps(now, sort_keys=True) == json.dumps(before["function_declarations"], sort_keys=True)
    assert sorted(non_blocking(live_model(model), DECLARATIONS)) == before["non_blocking"]


def test_the_adapter_speaks_the_live_schema_dialect_from_plain_json_schema() -> None:
    (apply_edit,) = [d for d in DECLARATIONS if d["name"] == "apply_edit"]
    items = apply_edit["parameters"]["properties"]["edits"]["items"]
    assert apply_edit["parameters"]["type"] == "OBJECT" and items["properties"]["path"]["type"] == "STRING"
    assert {t.name: t.parameters["type"] for t in REGISTRY} == {t.name: "object" for t in REGISTRY}
    assert "behavior" not in apply_edit  # blocking is the default, added per model by live_config


def test_run_tools_do_not_hold_the_conversation_where_the_model_allows_async_calls() -> None:
    seen = behaviours("gemini-3.8-live")
    assert seen["run_command"] == seen["run_python"] == "NON_BLOCKING"
    assert seen["annotate"] == seen["read_file"] == "BLOCKING"  # part of the answer that follows them
    assert non_blocking(live_model("gemini-3.8-live"), DECLARATIONS) == {"run_command", "run_python"}


def test_models_with_only_synchronous_calls_get_no_behavior_at_all() -> None:
    assert set(behaviours("gemini-3.1-flash-live-preview").values()) == {None}  # they refuse NON_BLOCKING (1007)
    assert non_blocking(live_model("gemini-3.1-flash-live-preview"), DECLARATIONS) == frozenset()


def test_the_environment_of_a_run_loses_keys_and_tokens_only() -> None:
    env = {
        "GEMINI_API_KEY": "k",
        "GOOGLE_API_KEY": "k",
        "GITHUB_TOKEN": "t",
        "ci_deploy_token": "t",
        "DB_PASSWORD": "p",
        "AWS_SECRET_ACCESS_KEY": "s",
        "STRIPE_SECRET": "s",
        "SSH_AUTH_SOCK": "/run/agent",
        "PATH": "/usr/bin",
        "PWD": "/w",
        "HOME": "/root",
        "KEYBOARD_LAYOUT": "us",
        "VIRTUAL_ENV": "/w/.venv",
        "ELECTRON_RUN_AS_NODE": "1",
        "VSCODE_IPC_HOOK_CLI": "/run/vscode.sock",
    }
    assert scrubbed(env) == {
        "PATH": "/usr/bin",
        "PWD": "/w",
        "HOME": "/root",
        "KEYBOARD_LAYOUT": "us",
        "VIRTUAL_ENV": "/w/.venv",
    }
    assert not is_secret_name("MONKEY") and is_secret_name("API_KEY")
