"""Django admin for the registry: one module per concern, imported here for autodiscovery."""
