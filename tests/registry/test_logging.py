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
