"""sphinx."""
