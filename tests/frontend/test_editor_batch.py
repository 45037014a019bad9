"""Issue 11 in the editor: the Batch panel of a saved workflow starts a job on a zip, follows it to the
end with a real Celery worker, charts the classes, downloads the CSV, and cancels a job."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from config.celery import app as celery_app
from registry.models import Job
from tests.frontend.conftest import PASSWORD, USER, demo_definition, saved_workflow
from tests.registry.jobs.conftest import png, zip_of
from tests.support.workers import REDIS_URL, WorkerPool, database_url, redis_available, redis_forget

COLOURS = {"red": 2, "green": 1}


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("editor-jobs")


@pytest.fixture
def pool(media: Path, settings: Any, live_server: Any) -> Iterator[WorkerPool]:
    """A queue of this test's own in Redis; workers are started by the test that wants them."""
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
    }
    (media / "logs").mkdir(exist_ok=True)
    workers = WorkerPool(env, media / "logs")
    yield workers
    workers.stop_all()
    celery_app.close()
    celery_app.conf.update(before)
    redis_forget(queue)


def _zip(folder: Path) -> Path:
    files = {f"{colour}-{n}.png": png(colour, n) for colour, count in COLOURS.items() for n in range(count)}
    path = folder / "shapes.zip"
    path.write_bytes(zip_of(files).getvalue())
    return path


def _open_saved(editor: Any) -> int:
    workflow_id = saved_workflow("Shapes", demo_definition())
    editor.goto()
    editor.sign_in(USER, PASSWORD)
    editor.goto(f"/?workflow={workflow_id}")
    editor.page.get_by_test_id("batch-panel").wait_for()
    return workflow_id


def _start(editor: Any, zip_path: Path) -> None:
    with editor.page.expect_file_chooser() as chooser:
        editor.button("Start batch job").click()
    chooser.value.set_files(str(zip_path))
    editor.wait_message("Batch job started on shapes.zip.")


def test_a_job_runs_to_the_end_with_its_chart_and_csv(editor, pool, tmp_path):
    pool.start(1)
    _open_saved(editor)
    _start(editor, _zip(tmp_path))
    editor.wait_text("job-status", "succeeded")
    editor.wait_text("job-counts", "3 done, 0 failed of 3")
    progress = editor.page.get_by_test_id("job-progress")
    assert (progress.get_attribute("value"), progress.get_attribute("max")) == ("3", "3")
    editor.wait_text("job-class-green", "green\n1")
    editor.wait_text("job-class-red", "red\n2")
    editor.shot("finished")

    with editor.page.expect_download() as download:
        editor.page.get_by_role("link", name="results.csv").click()
    job = Job.objects.get()
    connections.close_all()
    assert download.value.suggested_filename == f"job-{job.pk}-results.csv"
    rows = Path(download.value.path()).read_text().splitlines()
    assert rows[0] == "source,status,top_class,confidence,error"
    assert sorted(row.split(",")[0:3] for row in rows[1:]) == [
        ["green-0.png", "succeeded", "green"],
        ["red-0.png", "succeeded", "red"],
        ["red-1.png", "succeeded", "red"],
    ]
    assert editor.console_errors == []


def test_cancel_stops_a_queued_job(editor, pool, tmp_path):
    # No worker takes the job, so it is still queued when Cancel is pressed.
    _open_saved(editor)
    _start(editor, _zip(tmp_path))
    editor.wait_text("job-status", "queued")
    editor.button("Cancel job").click()
    editor.wait_text("job-status", "cancelled")
    editor.wait_text("job-counts", "0 done, 0 failed of 3")
    assert editor.button("Cancel job").count() == 0
    assert Job.objects.get().status == "cancelled"
    connections.close_all()
    editor.shot("cancelled")
