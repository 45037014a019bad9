"""Jobs never get stuck: a killed worker's images and lost queue messages come back through the sweep.

Redis gives an unacknowledged chunk back only after its visibility timeout (an hour by default, and
in these workers too): what comes back sooner comes back through the items' leases.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from registry.models import JobItem, JobResult
from tests.registry.jobs.conftest import WORKER_LEASE_ENV, colour_of, jsonl, wait_for
from tests.support.workers import WorkerPool, redis_forget

pytestmark = pytest.mark.django_db(transaction=True)


def _post_urls(api: Any, workflow: Any, base: str, count: int) -> int:
    urls = [f"{base}/{index}.png" for index in range(count)]
    response = api.post(f"/api/v1/workflows/{workflow.pk}/jobs/", {"urls": urls}, format="json")
    assert response.status_code == 202
    return int(response.json()["id"])


def _answered_once(api: Any, job_id: int, count: int) -> None:
    results = JobResult.objects.filter(job_id=job_id)
    assert results.count() == count
    assert results.values("item_id").distinct().count() == count
    assert [line["outputs"]["predictions"]["top"] for line in jsonl(api, job_id)] == [
        colour_of(i) for i in range(count)
    ]


@pytest.fixture
def default_workers(workers: WorkerPool, job_dirs: Any) -> Any:
    """Two workers with the default lease and sweep settings, in place of the tests' quick ones."""
    env = {key: value for key, value in workers.env.items() if key not in WORKER_LEASE_ENV}
    workers.stop_all()
    pool = WorkerPool(env, job_dirs["logs"], prefix="default-")
    pool.start(2)
    yield pool
    pool.stop_all()


def test_a_job_finishes_within_a_minute_of_its_worker_killed_at_default_settings(
    alice_api, demo_workflow, default_workers, slow_images
):
    victim, survivor = default_workers.workers
    job_id = _post_urls(alice_api, demo_workflow, slow_images, 200)

    def victim_mid_chunk() -> bool:
        return JobItem.objects.filter(job_id=job_id, worker=victim.hostname, result__isnull=True).count() >= 3

    deadline = time.monotonic() + 60
    while not victim_mid_chunk() and time.monotonic() < deadline:
        time.sleep(0.005)
    victim.kill()
    in_flight = set(
        JobItem.objects.filter(job_id=job_id, worker=victim.hostname, result__isnull=True).values_list("pk", flat=True)
    )
    assert len(in_flight) >= 3

    detail = wait_for(alice_api, job_id, timeout=60)

    assert (detail["status"], detail["done"], detail["failed"]) == ("succeeded", 200, 0)
    _answered_once(alice_api, job_id, 200)
    assert {(item.attempts, item.result.worker) for item in JobItem.objects.filter(pk__in=in_flight)} == {
        (2, survivor.hostname)
    }


def test_a_job_whose_queue_was_lost_is_sent_again(alice_api, demo_workflow, workers, slow_images):
    """Redis restarted without persistence while the job waited: its messages are gone."""
    workers.stop_all()
    job_id = _post_urls(alice_api, demo_workflow, slow_images, 30)
    redis_forget(celery_app.conf.task_default_queue)

    workers.start(2)
    detail = wait_for(alice_api, job_id, timeout=60)

    assert (detail["status"], detail["done"], detail["failed"]) == ("succeeded", 30, 0)
    _answered_once(alice_api, job_id, 30)
    assert set(JobItem.objects.filter(job_id=job_id).values_list("attempts", flat=True)) == {1}


def test_a_chunk_dropped_on_the_way_is_sent_again(alice_api, demo_workflow, workers, slow_images, monkeypatch):
    """A chunk acknowledged and dropped (a task that raised, a message lost) leaves its items queued
    with nothing to take them up: the sweep finds them once nothing waits in the queue."""
    send_task = celery_app.send_task
    dropped: list[Any] = []

    def drop_the_first(name: str, args: Any = None, **options: Any) -> Any:
        if not dropped:
            dropped.append(args)
            return None
        return send_task(name, args=args, **options)

    monkeypatch.setattr(celery_app, "send_task", drop_the_first)
    job_id = _post_urls(alice_api, demo_workflow, slow_images, 30)

    detail = wait_for(alice_api, job_id, timeout=60)

    assert (detail["status"], detail["done"], detail["failed"]) == ("succeeded", 30, 0)
    _answered_once(alice_api, job_id, 30)
    assert len(dropped[0][1]) == 10


def test_a_chunk_that_raised_in_its_worker_is_sent_again(alice_api, demo_workflow, workers, slow_images, monkeypatch):
    """A chunk task that raises something other than a connection error is acknowledged and dropped
    by Celery (here a ValueError: the message carries an id that is not one): its items come back."""
    send_task = celery_app.send_task
    broken: list[Any] = []

    def break_the_first(name: str, args: Any = None, **options: Any) -> Any:
        if not broken:
            broken.append((options["task_id"], args[1]))
            args = (args[0], [*args[1], "not-an-id"])
        return send_task(name, args=args, **options)

    monkeypatch.setattr(celery_app, "send_task", break_the_first)
    job_id = _post_urls(alice_api, demo_workflow, slow_images, 30)

    detail = wait_for(alice_api, job_id, timeout=60)

    assert (detail["status"], detail["done"], detail["failed"]) == ("succeeded", 30, 0)
    _answered_once(alice_api, job_id, 30)
    owner, item_ids = broken[0]
    chunk = JobItem.objects.filter(pk__in=item_ids)
    assert (chunk.count(), chunk.filter(lease_owner=owner).count()) == (10, 0)
    assert set(chunk.values_list("attempts", flat=True)) == {1}


def test_retry_sends_the_lost_items_of_a_stuck_job(alice_api, demo_workflow, workers, slow_images, monkeypatch):
    """With no worker to sweep, a job whose messages were lost stays running: `retry` sends them."""
    workers.stop_all()
    job_id = _post_urls(alice_api, demo_workflow, slow_images, 12)
    redis_forget(celery_app.conf.task_default_queue)
    # The items have waited longer than a lease, as a stuck job's have.
    JobItem.objects.filter(job_id=job_id).update(queued_at=timezone.now() - timedelta(minutes=10))

    response = alice_api.post(f"/api/v1/jobs/{job_id}/retry/")

    assert (response.status_code, response.json()["status"]) == (202, "queued")
    again = alice_api.post(f"/api/v1/jobs/{job_id}/retry/")
    assert (again.status_code, again.json()["code"]) == (409, "job_not_finished")
    workers.start(2)
    detail = wait_for(alice_api, job_id, timeout=60)
    assert (detail["status"], detail["done"], detail["failed"]) == ("succeeded", 12, 0)
    _answered_once(alice_api, job_id, 12)
