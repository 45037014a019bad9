"""The embedded arrangement `make run` uses: no broker configured, the web server and a worker
beside it over the filesystem transport, a job submitted over HTTP runs to the end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from io import StringIO
from typing import Any

import pytest
import requests
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from registry.management.commands.seed_demo import demo_specification
from registry.models import WorkerHeartbeat
from registry.services.workflows import workflow_create
from tests.registry.conftest import make_user
from tests.registry.jobs.conftest import png, zip_of
from tests.support.server_process import database_url, free_port
from tests.support.workers import REPO_DIR

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def wait_until(check, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = check()
        except requests.ConnectionError:
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    base: str
    headers: dict[str, str]
    workflow: int

    def run_job(self) -> dict[str, Any]:
        archive = zip_of({"a.png": png("red"), "b.png": png("green"), "c.png": png("blue")})
        created = requests.post(
            f"{self.base}/workflows/{self.workflow}/jobs/", headers=self.headers, files={"images": archive}, timeout=30
        )
        assert created.status_code == 202, created.text
        job_url = f"{self.base}/jobs/{created.json()['id']}/"

        def finished():
            detail = requests.get(job_url, headers=self.headers, timeout=5).json()
            return detail if detail["status"] not in {"queued", "running"} else None

        detail: dict[str, Any] = wait_until(finished)
        detail["csv"] = requests.get(f"{job_url}results.csv", headers=self.headers, timeout=5).text.splitlines()
        return detail


@pytest.fixture
def served(tmp_path):
    """`make serve` with no broker: the web server and the embedded worker, on a port of its own."""
    call_command("sync_blocks", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    user = make_user("carol")
    token = Token.objects.create(user=user).key
    workflow = workflow_create(owner=user, name="shapes", specification=demo_specification())
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "CELERY_BROKER_URL"}
    env |= {
        "DATABASE_URL": database_url(),
        "BLOCKWISE_CELERY_DIR": str(tmp_path / "celery"),
        "WEB_CONCURRENCY": "1",
        "BLOCKWISE_MEDIA_ROOT": str(tmp_path / "media"),
        "BLOCKWISE_JOB_SWEEP_INTERVAL_S": "0.5",
    }
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(
        [sys.executable, "-m", "scripts.serve", "--address", f"127.0.0.1:{port}"],
        cwd=REPO_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    served = Served(serve, f"http://127.0.0.1:{port}/api/v1", {"Authorization": f"Token {token}"}, workflow.pk)
    try:
        wait_until(lambda: requests.get(f"{served.base}/jobs/", headers=served.headers, timeout=5).status_code == 200)
        yield served
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=90)
        log.close()
    # The worker and the web server stopped with it: nothing of the session is left running.
    leftover = subprocess.run(["pgrep", "-a", "-s", str(serve.pid)], capture_output=True, text=True, check=False)
    assert leftover.stdout == ""


def test_make_run_runs_jobs_with_no_broker(served, tmp_path):
    detail = served.run_job()

    assert (detail["status"], detail["done"], detail["failed"]) == ("succeeded", 3, 0)
    assert [line.split(",")[:3] for line in detail["csv"][1:]] == [
        ["a.png", "succeeded", "red"],
        ["b.png", "succeeded", "green"],
        ["c.png", "succeeded", "blue"],
    ]
    assert "a Celery worker runs beside the web server" in (tmp_path / "serve.log").read_text()


def _health(served: Served) -> dict[str, Any]:
    body: dict[str, Any] = requests.get(served.base.replace("/api/v1", "/healthz"), timeout=5).json()
    return body


def _embedded_worker() -> WorkerHeartbeat | None:
    return WorkerHeartbeat.objects.filter(hostname__startswith="embedded@").first()


def test_the_embedded_worker_is_started_again_when_it_dies_and_healthz_reports_it(served, tmp_path):
    first = wait_until(lambda: _health(served)["checks"].get("worker") == "ok" and _embedded_worker())
    assert _health(served) == {"status": "ok", "checks": {"database": "ok", "worker": "ok"}}

    os.kill(first.pid, signal.SIGKILL)

    second = wait_until(lambda: (worker := _embedded_worker()) and worker.pid != first.pid and worker)
    assert wait_until(lambda: _health(served)["checks"]["worker"] == "ok")
    assert served.process.poll() is None
    detail = served.run_job()
    assert (detail["status"], detail["done"], detail["failed"]) == ("succeeded", 3, 0)
    assert _embedded_worker().pid == second.pid
    assert "Jobs: the worker exited (-9)" in (tmp_path / "serve.log").read_text()
