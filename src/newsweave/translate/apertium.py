"""Apertium backend: rule-based translation through the ``apertium`` command, when installed.

Debian ships the engine and pairs as packages (``apertium``, ``cg3`` and pairs
such as ``apertium-spa-ita`` and ``apertium-eng-spa``). A request is routed
through an installed pair directly or through one pivot language (Italian to
English goes ita->spa->eng), and answered ``None`` when no route exists, the
binary is missing or a run fails. Output is a gist: names in particular get
mangled (Kim Jong Un -> "Kim Jong A"), so callers should protect them.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import cached_property
from pathlib import Path

from newsweave.analyse.langid import primary_language

# ISO 639-1 -> the ISO 639-3 codes Apertium pairs are named with.
ISO3 = {
    "en": "eng", "it": "ita", "es": "spa", "el": "ell", "fr": "fra", "pt": "por", "ca": "cat",
    "gl": "glg", "oc": "oci", "ro": "ron", "de": "deu", "nl": "nld", "ru": "rus", "uk": "ukr",
    "pl": "pol", "sv": "swe", "da": "dan", "nb": "nob", "nn": "nno", "eu": "eus", "ar": "ara",
}
DATA_DIRS = ("/usr/share/apertium", "/usr/local/share/apertium")
TIMEOUT_S = 120
_MARKS = re.compile(r"(?<![\w#@])[#@](?=\w)")  # '#' generation errors, '@' untranslated lemmas
_MODE = re.compile(r"^[a-z]{2,3}(?:_[A-Za-z]+)?-[a-z]{2,3}(?:_[A-Za-z]+)?$")


class ApertiumTranslator:
    """Translate with the installed Apertium pairs, pivoting through one language if needed."""

    def __init__(self, binary: str | None = None) -> None:
        self.binary = shutil.which(binary or "apertium")  # None unless it can be run
        self.name = f"apertium@{self.version}" if self.version else "apertium"

    @cached_property
    def version(self) -> str | None:
        """The engine's version ("3.8.3"), or ``None`` when the binary is missing."""
        out = self._run(["-V"], "")
        found = re.search(r"\d+(?:\.\d+)+", out or "")
        return found.group() if found else None

    @cached_property
    def modes(self) -> frozenset[str]:
        """Installed translation directions ("ita-spa", "spa-eng", ...)."""
        if not self.binary:
            return frozenset()
        listed = self._run(["-l"], "") or ""
        found = {w for w in listed.split() if _MODE.match(w)}
        for root in DATA_DIRS:
            found |= {p.stem for p in Path(root, "modes").glob("*.mode") if _MODE.match(p.stem)}
        return frozenset(found)

    def available(self) -> bool:
        """Whether the binary and at least one pair are installed."""
        return bool(self.binary and self.modes)

    def route(self, src: str, dst: str) -> list[str] | None:
        """Modes to chain for ``src -> dst`` (direct, else through one pivot), or ``None``."""
        a, b = _code(src), _code(dst)
        if not a or not b or a == b:
            return None
        if f"{a}-{b}" in self.modes:
            return [f"{a}-{b}"]
        pivots = sorted({m.split("-")[1] for m in self.modes if m.startswith(f"{a}-")})
        for pivot in pivots:
            if f"{pivot}-{b}" in self.modes:
                return [f"{a}-{pivot}", f"{pivot}-{b}"]
        return None

    def translate(self, texts: list[str], src: str, dst: str) -> list[str] | None:
        """Translate line by line; ``None`` when there is no route or Apertium fails."""
        steps = self.route(src, dst)
        if steps is None:
            return None
        if not texts:
            return []
        lines = [" ".join(t.split()) for t in texts]
        out = self._pipeline(steps, "\n".join(lines) + "\n")
        if out is None:
            return None
        result = out.rstrip("\n").split("\n")
        if len(result) != len(lines):  # lines merged or split: translate one at a time
            singles = [self._pipeline(steps, line + "\n") for line in lines]
            if any(s is None for s in singles):
                return None
            result = [s.strip() for s in singles if s is not None]
        return [_MARKS.sub("", r).strip() for r in result]

    def _pipeline(self, steps: list[str], text: str) -> str | None:
        for mode in steps:
            out = self._run(["-u", "-f", "txt", mode], text)
            if out is None or (text.strip() and not out.strip()):
                return None
            text = out
        return text

    def _run(self, args: list[str], stdin: str) -> str | None:
        if not self.binary:
            return None
        try:
            proc = subprocess.run([self.binary, *args], input=stdin, capture_output=True, text=True,
                                  timeout=TIMEOUT_S, env={**os.environ, "LC_ALL": "C.UTF-8"})
        except (OSError, subprocess.SubprocessError):
            return None
        if proc.returncode != 0 or "command not found" in proc.stderr:
            return None
        return proc.stdout


def _code(lang: str) -> str | None:
    """ISO 639-3 code of an ISO 639-1 (or already 639-3) language code; region tags dropped."""
    base = primary_language(lang)
    return ISO3.get(base, base if len(base) == 3 else None)
