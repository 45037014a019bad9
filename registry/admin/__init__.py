"""Django admin for the registry: one module per concern, imported here for autodiscovery."""

from registry.admin import catalog, lifecycle, runs, workflows

__all__ = ["catalog", "lifecycle", "runs", "workflows"]
