"""Per-article analysis: language, paragraphs and sentences (more stages land here)."""
