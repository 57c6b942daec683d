"""Settings: packaged defaults < config file < environment < CLI flags.

The config file is TOML, found at ``$NEWSWEAVE_CONFIG`` or ``./newsweave.toml``;
keys are the field names of :class:`Settings`.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from newsweave.core.errors import ConfigError

DEFAULT_DB = "newsweave.db"
# How much of an article is analysed: its first ANALYSE_CHARS characters (the stages cut after the last
# whole sentence). Near-duplicate shingles and paragraph languages stop there too, and the search index
# holds that prefix (PostgreSQL's 1 MB tsvector cap bounds it). Longer texts are web-page dumps: ML-Crisis
# holds a 2 MB comment thread, over a third of the text of the first 300 articles of the set. 50,000
# characters (some 8,000 words, past the longest news story) rather than 200,000 took a quarter off the text
# those articles' stages read (bench/pipeline_overhead.py: entities 6.4 -> 4.8 s, linking 2.5 -> 1.7 s) with
# ML-Crisis storylines at 0.902 in-sample (0.906) and 0.861 held out (0.856), timelines 0.223 (0.219).
ANALYSE_CHARS = 50_000
# How far past today a publication date may lie (time zones, embargoed releases): a stated date further
# ahead is an input error, a dateline further ahead is taken as misread.
FUTURE_DAYS = 2


def latest_publication() -> dt.date:
    """The last day a publication date may name: today plus ``FUTURE_DAYS``."""
    return dt.date.today() + dt.timedelta(days=FUTURE_DAYS)


@dataclass(frozen=True)
class Settings:
    """Everything a run can be told. Defaults suit a laptop."""

    db: str = DEFAULT_DB
    max_bytes: int = 20_000_000  # one file or fetched page; a JSONL corpus is limited per line
    fetch_timeout: float = 20.0
    user_agent: str = "newsweave/0.1 (+https://github.com/newsweave/newsweave; news research bot)"
    near_dup_threshold: float = 0.8
    batch_size: int = 200


_ENV = {
    "db": "NEWSWEAVE_DB",
    "max_bytes": "NEWSWEAVE_MAX_BYTES",
    "fetch_timeout": "NEWSWEAVE_FETCH_TIMEOUT",
    "user_agent": "NEWSWEAVE_USER_AGENT",
    "near_dup_threshold": "NEWSWEAVE_NEAR_DUP_THRESHOLD",
    "batch_size": "NEWSWEAVE_BATCH_SIZE",
}


def _coerce(name: str, value: object) -> object:
    kind = type(getattr(Settings, name))
    try:
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name}={value!r} is not a valid {kind.__name__}") from exc


def _from_file(path: Path) -> dict[str, object]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {exc}") from exc
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ConfigError(f"{path}: unknown settings {', '.join(unknown)}")
    return data


def load_settings(**overrides: object) -> Settings:
    """Resolve settings; ``overrides`` (CLI flags) win, ``None`` means unset."""
    values: dict[str, object] = {}
    cfg = os.environ.get("NEWSWEAVE_CONFIG")
    path = Path(cfg) if cfg else Path("newsweave.toml")
    if cfg or path.exists():
        values.update(_from_file(path))
    for name, env in _ENV.items():
        if env in os.environ:
            values[name] = os.environ[env]
    values.update({k: v for k, v in overrides.items() if v is not None})
    return replace(Settings(), **{k: _coerce(k, v) for k, v in values.items()})
