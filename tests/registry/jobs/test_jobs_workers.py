"""Jobs on real Celery workers over Redis: exactly one result per image, even when a worker dies."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from registry.models import JobItem, JobResult
from tests.registry.jobs.conftest import colour_of, image_zip, jsonl, png, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slow_images() -> Iterator[str]:
    """Images over HTTP on 127.0.0.1, each answered after a short pause so a chunk takes a while."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            index = int(self.path.strip("/").split(".")[0])
            time.sleep(0.03)
            body = png(colour_of(index))
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


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
