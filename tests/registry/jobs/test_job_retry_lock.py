"""Retrying a job takes a lock on it: of simultaneous retries one starts the job again."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from config.celery import app as celery_app
from registry.models import Job, JobItem, JobItemStatus, JobResult, JobStatus
from tests.registry.jobs.conftest import png, zip_of
from tests.support.workers import redis_forget

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def unconsumed_queue():
    """Tasks go to a queue no worker of the session reads, so the retried job stays running."""
    session_queue = celery_app.conf.task_default_queue
    queue = f"{session_queue}-unconsumed"
    celery_app.conf.update(task_default_queue=queue)
    yield queue
    celery_app.conf.update(task_default_queue=session_queue)
    redis_forget(queue)


def test_eight_simultaneous_retries_give_one_202_and_seven_409(alice, alice_api, demo_workflow, unconsumed_queue):
    body = {"images": zip_of({"a.png": png("red"), "b.png": png("blue")})}
    job_id = alice_api.post(f"/api/v1/workflows/{demo_workflow.pk}/jobs/", body, format="multipart").json()["id"]
    error = {"code": "url_fetch_failed", "message": "gone", "step": None}
    for item in JobItem.objects.filter(job_id=job_id):
        JobResult.objects.create(item=item, job_id=job_id, status=JobItemStatus.FAILED, error=error)
    Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, finished_at=timezone.now())
    start = threading.Barrier(8)
    answers: list[tuple[int, str]] = []

    def retry() -> None:
        client = APIClient()
        client.force_authenticate(alice)
        try:
            start.wait(timeout=30)
            response = client.post(f"/api/v1/jobs/{job_id}/retry/")
            answers.append((response.status_code, response.json().get("code") or response.json()["status"]))
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(answers) == [(202, "running")] + [(409, "job_not_finished")] * 7
    assert JobResult.objects.filter(job_id=job_id).count() == 0
    assert Job.objects.get(pk=job_id).status == JobStatus.RUNNING
    assert len(set(JobItem.objects.filter(job_id=job_id).values_list("lease_owner", flat=True))) == 1
