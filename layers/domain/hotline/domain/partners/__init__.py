"""Partner systems: their records, API keys and usage."""
