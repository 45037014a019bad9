"""Django admin for the registry: one module per concern, imported here for autodiscovery."""

from registry.admin import catalog, jobs, runs, workflows

__all__ = ["catalog", "jobs", "runs", "workflows"]
