"""The cost meter: token use summed over the whole session (the service reports it per turn, and a reconnect
starts its count again), per modality, with an estimated cost from the price table (`config.PRICES`, `prices`)."""

from __future__ import annotations

from collections import Counter

from livepair.backends.backend import Usage
from livepair.config import Settings, prices
from livepair.model import UsageTotals

_PRICE_KEY = {"TEXT": "text", "AUDIO": "audio", "IMAGE": "image", "VIDEO": "image"}


class Meter:
    def __init__(self, settings: Settings) -> None:
        self._prices = prices(settings)
        self.turns = 0
        self.prompt = 0
        self.response = 0
        self.total = 0
        self.prompt_by_modality: Counter[str] = Counter()
        self.response_by_modality: Counter[str] = Counter()

    def add(self, usage: Usage) -> None:
        self.turns += 1
        self.prompt += usage.prompt_tokens
        self.response += usage.response_tokens
        self.total += usage.total_tokens or usage.prompt_tokens + usage.response_tokens
        self.prompt_by_modality.update(dict(usage.prompt_by_modality))
        self.response_by_modality.update(dict(usage.response_by_modality))

    def cost_usd(self) -> float:
        """Per modality where the service said; tokens it did not break down are priced as text."""
        cost = 0.0
        for direction, total, by in (
            ("In", self.prompt, self.prompt_by_modality),
            ("Out", self.response, self.response_by_modality),
        ):
            for modality, tokens in by.items():
                cost += tokens * self._prices[_PRICE_KEY.get(modality, "text") + direction]
            cost += max(0, total - sum(by.values())) * self._prices["text" + direction]
        return cost / 1_000_000

    def totals(self) -> UsageTotals:
        return UsageTotals(
            prompt_tokens=self.prompt,
            response_tokens=self.response,
            total_tokens=self.total,
            turns=self.turns,
            prompt_by_modality=dict(self.prompt_by_modality),
            response_by_modality=dict(self.response_by_modality),
            estimated_cost_usd=round(self.cost_usd(), 6),
        )
