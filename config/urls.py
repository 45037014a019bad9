"""Root URL map: native API, Roboflow-compatible routes, block docs, admin, the editor."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from registry.health import healthz
from registry.metrics import metrics

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="openapi-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="openapi-schema"), name="openapi-docs"),
    path(
        "api/redoc/",
        SpectacularRedocView.as_view(url_name="openapi-schema", template_name="registry/redoc.html"),
        name="openapi-redoc",
    ),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("api/v1/", include("registry.api.urls")),
    path("docs/", include("registry.docs.urls")),
    path("", include("frontend.urls")),
    # Roboflow's routes come last: `/{workspace}/workflows/{id}` would shadow anything after it.
    path("", include("registry.roboflow.urls")),
]

# Unmatched URLs and requests Django refuses answer in the API's error shape under /api/.
handler404 = "registry.api.errors.page_not_found"
handler400 = "registry.api.errors.bad_request"
