"""What each Gemini Live model accepts, so the daemon sends each model only that.

From the public model pages as of late 2026 (../shared/facts/live-api.md "Models differ"): `gemini-3.8-live` is the
stable default (client content for the whole session, asynchronous calls by default, proactive audio always on and
not settable, no thinking config, audio out only); `gemini-3.1-flash-live-preview` takes client content only as
initial history (later text goes as realtime input), no proactivity, synchronous calls only, `thinkingLevel`; the
2.5 native-audio models take everything (proactivity on v1alpha, `thinkingBudget`). A model not in the table is
tried with the most conservative setup; the service answers 1008 "not found" for retired ones.

Google Search grounding is supported on the current Live models, but combining it with function declarations has
produced 1007 closes for some users; the legacy 3.1 preview is treated as refusing the combination (grounding off
there, and the status says so), the others take both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ContextPath = Literal["client_content", "realtime_text"]
ProactivityMode = Literal["settable", "always", "unsupported"]
ThinkingMode = Literal["budget", "level", "none"]


@dataclass(frozen=True)
class LiveModel:
    name: str
    context: ContextPath = "client_content"  # how text context goes once the conversation has started
    proactivity: ProactivityMode = "unsupported"
    async_functions: bool = False  # NON_BLOCKING declarations and response scheduling
    thinking: ThinkingMode = "none"
    text_output: bool = False  # native-audio models refuse responseModalities TEXT
    search_with_functions: bool = True  # googleSearch in the same setup as function declarations
    stage: Literal["stable", "preview", "unknown"] = "unknown"


_MODELS = (
    LiveModel("gemini-3.8-live", proactivity="always", async_functions=True, stage="stable"),
    LiveModel(
        "gemini-3.8-live-extended-thinking",
        proactivity="always",
        async_functions=True,
        thinking="level",
        stage="stable",
    ),
    LiveModel(
        "gemini-3.1-flash-live-preview",
        context="realtime_text",
        thinking="level",
        search_with_functions=False,
        stage="preview",
    ),
    LiveModel(
        "gemini-2.5-flash-native-audio-preview-12-2025",
        proactivity="settable",
        async_functions=True,
        thinking="budget",
        stage="preview",
    ),
    LiveModel("gemini-live-2.5-flash-native-audio", proactivity="settable", async_functions=True, thinking="budget"),
)
MODELS = {m.name: m for m in _MODELS}
CURRENT = (*(m.name for m in _MODELS if m.stage == "stable"), "gemini-3.1-flash-live-preview")


def live_model(name: str) -> LiveModel:
    """The model's capabilities; a name the table does not know gets the conservative defaults."""
    return MODELS.get(name.rsplit("/", 1)[-1], LiveModel(name, search_with_functions=False))


def grounding_note(wanted: bool, model: LiveModel) -> str:
    """Why web search is off for this session, or "" when it is on (or not wanted)."""
    if wanted and not model.search_with_functions:
        return f"Web search is off: {model.name} does not take Google Search together with the editor's tools."
    return ""


def not_available(name: str) -> str:
    return f"Model '{name}' is not available. Set livepair.model to a current Live model: {', '.join(CURRENT)}."
