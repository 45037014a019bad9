"""The embedded arrangement `make run` uses: no broker configured, the web server and a worker
beside it over the filesystem transport, a job submitted over HTTP runs to the end."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from io import StringIO

import pytest
import requests
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from registry.management.commands.seed_demo import demo_specification
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


def test_make_run_runs_jobs_with_no_broker(tmp_path):
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
    base = f"http://127.0.0.1:{port}/api/v1"
    headers = {"Authorization": f"Token {token}"}
    try:
        wait_until(lambda: requests.get(f"{base}/jobs/", headers=headers, timeout=5).status_code == 200)
        archive = zip_of({"a.png": png("red"), "b.png": png("green"), "c.png": png("blue")})
        created = requests.post(
            f"{base}/workflows/{workflow.pk}/jobs/", headers=headers, files={"images": archive}, timeout=30
        )
        assert created.status_code == 202, created.text
        job_url = f"{base}/jobs/{created.json()['id']}/"

        def finished():
            detail = requests.get(job_url, headers=headers, timeout=5).json()
            return detail if detail["status"] not in {"queued", "running"} else None

        detail = wait_until(finished)
        assert (detail["status"], detail["done"], detail["failed"]) == ("succeeded", 3, 0)
        csv = requests.get(f"{job_url}results.csv", headers=headers, timeout=5).text.splitlines()
        assert [line.split(",")[:3] for line in csv[1:]] == [
            ["a.png", "succeeded", "red"],
            ["b.png", "succeeded", "green"],
            ["c.png", "succeeded", "blue"],
        ]
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=90)
        log.close()
    output = (tmp_path / "serve.log").read_text()
    assert "a Celery worker runs beside the web server" in output
    # The worker and the web server stopped with it: nothing of the session is left running.
    leftover = subprocess.run(["pgrep", "-a", "-s", str(serve.pid)], capture_output=True, text=True, check=False)
    assert leftover.stdout == ""
