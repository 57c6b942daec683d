"""The default translator: translates nothing, so products use their own fallbacks."""

from __future__ import annotations


class NoTranslator:
    """Answers ``None`` for every request."""

    name = "none"

    def translate(self, texts: list[str], src: str, dst: str) -> list[str] | None:
        """Always ``None``: no translation is available offline by default."""
        return None
