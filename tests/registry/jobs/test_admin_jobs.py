"""The jobs admin: jobs with status and counts, their items, and the retry action."""

from __future__ import annotations

import pytest
from django.test import Client

from registry.models import Job, JobItemStatus, JobResult, JobStatus
from registry.services.job_items import ItemOutcome, job_results_write
from tests.registry.conftest import make_user
from tests.registry.jobs.conftest import png, zip_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def finished_job(alice_api, demo_workflow):
    body = {"images": zip_of({"a.png": png("red"), "b.png": png("blue")})}
    job = Job.objects.get(pk=alice_api.post(f"/api/v1/workflows/{demo_workflow.pk}/jobs/", body).json()["id"])
    first, second = job.items.order_by("index")
    error = {"code": "model_timeout", "message": "slow", "step": "classifier"}
    answers = [
        (first, ItemOutcome(status=JobItemStatus.SUCCEEDED, outputs={"p": {"top": "red"}})),
        (second, ItemOutcome(status=JobItemStatus.FAILED, error=error)),
    ]
    job_results_write(answers=answers)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.COMPLETED_WITH_ERRORS)
    return job


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(make_user("root", staff=True, is_superuser=True))
    return client


def test_the_job_list_shows_status_and_counts(admin_client, finished_job):
    response = admin_client.get("/admin/registry/job/")
    assert response.status_code == 200
    [row] = response.context["cl"].result_list
    admin = response.context["cl"].model_admin
    assert (row.pk, row.status, row.total, admin.done(row), admin.failed(row)) == (
        finished_job.pk,
        "completed_with_errors",
        2,
        2,
        1,
    )
    assert admin_client.get(f"/admin/registry/job/{finished_job.pk}/change/").status_code == 200


def test_the_items_show_their_result(admin_client, finished_job):
    response = admin_client.get("/admin/registry/jobitem/", {"result__status": "failed"})
    [row] = response.context["cl"].result_list
    admin = response.context["cl"].model_admin
    assert (row.name, admin.status(row), admin.error_code(row)) == ("b.png", "failed", "model_timeout")


def test_the_retry_action_clears_the_failures_and_runs_the_job_again(admin_client, finished_job):
    response = admin_client.post(
        "/admin/registry/job/", {"action": "retry_failed", "_selected_action": [finished_job.pk]}, follow=True
    )
    assert response.status_code == 200
    finished_job.refresh_from_db()
    assert finished_job.status == "running"
    assert list(JobResult.objects.filter(job=finished_job).values_list("status", flat=True)) == ["succeeded"]
    again = admin_client.post(
        "/admin/registry/job/", {"action": "retry_failed", "_selected_action": [finished_job.pk]}, follow=True
    )
    assert [str(message) for message in again.context["messages"]] == [
        f"Job {finished_job.pk}: Job {finished_job.pk} is still running."
    ]
