from django.urls import URLPattern, path

from registry.api.workflows import views

urlpatterns: list[URLPattern] = [
    path("workflows/validate/", views.WorkflowValidateApi.as_view(), name="workflow-validate"),
]
