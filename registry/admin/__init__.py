"""Django admin for the registry: one module per concern, imported here for autodiscovery."""

from registry.admin import catalog, runs, workflows

__all__ = ["catalog", "runs", "workflows"]
