"""The schema registry: the one Django app with models, its services, selectors and HTTP surfaces."""
