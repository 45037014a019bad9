"""Run endpoints and local model registration."""
