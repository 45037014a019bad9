"""The native API: one URL module per concern, included here."""

from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    # Lifecycle first: its `blocks/<id>/usages/` must match before the catalog's `blocks/<id>/`.
    path("", include("registry.api.lifecycle.urls")),
    path("", include("registry.api.catalog.urls")),
    path("", include("registry.api.workflows.urls")),
    path("", include("registry.api.auth.urls")),
    path("", include("registry.api.runs.urls")),
    path("", include("registry.api.jobs.urls")),
    path("", include("registry.api.datasets.urls")),
    path("", include("registry.api.evaluations.urls")),
]
