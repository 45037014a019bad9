"""Block documentation pages under /docs/."""

from django.urls import URLPattern, path

from registry.docs import views

urlpatterns: list[URLPattern] = [
    path("blocks/<path:type_identifier>/", views.block_docs, name="block-docs"),
]
