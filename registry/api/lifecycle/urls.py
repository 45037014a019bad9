from django.urls import URLPattern, path

from registry.api.lifecycle import views

# Included before the catalog's URLs: `blocks/<path:...>/` there would swallow `.../usages/`.
urlpatterns: list[URLPattern] = [
    path("compatibility/", views.CompatibilityApi.as_view(), name="compatibility"),
    path(
        "families/<path:family>/compatibility/check/",
        views.FamilyCompatibilityCheckApi.as_view(),
        name="family-compatibility-check",
    ),
    path("families/<path:family>/compatibility/", views.FamilyCompatibilityApi.as_view(), name="family-compatibility"),
    path("families/<path:family>/diff/", views.FamilyDiffApi.as_view(), name="family-diff"),
    path("blocks/<path:type_identifier>/usages/", views.BlockUsagesApi.as_view(), name="block-usages"),
    path("workflows/upgrade/", views.UpgradePreviewApi.as_view(), name="workflow-upgrade-preview"),
    path("workflows/<int:workflow_id>/upgrade/", views.WorkflowUpgradeApi.as_view(), name="workflow-upgrade"),
    path("audit/", views.AuditListApi.as_view(), name="audit-list"),
]
