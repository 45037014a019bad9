"""Serves the browser editor; the editor talks to the REST API only."""
