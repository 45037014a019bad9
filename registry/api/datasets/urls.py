from django.urls import URLPattern, path

from registry.api.datasets import views

urlpatterns: list[URLPattern] = [
    path("datasets/", views.DatasetListApi.as_view(), name="dataset-list"),
    path("datasets/<int:dataset_id>/", views.DatasetDetailApi.as_view(), name="dataset-detail"),
]
