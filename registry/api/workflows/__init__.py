"""Workflow endpoints: validation."""
