from django.urls import URLPattern, path

from registry.api.jobs import views

urlpatterns: list[URLPattern] = [
    path("workflows/<int:workflow_id>/jobs/", views.WorkflowJobApi.as_view(), name="workflow-jobs"),
    path("jobs/", views.JobListApi.as_view(), name="job-list"),
    path("jobs/<int:job_id>/", views.JobDetailApi.as_view(), name="job-detail"),
    path("jobs/<int:job_id>/summary/", views.JobSummaryApi.as_view(), name="job-summary"),
    path("jobs/<int:job_id>/results.jsonl", views.JobResultsJsonlApi.as_view(), name="job-results-jsonl"),
    path("jobs/<int:job_id>/results.csv", views.JobResultsCsvApi.as_view(), name="job-results-csv"),
    path("jobs/<int:job_id>/cancel/", views.JobCancelApi.as_view(), name="job-cancel"),
    path("jobs/<int:job_id>/retry/", views.JobRetryApi.as_view(), name="job-retry"),
]
