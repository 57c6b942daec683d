"""Products built from the analysed store: timelines (summaries and search land here too)."""
