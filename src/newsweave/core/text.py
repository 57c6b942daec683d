"""Small text helpers shared by the store and the displays."""

from __future__ import annotations


def clipped(text: str, limit: int) -> str:
    """``text`` if it has at most ``limit`` characters, else its first ``limit - 1`` (trailing spaces dropped)
    and "…": a label, a source name or a listing entry kept to a width."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
