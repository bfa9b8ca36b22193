"""What the setup tells each model about the run tools, and what the environment of a run keeps."""

from __future__ import annotations

from google.genai import types

from livepair.backends.gemini_setup import live_config, non_blocking
from livepair.backends.live_models import live_model
from livepair.config import Settings
from livepair.session.environment import is_secret_name, scrubbed
from livepair.session.tools import DECLARATIONS


def behaviours(model: str) -> dict[str, str | None]:
    config = live_config(Settings(model=model), live_model(model), DECLARATIONS, "system", None)
    (tool,) = config.tools or []
    assert isinstance(tool, types.Tool)
    return {d.name or "": (d.behavior.value if d.behavior else None) for d in tool.function_declarations or []}


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
