from django.urls import URLPattern, path

from registry.api.catalog import views

# `path:` converters take identifiers as they are (slashes and `@`); suffixed routes come first.
urlpatterns: list[URLPattern] = [
    path("kinds/", views.KindListApi.as_view(), name="kind-list"),
    path("kinds/<str:name>/", views.KindDetailApi.as_view(), name="kind-detail"),
    path("blocks/", views.BlockListApi.as_view(), name="block-list"),
    path("blocks/<path:type_identifier>/connections/", views.BlockConnectionsApi.as_view(), name="block-connections"),
    path("blocks/<path:type_identifier>/state/", views.BlockStateApi.as_view(), name="block-state"),
    path("blocks/<path:type_identifier>/", views.BlockDetailApi.as_view(), name="block-detail"),
    path("connections/", views.connection_graph, name="connection-graph"),
]
