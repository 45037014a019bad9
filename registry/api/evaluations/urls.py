from django.urls import URLPattern, path

from registry.api.evaluations import items, views

urlpatterns: list[URLPattern] = [
    path(
        "workflows/<int:workflow_id>/evaluations/", views.WorkflowEvaluationApi.as_view(), name="workflow-evaluations"
    ),
    path("evaluations/", views.EvaluationListApi.as_view(), name="evaluation-list"),
    path("evaluations/<int:evaluation_id>/", views.EvaluationDetailApi.as_view(), name="evaluation-detail"),
    path(
        "evaluations/<int:evaluation_id>/predictions.csv",
        views.EvaluationPredictionsCsvApi.as_view(),
        name="evaluation-predictions-csv",
    ),
    path("evaluations/<int:evaluation_id>/cancel/", views.EvaluationCancelApi.as_view(), name="evaluation-cancel"),
    path("evaluations/<int:evaluation_id>/retry/", views.EvaluationRetryApi.as_view(), name="evaluation-retry"),
    path(
        "evaluations/<int:evaluation_id>/compare/<int:other_id>/",
        views.EvaluationCompareApi.as_view(),
        name="evaluation-compare",
    ),
    path("evaluations/<int:evaluation_id>/items/", items.EvaluationItemListApi.as_view(), name="evaluation-items"),
    path(
        "evaluations/<int:evaluation_id>/items/<int:index>/image",
        items.EvaluationItemImageApi.as_view(),
        name="evaluation-item-image",
    ),
]
