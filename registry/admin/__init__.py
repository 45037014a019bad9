"""Django admin for the registry: one module per concern, imported here for autodiscovery."""

from registry.admin import catalog, evaluations, jobs, lifecycle, runs, workflows

__all__ = ["catalog", "evaluations", "jobs", "lifecycle", "runs", "workflows"]
