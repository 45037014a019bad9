"""Roboflow-compatible routes at the root (spec section 4)."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
