"""Read models: applying events once, durable consumers, dead letters and rebuilds (DESIGN D7, D8)."""
