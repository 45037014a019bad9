"""`GET /metrics`: Prometheus' text format, for staff or the metrics token; requests by route and
status, runs and steps by block type, model calls by backend, job queue depth; each request's id in
its answer and its log lines."""

import json
import uuid
from io import StringIO
from pathlib import Path

import pytest
import requests
from django.core.management import call_command
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from tests.registry.conftest import make_user
from tests.registry.test_runs_api import b64
from tests.support.server_process import ServerProcess

pytestmark = pytest.mark.django_db
TOKEN = "scraper-token-0123456789"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_need_staff_or_the_token(settings):
    settings.BLOCKWISE_METRICS_TOKEN = TOKEN
    anonymous = APIClient()
    refused = anonymous.get("/metrics")
    assert (refused.status_code, refused.json()["code"]) == (401, "not_authenticated")
    assert anonymous.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    signed_in = APIClient()
    signed_in.force_login(make_user("someone"))
    assert signed_in.get("/metrics").status_code == 401
    assert anonymous.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200
    staff = APIClient()
    staff.force_login(make_user("boss", staff=True))
    answer = staff.get("/metrics")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain; version=")


def test_an_empty_token_opens_nothing(settings):
    settings.BLOCKWISE_METRICS_TOKEN = ""
    assert APIClient().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 401


def test_requests_runs_steps_and_model_calls_are_counted(settings):
    call_command("seed_demo", stdout=StringIO())
    settings.BLOCKWISE_METRICS_TOKEN = TOKEN
    client = APIClient()
    scrape = f"Bearer {TOKEN}"
    before = _samples(client.get("/metrics", HTTP_AUTHORIZATION=scrape).content.decode())
    from registry.models import Workflow

    workflow = Workflow.objects.get()
    ran = client.post(f"/api/v1/workflows/{workflow.pk}/runs/", {"inputs": {"image": b64("red")}}, format="json")
    assert ran.status_code == 201
    assert client.get("/api/v1/runs/999999/").status_code == 404
    after = _samples(client.get("/metrics", HTTP_AUTHORIZATION=scrape).content.decode())

    def grew(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after[key] - before.get(key, 0.0)

    route = "/api/v1/workflows/<int:workflow_id>/runs/"
    assert grew("blockwise_http_requests_total", route=route, method="POST", status="201") == 1
    assert grew("blockwise_http_requests_total", route="/api/v1/runs/<int:run_id>/", method="GET", status="404") == 1
    assert grew("blockwise_http_request_duration_seconds_count", route=route) == 1
    assert grew("blockwise_run_duration_seconds_count", status="succeeded") == 1
    block = "roboflow_core/roboflow_classification_model@v2"
    assert grew("blockwise_step_duration_seconds_count", block_type=block) == 1
    assert grew("blockwise_model_call_duration_seconds_count", backend="local") == 1
    assert after[("blockwise_job_queue_depth", (("job_state", "queued"),))] == 0
    assert after[("blockwise_job_queue_depth", (("job_state", "running"),))] == 0


def test_each_answer_carries_its_request_id():
    client = APIClient()
    given = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert given["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="not a token\n")
    assert len(made["X-Request-ID"]) == 32 and made["X-Request-ID"] != "not a token\n"


@pytest.mark.server
def test_server_processes_add_up_and_log_lines_carry_ids(tmp_path: Path):
    """Two server processes record into one folder: the scrape counts every request, whichever
    process answered it. A failed run's log line carries its request id and run id."""
    env = {"BLOCKWISE_METRICS_TOKEN": TOKEN, "BLOCKWISE_LOG_LEVEL": "INFO", "CELERY_BROKER_URL": ""}
    server = ServerProcess(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "server.log", workers=2, env=env)
    server.start()
    try:
        with requests.Session() as session:
            for _ in range(20):
                assert session.get(f"{server.url}/healthz", timeout=30).status_code == 200
            failed = requests.post(
                f"{server.url}/api/v1/runs/",
                json={
                    "specification": {
                        "version": "1.0",
                        "inputs": [],
                        "steps": [{"type": "nope/x@v1", "name": "a"}],
                        "outputs": [],
                    },
                    "inputs": {},
                },
                headers={"X-Request-ID": "run-request-1"},
                timeout=30,
            )
            scrape = requests.get(f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    finally:
        server.stop()
    assert failed.status_code == 400
    samples = _samples(scrape.text)
    healthz = (("method", "GET"), ("route", "/healthz"), ("status", "200"))
    assert samples[("blockwise_http_requests_total", healthz)] == 20
    lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
    [run_line] = [line for line in lines if line["message"].startswith("Run failed")]
    assert (run_line["request_id"], run_line["run_record"]) == ("run-request-1", failed.json()["run"]["id"])
    assert uuid.UUID(run_line["run_id"]).version == 4  # given before the run, kept as the record's uid


def test_a_job_tasks_log_lines_carry_its_job_id():
    import logging

    from config.celery import app
    from tests.support.log_records import log_records

    @app.task(name="tests.probe_task")
    def probe_task(job_id: int, item_ids: list[int]) -> None:
        logging.getLogger("tests.probe").warning("inside the task")

    with log_records("tests.probe") as records:
        probe_task.apply(args=(41, [1, 2]))
        probe_task.apply(kwargs={"job_id": 42, "item_ids": [3]})
    assert [getattr(record, "job_id", None) for record in records] == [41, 42]
