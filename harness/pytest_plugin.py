"""pytest plugin: placeholder until the replay issue lands (collects nothing yet)."""
