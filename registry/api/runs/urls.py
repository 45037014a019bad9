from django.urls import URLPattern, path

from registry.api.runs import views

urlpatterns: list[URLPattern] = [
    path("runs/", views.RunListApi.as_view(), name="run-list"),
    path("runs/<int:run_id>/", views.RunDetailApi.as_view(), name="run-detail"),
    path("workflows/<int:workflow_id>/runs/", views.WorkflowRunApi.as_view(), name="workflow-runs"),
    path("models/", views.LocalModelListApi.as_view(), name="local-model-list"),
]
