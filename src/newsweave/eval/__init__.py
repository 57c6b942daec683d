"""Quality evaluation of the analysis stages on the labelled sets in ../shared/data."""

from __future__ import annotations

import json
from pathlib import Path
from collections.abc import Iterator
from typing import Any

from newsweave.core.errors import InputError


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The rows of a development-set JSONL file (blank lines skipped); a line that is not a JSON object
    (or a file that is not UTF-8) is an ``InputError`` naming the file and line."""
    return [row for _, row in numbered_rows(path)]


def numbered_rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line number, object)`` for each non-blank line of a JSONL file, as :func:`read_jsonl` checks them."""
    try:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(str(path), f"malformed JSON line: {exc.msg}", n) from None
                if not isinstance(row, dict):
                    raise InputError(str(path), "a JSON line must be an object", n)
                yield n, row
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
