"""Real Celery workers for the editor's job panels (Batch, Evaluate): a queue of the test's own in
Redis. The fixtures are offered to every editor test by tests/frontend/conftest.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config.celery import app as celery_app
from tests.support.server_process import database_url
from tests.support.workers import REDIS_URL, WorkerPool, redis_available, redis_forget


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("editor-jobs")


@pytest.fixture
def pool(media: Path, settings: Any, live_server: Any, roboflow_server: Any) -> Iterator[WorkerPool]:
    """A queue of this test's own in Redis; workers are started by the test that wants them. Their
    remote models are the Roboflow-compatible test server on 127.0.0.1."""
    if not redis_available():
        pytest.fail(f"The batch tests need Redis at {REDIS_URL}.")
    queue = f"blockwise-editor-{os.getpid()}"
    before = {"broker_url": celery_app.conf.broker_url, "task_default_queue": celery_app.conf.task_default_queue}
    # close() drops the connections already made, so the next job is sent with these settings (and
    # after the test, with the session's own again).
    celery_app.close()
    celery_app.conf.update(broker_url=REDIS_URL, task_default_queue=queue)
    settings.MEDIA_ROOT = media / "media"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "BLOCKWISE_CELERY_QUEUE": queue,
        "BLOCKWISE_MEDIA_ROOT": media / "media",
        "BLOCKWISE_MODEL_RETRIES": 0,
        "ROBOFLOW_API_URL": roboflow_server.url,
        "ROBOFLOW_INFERENCE_URL": "",
        "ROBOFLOW_API_KEY": "worker-key",
    }
    (media / "logs").mkdir(exist_ok=True)
    workers = WorkerPool(env, media / "logs")
    yield workers
    workers.stop_all()
    celery_app.close()
    celery_app.conf.update(before)
    redis_forget(queue)
