"""Jobs on real Celery workers over Redis: exactly one result per image, even when a worker dies."""

from __future__ import annotations

import csv
import io
import json
import os
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from django.db import connection

from config.celery import app as celery_app
from registry.models import JobItem, JobResult
from tests.registry.jobs.conftest import colour_of, image_zip, jsonl, png, streamed, wait_for, zip_of
from tests.support.local_http import local_http_server_start, local_http_server_stop
from tests.support.workers import wait_until_drained

pytestmark = pytest.mark.django_db(transaction=True)


def test_200_images_on_two_workers_give_200_results(alice_api, demo_workflow, workers):
    response = alice_api.post(
        f"/api/v1/workflows/{demo_workflow.pk}/jobs/", {"images": image_zip(200)}, format="multipart"
    )
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert response.json()["total"] == 200
    job_id = response.json()["id"]

    detail = wait_for(alice_api, job_id)

    assert {key: detail[key] for key in ("status", "total", "done", "failed", "cancelled", "eta_seconds")} == {
        "status": "succeeded",
        "total": 200,
        "done": 200,
        "failed": 0,
        "cancelled": 0,
        "eta_seconds": 0.0,
    }
    assert detail["rate"] > 0
    assert JobResult.objects.filter(job_id=job_id).count() == 200
    assert set(JobResult.objects.filter(job_id=job_id).values_list("worker", flat=True)) == {
        worker.hostname for worker in workers.workers
    }
    lines = jsonl(alice_api, job_id)
    assert [line["source"] for line in lines] == [f"img/{i:04d}-{colour_of(i)}.png" for i in range(200)]
    assert [line["outputs"]["predictions"]["top"] for line in lines] == [colour_of(i) for i in range(200)]
    assert {line["status"] for line in lines} == {"succeeded"}
    assert alice_api.get(f"/api/v1/jobs/{job_id}/summary/").json() == {
        "classes": {"blue": 66, "green": 67, "red": 67},
        "errors": {},
    }


def test_a_worker_killed_mid_job_loses_nothing_and_repeats_nothing(alice_api, demo_workflow, workers, slow_images):
    victim, survivor = workers.workers[:2]
    urls = [f"{slow_images}/{index}.png" for index in range(200)]
    response = alice_api.post(f"/api/v1/workflows/{demo_workflow.pk}/jobs/", {"urls": urls}, format="json")
    assert response.status_code == 202
    job_id = response.json()["id"]

    def victim_mid_chunk() -> bool:
        # At least three items taken up by the victim and not answered: it is inside a chunk.
        return JobItem.objects.filter(job_id=job_id, worker=victim.hostname, result__isnull=True).count() >= 3

    deadline = time.monotonic() + 60
    while not victim_mid_chunk() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert JobResult.objects.filter(job_id=job_id).count() < 200
    victim.kill()
    in_flight = set(
        JobItem.objects.filter(job_id=job_id, worker=victim.hostname, result__isnull=True).values_list("pk", flat=True)
    )

    detail = wait_for(alice_api, job_id)

    assert (detail["status"], detail["done"], detail["failed"]) == ("succeeded", 200, 0)
    results = JobResult.objects.filter(job_id=job_id)
    assert results.count() == 200
    assert results.values("item_id").distinct().count() == 200
    redelivered = JobItem.objects.filter(pk__in=in_flight)
    assert len(in_flight) >= 3
    assert {(item.attempts, item.worker, item.result.worker) for item in redelivered} == {
        (2, survivor.hostname, survivor.hostname)
    }
    others = JobItem.objects.exclude(pk__in=in_flight).filter(job_id=job_id)
    assert set(others.values_list("attempts", flat=True)) == {1}
    lines = jsonl(alice_api, job_id)
    assert [line["outputs"]["predictions"]["top"] for line in lines] == [colour_of(i) for i in range(200)]


class Collector:
    """An HTTP server on 127.0.0.1 that records the JSON bodies POSTed to it (a webhook receiver)."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                collector.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = local_http_server_start(Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"


@pytest.fixture
def webhook_receiver() -> Iterator[Collector]:
    collector = Collector()
    yield collector
    local_http_server_stop(collector.server)


def test_cancel_mid_job_stops_pending_work_and_keeps_what_is_done(
    alice_api, demo_workflow, workers, slow_images, image_gate
):
    # Images past the 40th are held: the job is still running however fast the machine is.
    urls = [f"{slow_images}/{index}.png" if index < 40 else f"{slow_images}/held/{index}.png" for index in range(200)]
    job_id = alice_api.post(f"/api/v1/workflows/{demo_workflow.pk}/jobs/", {"urls": urls}, format="json").json()["id"]
    running = wait_for(alice_api, job_id, until=lambda detail: detail["done"] >= 20)
    assert running["status"] == "running"
    assert running["eta_seconds"] > 0

    # The exports while the job runs: one line per image, answered or still pending.
    lines = jsonl(alice_api, job_id)
    assert len(lines) == 200
    assert {line["status"] for line in lines} == {"succeeded", "pending"}
    csv_rows = list(csv.reader(io.StringIO(streamed(alice_api.get(f"/api/v1/jobs/{job_id}/results.csv")))))
    assert csv_rows[0] == ["source", "status", "top_class", "confidence", "error", "predictions", "model"]
    assert len(csv_rows) == 201
    assert {row[1] for row in csv_rows[1:]} == {"succeeded", "pending"}

    response = alice_api.post(f"/api/v1/jobs/{job_id}/cancel/")

    assert response.status_code == 200
    cancelled = response.json()
    assert cancelled["status"] == "cancelled"
    assert cancelled["done"] + cancelled["cancelled"] == 200
    assert 20 <= cancelled["done"] <= 40
    # The held fetches go on; every chunk, queued or in flight, is then taken up and finished (none
    # left in the queue nor unacknowledged): none may have added a result.
    image_gate.set()
    wait_until_drained(celery_app.conf.task_default_queue, job_id)
    assert alice_api.get(f"/api/v1/jobs/{job_id}/").json() == cancelled
    assert JobResult.objects.filter(job_id=job_id).count() == 200
    assert [line["status"] for line in jsonl(alice_api, job_id)].count("cancelled") == cancelled["cancelled"]
    again = alice_api.post(f"/api/v1/jobs/{job_id}/cancel/")
    assert (again.status_code, again.json()["code"]) == (409, "job_finished")


def test_failed_items_fail_alone_and_a_retry_runs_only_them(alice_api, demo_workflow, workers, slow_images):
    """A file that is not an image and an unreachable URL (a closed port) fail; their neighbours do not."""
    urls = [f"{slow_images}/0.png", "http://127.0.0.1:9/gone.png", f"{slow_images}/1.png", f"{slow_images}/2.png"]
    job_id = alice_api.post(f"/api/v1/workflows/{demo_workflow.pk}/jobs/", {"urls": urls}, format="json").json()["id"]

    detail = wait_for(alice_api, job_id)

    assert (detail["status"], detail["done"], detail["failed"]) == ("completed_with_errors", 4, 1)
    assert [(line["status"], (line["error"] or {}).get("code")) for line in jsonl(alice_api, job_id)] == [
        ("succeeded", None),
        ("failed", "url_fetch_failed"),
        ("succeeded", None),
        ("succeeded", None),
    ]
    assert alice_api.get(f"/api/v1/jobs/{job_id}/summary/").json() == {
        "classes": {"blue": 1, "green": 1, "red": 1},
        "errors": {"url_fetch_failed": 1},
    }

    JobItem.objects.filter(job_id=job_id, index=1).update(location=f"{slow_images}/1.png")
    response = alice_api.post(f"/api/v1/jobs/{job_id}/retry/")
    assert (response.status_code, response.json()["status"]) == (202, "running")
    detail = wait_for(alice_api, job_id)

    assert (detail["status"], detail["done"], detail["failed"]) == ("succeeded", 4, 0)
    assert list(JobItem.objects.filter(job_id=job_id).order_by("index").values_list("attempts", flat=True)) == [
        1,
        2,
        1,
        1,
    ]
    again = alice_api.post(f"/api/v1/jobs/{job_id}/retry/")
    assert (again.status_code, again.json()["code"]) == (409, "nothing_to_retry")


def test_bad_files_in_a_zip_fail_as_items(alice_api, demo_workflow, workers):
    archive = zip_of({"a.png": png("red"), "notes.png": b"not an image", "b.png": png("blue")})
    job_id = alice_api.post(
        f"/api/v1/workflows/{demo_workflow.pk}/jobs/", {"images": archive}, format="multipart"
    ).json()["id"]

    detail = wait_for(alice_api, job_id)

    assert (detail["status"], detail["done"], detail["failed"]) == ("completed_with_errors", 3, 1)
    rows = list(csv.reader(io.StringIO(streamed(alice_api.get(f"/api/v1/jobs/{job_id}/results.csv")))))
    assert [row[:3] + row[4:5] for row in rows[1:]] == [
        ["a.png", "succeeded", "red", ""],
        ["notes.png", "failed", "", "invalid_image"],
        ["b.png", "succeeded", "blue", ""],
    ]
    assert 0 < float(rows[1][3]) <= 1
    # The worker's log line of the failed item carries the job's id and the item's.
    notes = JobItem.objects.get(job_id=job_id, index=1)
    logs = [line for log in workers.log_dir.glob("*.log") for line in log.read_text().splitlines()]
    lines = [json.loads(line) for line in logs if line.startswith("{")]
    failed = [line for line in lines if line.get("message") == "Item failed: invalid_image"]
    assert [(line["job_id"], line["job_item_id"]) for line in failed if line["job_id"] == job_id] == [
        (job_id, notes.pk)
    ]


def test_a_server_folder_job_reads_files_under_the_root_only(alice_api, demo_workflow, workers, job_dirs, tmp_path):
    folder = job_dirs["roots"] / f"shots-{demo_workflow.pk}"
    (folder / "day").mkdir(parents=True)
    (folder / "day" / "1.png").write_bytes(png("green"))
    (folder / "0.png").write_bytes(png("red"))
    outside = tmp_path / "secret.png"
    outside.write_bytes(png("blue"))
    (folder / "link.png").symlink_to(outside)
    response = alice_api.post(f"/api/v1/workflows/{demo_workflow.pk}/jobs/", {"folder": str(folder)}, format="json")
    assert response.status_code == 202

    detail = wait_for(alice_api, response.json()["id"])

    assert [
        (line["source"], line["status"], (line["error"] or {}).get("code")) for line in jsonl(alice_api, detail["id"])
    ] == [
        ("0.png", "succeeded", None),
        ("link.png", "failed", "path_not_allowed"),
        ("day/1.png", "succeeded", None),
    ]


def test_a_link_to_a_named_pipe_fails_alone_and_never_blocks_a_worker(alice_api, demo_workflow, workers, job_dirs):
    folder = job_dirs["roots"] / f"pipes-{demo_workflow.pk}"
    folder.mkdir()
    (folder / "a.png").write_bytes(png("red"))
    os.mkfifo(folder / "fifo")
    (folder / "b.png").symlink_to(folder / "fifo")
    response = alice_api.post(f"/api/v1/workflows/{demo_workflow.pk}/jobs/", {"folder": str(folder)}, format="json")
    assert (response.status_code, response.json()["total"]) == (202, 2)

    detail = wait_for(alice_api, response.json()["id"], timeout=60)

    assert (detail["status"], detail["done"], detail["failed"]) == ("completed_with_errors", 2, 1)
    assert [
        (line["source"], line["status"], (line["error"] or {}).get("code")) for line in jsonl(alice_api, detail["id"])
    ] == [("a.png", "succeeded", None), ("b.png", "failed", "file_unreadable")]


def test_model_server_errors_retry_with_backoff_and_4xx_do_not(alice_api, remote_workflow, workers, model_server):
    model_server.reset(failures_before_success=2, failure_status=503)
    archive = zip_of({"a.png": png("red")})
    body = {"images": archive, "parameters": json.dumps({"model_id": "shapes/1"})}
    job_id = alice_api.post(f"/api/v1/workflows/{remote_workflow.pk}/jobs/", body, format="multipart").json()["id"]

    detail = wait_for(alice_api, job_id)

    assert (detail["status"], detail["done"], detail["failed"]) == ("succeeded", 1, 0)
    assert JobItem.objects.get(job_id=job_id).attempts == 3
    assert len(model_server.state.requests) == 3

    model_server.reset(status=404)
    archive = zip_of({"a.png": png("red")})
    body = {"images": archive, "parameters": json.dumps({"model_id": "shapes/1"})}
    job_id = alice_api.post(f"/api/v1/workflows/{remote_workflow.pk}/jobs/", body, format="multipart").json()["id"]

    detail = wait_for(alice_api, job_id)

    assert (detail["status"], detail["failed"]) == ("failed", 1)
    assert JobItem.objects.get(job_id=job_id).attempts == 1
    assert len(model_server.state.requests) == 1
    assert jsonl(alice_api, job_id)[0]["error"]["code"] == "model_not_found"


def test_a_chunk_the_database_failed_under_keeps_its_images_retries(
    alice_api, remote_workflow, workers, model_server, monkeypatch
):
    """The chunk reaches the worker as Celery's autoretry sends it again after two database failures
    (`retries` at 2): its image still gets the workers' two model retries (BLOCKWISE_BATCH_ITEM_RETRIES)."""
    send_task = celery_app.send_task

    def after_two_database_retries(name: str, args: Any = None, **options: Any) -> Any:
        return send_task(name, args=args, retries=2, **options)

    monkeypatch.setattr(celery_app, "send_task", after_two_database_retries)
    model_server.reset(failures_before_success=2, failure_status=503)
    body = {"images": zip_of({"a.png": png("red")}), "parameters": json.dumps({"model_id": "shapes/1"})}
    job_id = alice_api.post(f"/api/v1/workflows/{remote_workflow.pk}/jobs/", body, format="multipart").json()["id"]

    detail = wait_for(alice_api, job_id)

    assert (detail["status"], detail["done"], detail["failed"]) == ("succeeded", 1, 0)
    assert JobItem.objects.get(job_id=job_id).attempts == 3


def test_the_webhook_gets_one_post_with_the_summary(alice_api, demo_workflow, workers, webhook_receiver):
    archive = zip_of({"a.png": png("red"), "b.png": png("red")})
    body = {"images": archive, "webhook": webhook_receiver.url}
    job_id = alice_api.post(f"/api/v1/workflows/{demo_workflow.pk}/jobs/", body, format="multipart").json()["id"]

    detail = wait_for(alice_api, job_id, until=lambda detail: detail["webhook_result"] is not None)

    assert detail["webhook_result"] == {"status_code": 204}
    [posted] = webhook_receiver.bodies
    assert posted["summary"] == {"classes": {"red": 2}, "errors": {}}
    assert {key: posted["job"][key] for key in ("id", "status", "total", "done", "failed")} == {
        "id": job_id,
        "status": "succeeded",
        "total": 2,
        "done": 2,
        "failed": 0,
    }


@pytest.fixture
def droppable_connections() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite connections are files: the database cannot drop them")


@pytest.mark.usefixtures("droppable_connections")
def test_a_job_runs_after_the_database_dropped_the_workers_connections(alice_api, demo_workflow, workers):
    """Workers keep their connection across chunks; one the database closed meanwhile is replaced at
    the next task's start instead of failing its chunk (and leaving its images unanswered)."""

    def run_job() -> dict[str, Any]:
        response = alice_api.post(
            f"/api/v1/workflows/{demo_workflow.pk}/jobs/", {"images": image_zip(20)}, format="multipart"
        )
        assert response.status_code == 202
        return wait_for(alice_api, response.json()["id"], timeout=60)

    assert run_job()["status"] == "succeeded"
    assert _drop_other_connections() >= 1, "the workers held no connection to drop"
    detail = run_job()
    assert (detail["status"], detail["done"], detail["failed"]) == ("succeeded", 20, 0)


def _drop_other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return len(cursor.fetchall())


@pytest.mark.usefixtures("droppable_connections")
def test_chunks_the_database_failed_under_run_again(alice_api, demo_workflow, workers, slow_images):
    urls = [f"{slow_images}/{index}.png" for index in range(100)]
    response = alice_api.post(f"/api/v1/workflows/{demo_workflow.pk}/jobs/", {"urls": urls}, format="json")
    assert response.status_code == 202
    job_id = response.json()["id"]
    deadline = time.monotonic() + 60
    while not JobResult.objects.filter(job_id=job_id).exists() and time.monotonic() < deadline:
        time.sleep(0.01)

    # Mid-job: the chunks in flight meet a closed connection at their next write.
    assert _drop_other_connections() >= 1
    assert JobResult.objects.filter(job_id=job_id).count() < 100

    detail = wait_for(alice_api, job_id, timeout=90)
    assert (detail["status"], detail["done"], detail["failed"]) == ("succeeded", 100, 0)
    assert JobResult.objects.filter(job_id=job_id).values("item_id").distinct().count() == 100
