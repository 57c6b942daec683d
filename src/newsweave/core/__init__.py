"""Records, configuration and errors shared by every stage."""
