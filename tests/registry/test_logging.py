"""Logging as configured in settings.LOGGING: one JSON object per line, and no API key in any line,
even with every logger at DEBUG while runs call a hosted model (urllib3 quotes the URLs, where the
hosted API's key travels)."""

import copy
import io
import json
import logging
import logging.config
from io import StringIO

import pytest
from django.core.management import call_command

from registry.models import Run
from tests.registry.test_runs_api import SECRET, demo_spec, solid


@pytest.fixture
def captured_logs(settings):
    """Every log line the configured handler writes, with the root logger at DEBUG."""
    buffer = io.StringIO()
    config = copy.deepcopy(settings.LOGGING)
    config["handlers"]["console"]["stream"] = buffer
    config["root"]["level"] = "DEBUG"
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    logging.config.dictConfig(config)
    yield buffer
    configured = [handler for handler in root.handlers if handler not in saved[0]]
    for handler in configured:
        root.removeHandler(handler)
        handler.close()
    for handler in saved[0]:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(saved[1])


@pytest.mark.django_db
def test_no_log_line_carries_the_api_key(api, settings, model_server, captured_logs):
    call_command("seed_demo", stdout=StringIO())
    settings.ROBOFLOW_API_URL = model_server.url
    settings.BLOCKWISE_MODEL_RETRIES = 1
    spec = demo_spec(model_id="shapes/7")
    model_server.reset(failures_before_success=1, failure_status=503)
    native = api.post(
        "/api/v1/runs/", {"specification": spec, "api_key": SECRET, "inputs": {"image": solid("blue")}}, format="json"
    )
    roboflow = api.post(
        "/workflows/run",
        {"specification": spec, "inputs": {"image": {"type": "base64", "value": solid("red")}}},
        format="json",
        headers={"Authorization": f"Bearer {SECRET}"},
    )
    model_server.reset(status=401)
    refused = api.post(
        "/api/v1/runs/", {"specification": spec, "api_key": SECRET, "inputs": {"image": solid("blue")}}, format="json"
    )
    assert (native.status_code, roboflow.status_code, refused.status_code) == (201, 200, 401)
    # The key did travel, in the query string of each call to the hosted API.
    assert [request.query["api_key"] for request in model_server.state.requests] == [[SECRET]]
    lines = captured_logs.getvalue().splitlines()
    records = [json.loads(line) for line in lines]
    assert {"time", "level", "logger", "message"} <= set(records[0])
    sent = [
        r["message"] for r in records if r["logger"] == "urllib3.connectionpool" and "POST /shapes/7?" in r["message"]
    ]
    assert [message.split('" ')[1].split()[0] for message in sent] == ["503", "200", "200", "401"]
    assert all('"POST /shapes/7?api_key=***&confidence=0.2&' in message for message in sent)
    assert any(r["logger"] == "urllib3.util.retry" and "api_key=***" in r["message"] for r in records)
    assert [line for line in lines if SECRET in line] == []


@pytest.mark.django_db
def test_each_line_written_during_a_run_carries_the_request_and_run_ids(api, settings, model_server, captured_logs):
    """The run's id is given before it runs, so lines written while it runs (here urllib3's, in the
    threads that call the model) carry it, also for a Roboflow run whose record is saved only once
    the answer is sent; it is the record's `uid`."""
    settings.ROBOFLOW_API_URL = model_server.url
    spec = demo_spec(model_id="shapes/7")
    native = api.post(
        "/api/v1/runs/",
        {"specification": spec, "api_key": SECRET, "inputs": {"image": solid("blue")}},
        format="json",
        headers={"X-Request-ID": "native-1"},
    )
    roboflow = api.post(
        "/workflows/run",
        {"specification": spec, "api_key": SECRET, "inputs": {"image": {"type": "base64", "value": solid("red")}}},
        format="json",
        headers={"X-Request-ID": "roboflow-1"},
    )
    assert (native.status_code, roboflow.status_code) == (201, 200)
    records = [json.loads(line) for line in captured_logs.getvalue().splitlines()]
    calls = [r for r in records if r["logger"] == "urllib3.connectionpool" and "POST /shapes/7?" in r["message"]]
    native_run = Run.objects.get(pk=native.json()["id"])
    roboflow_run = Run.objects.exclude(pk=native_run.pk).get()
    assert [(r["request_id"], r["run_id"]) for r in calls] == [
        ("native-1", str(native_run.uid)),
        ("roboflow-1", str(roboflow_run.uid)),
    ]
    assert native_run.uid != roboflow_run.uid
