"""Honest hints: what the error says in plain words, where, and what the advisor could not tell."""

from __future__ import annotations

HONEST = "I can't tell the cause from here"
