"""Fixtures of the batch job tests: images, zips, a workflow on the demo model, real workers.

Tests with workers are transactional (a worker process only sees committed rows) and start from
an empty database, so `demo_workflow` loads the built-in catalog and the demo model itself.
"""

from __future__ import annotations

import io
import os
import threading
import time
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from config.celery import app as celery_app
from registry.management.commands.seed_demo import demo_specification
from registry.models import FINISHED_JOB_STATUSES, Job, Workflow
from registry.services.workflows import workflow_create
from scripts.train_demo_model import draw_sample
from tests.executor.conftest import classification_workflow
from tests.registry.conftest import make_user
from tests.support.local_http import local_http_server
from tests.support.server_process import database_url
from tests.support.workers import REDIS_URL, WorkerPool, redis_available, redis_forget

COLOURS = ("red", "green", "blue")
WORKER_LEASE_ENV = {"BLOCKWISE_JOB_LEASE_S": 5, "BLOCKWISE_JOB_SWEEP_INTERVAL_S": 0.5}


def png(colour: str, seed: int = 0) -> bytes:
    buffer = io.BytesIO()
    draw_sample(colour, np.random.default_rng(seed)).save(buffer, format="PNG")
    return buffer.getvalue()


def colour_of(index: int) -> str:
    return COLOURS[index % len(COLOURS)]


def zip_of(files: dict[str, bytes]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    buffer.seek(0)
    buffer.name = "images.zip"
    return buffer


def image_zip(count: int) -> io.BytesIO:
    return zip_of({f"img/{index:04d}-{colour_of(index)}.png": png(colour_of(index)) for index in range(count)})


@pytest.fixture(scope="session")
def job_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("jobs")
    dirs = {name: base / name for name in ("media", "roots", "logs")}
    for path in dirs.values():
        path.mkdir()
    return dirs


@pytest.fixture(autouse=True)
def job_settings(settings: Any, job_dirs: dict[str, Path]) -> Any:
    settings.MEDIA_ROOT = job_dirs["media"]
    settings.BLOCKWISE_BATCH_ROOTS = [job_dirs["roots"]]
    settings.BLOCKWISE_BATCH_CHUNK_SIZE = 10
    return settings


@pytest.fixture
def own_media(job_settings: Any, tmp_path: Path) -> Path:
    """A media folder of the test's own (tests without workers), so it sees only what it wrote."""
    job_settings.MEDIA_ROOT = tmp_path / "media"
    return Path(job_settings.MEDIA_ROOT)


@pytest.fixture
def url(demo_workflow: Workflow) -> str:
    """Where the demo workflow's jobs are started."""
    return f"/api/v1/workflows/{demo_workflow.pk}/jobs/"


@pytest.fixture
def alice(db: Any) -> Any:
    return make_user("alice")


@pytest.fixture
def alice_api(alice: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(alice)
    return client


@pytest.fixture
def demo_workflow(alice: Any) -> Workflow:
    call_command("sync_blocks", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    return workflow_create(owner=alice, name="shapes", specification=demo_specification())


@pytest.fixture
def remote_workflow(alice: Any) -> Workflow:
    """A workflow whose model is remote (`model_id` a parameter): the test server answers for it."""
    call_command("sync_blocks", stdout=StringIO())
    return workflow_create(owner=alice, name="remote", specification=classification_workflow())


@pytest.fixture(scope="session")
def worker_pool(
    django_db_setup: Any, django_db_blocker: Any, job_dirs: dict[str, Path], roboflow_server: Any
) -> Iterator[WorkerPool]:
    """Workers on this session's own queue in Redis db 2, reading the test database."""
    if not redis_available():
        pytest.fail(f"The job tests need Redis at {REDIS_URL} (CI starts redis-server).")
    queue = f"blockwise-test-{os.getpid()}"
    # Nothing has been sent from this process yet, so the app's connection is made with these.
    celery_app.conf.update(broker_url=REDIS_URL, broker_transport_options={}, task_default_queue=queue)
    with django_db_blocker.unblock():
        url = database_url()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CELERY_BROKER_URL": REDIS_URL,
        "BLOCKWISE_CELERY_QUEUE": queue,
        # Redis gives back an unacknowledged chunk only after an hour (the default): what a lost
        # worker held comes back through the items' leases, short here so the tests wait little.
        **WORKER_LEASE_ENV,
        "BLOCKWISE_MEDIA_ROOT": job_dirs["media"],
        "BLOCKWISE_BATCH_ROOTS": job_dirs["roots"],
        "BLOCKWISE_BATCH_ITEM_RETRIES": 2,
        "BLOCKWISE_BATCH_RETRY_BACKOFF_S": 0.2,
        "BLOCKWISE_ALLOW_PRIVATE_IMAGE_URLS": 1,
        "BLOCKWISE_ALLOW_PRIVATE_WEBHOOK_URLS": 1,
        "BLOCKWISE_MODEL_RETRIES": 0,
        # Failed items are logged at INFO (test_bad_files_in_a_zip_fail_as_items reads the lines).
        "BLOCKWISE_LOG_LEVEL": "INFO",
        # Remote models are the Roboflow-compatible test server on 127.0.0.1.
        "ROBOFLOW_API_URL": roboflow_server.url,
        "ROBOFLOW_INFERENCE_URL": "",
        "ROBOFLOW_API_KEY": "worker-key",
    }
    pool = WorkerPool(env, job_dirs["logs"])
    yield pool
    pool.stop_all()
    redis_forget(queue)


@pytest.fixture
def workers(worker_pool: WorkerPool, job_settings: Any) -> WorkerPool:
    """Two live workers at the start of the test (one is started again if a test killed one)."""
    alive = [worker for worker in worker_pool.workers if worker.process and worker.process.poll() is None]
    worker_pool.workers[:] = alive
    if len(alive) < 2:
        worker_pool.start(2 - len(alive))
    job_settings.BLOCKWISE_ALLOW_PRIVATE_IMAGE_URLS = True
    job_settings.BLOCKWISE_ALLOW_PRIVATE_WEBHOOK_URLS = True
    return worker_pool


def wait_for(api: APIClient, job_id: int, *, until: Any = None, timeout: float = 120) -> dict[str, Any]:
    """Poll the job until `until(detail)` holds (by default: until it has finished)."""
    deadline = time.monotonic() + timeout
    finished = {str(status) for status in FINISHED_JOB_STATUSES}
    while True:
        detail: dict[str, Any] = api.get(f"/api/v1/jobs/{job_id}/").json()
        if (until(detail) if until else detail["status"] in finished) or time.monotonic() > deadline:
            return detail
        time.sleep(0.1)


def jsonl(api: APIClient, job_id: int) -> list[dict[str, Any]]:
    import json

    response = api.get(f"/api/v1/jobs/{job_id}/results.jsonl")
    assert response.status_code == 200
    return [json.loads(line) for line in streamed(response).splitlines()]


def streamed(response: Any) -> str:
    return b"".join(response.streaming_content).decode()


def job_of(body: dict[str, Any]) -> Job:
    return Job.objects.get(pk=body["id"])


@pytest.fixture
def image_gate() -> Iterator[threading.Event]:
    """Images under `/held/` are answered only once this is set (the test sets it at its end at the latest)."""
    gate = threading.Event()
    yield gate
    gate.set()


@pytest.fixture
def slow_images(image_gate: threading.Event) -> Iterator[str]:
    """Images over HTTP on 127.0.0.1, each answered after a short pause so a chunk takes a while;
    `/held/N.png` waits for `image_gate` first, so a job cannot finish before the test lets it."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/held/"):
                image_gate.wait(timeout=120)
            index = int(self.path.rsplit("/", 1)[1].split(".")[0])
            time.sleep(0.03)
            body = png(colour_of(index))
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    with local_http_server(Handler) as server:
        yield f"http://127.0.0.1:{server.server_address[1]}"
