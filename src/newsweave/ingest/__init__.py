"""Ingestion: sources -> extracted, normalised text -> dedup -> store."""
