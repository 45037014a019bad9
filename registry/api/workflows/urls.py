from django.urls import URLPattern, path

from registry.api.workflows import views

urlpatterns: list[URLPattern] = [
    path("workflows/validate/", views.WorkflowValidateApi.as_view(), name="workflow-validate"),
    path("workflows/", views.WorkflowListApi.as_view(), name="workflow-list"),
    path("workflows/deleted/", views.WorkflowDeletedListApi.as_view(), name="workflow-deleted-list"),
    path("workflows/<int:workflow_id>/duplicate/", views.WorkflowDuplicateApi.as_view(), name="workflow-duplicate"),
    path("workflows/<int:workflow_id>/restore/", views.WorkflowRestoreApi.as_view(), name="workflow-restore"),
    path("workflows/<int:workflow_id>/", views.WorkflowDetailApi.as_view(), name="workflow-detail"),
    path("workflows/<int:workflow_id>/revisions/", views.RevisionListApi.as_view(), name="workflow-revisions"),
    path("workflows/<int:workflow_id>/publish/", views.WorkflowPublishApi.as_view(), name="workflow-publish"),
    path("workflows/<int:workflow_id>/export/", views.WorkflowExportApi.as_view(), name="workflow-export"),
    path(
        "workflows/<int:workflow_id>/revisions/<int:number>/",
        views.RevisionDetailApi.as_view(),
        name="workflow-revision",
    ),
    path(
        "workflows/<int:workflow_id>/revisions/<int:number>/restore/",
        views.RevisionRestoreApi.as_view(),
        name="workflow-revision-restore",
    ),
]
