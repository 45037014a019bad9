"""Roboflow-compatible routes at the root (spec section 4)."""

from django.urls import URLPattern, URLResolver, path

from registry.roboflow import describe, run, validate

urlpatterns: list[URLPattern | URLResolver] = [
    path("workflows/blocks/describe", describe.blocks_describe, name="roboflow-describe"),
    path("workflows/definition/schema", describe.definition_schema, name="roboflow-definition-schema"),
    path("workflows/validate", validate.workflow_validate, name="roboflow-validate"),
    path("workflows/execution_engine/versions", describe.execution_engine_versions, name="roboflow-ee-versions"),
    path("workflows/run", run.workflow_run, name="roboflow-run"),
    # Last: this pattern would take any `/{a}/workflows/{b}` path.
    path("<str:workspace>/workflows/<str:workflow_id>", run.saved_workflow_run, name="roboflow-saved-run"),
]
