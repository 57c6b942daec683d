"""Temporal tagging: time expressions in any CLDR language, normalised against the publication date."""

from newsweave.analyse.time.model import TimeExpr
from newsweave.analyse.time.role import classify_role
from newsweave.analyse.time.tagger import tag_times, tag_with_cores

__all__ = ["TimeExpr", "classify_role", "tag_times", "tag_with_cores"]
