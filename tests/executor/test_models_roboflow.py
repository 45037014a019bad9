"""The Roboflow clients end to end against the Roboflow-compatible server on 127.0.0.1."""

import io
import logging
import socket
import threading
import time

import pytest
from PIL import Image

from blocks.images import WorkflowImage
from blocks.ports import (
    ClassificationRequest,
    InvalidModelIdError,
    ModelAuthError,
    ModelCreditsError,
    ModelNotFoundError,
    ModelResponseError,
    ModelTimeoutError,
    ModelUnavailableError,
)
from executor.images import ImageLimits, decode_image
from executor.models.roboflow import RemoteConfig, RoboflowClient

KEY = "rf-test-key-0123456789"


def jpeg(colour=(200, 30, 30), parent_id="image"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, format="JPEG")
    return decode_image(buffer.getvalue(), parent_id=parent_id, limits=ImageLimits())


def request(model_id="shapes/3", **overrides):
    values = {
        "model_id": model_id,
        "confidence": 0.2,
        "disable_active_learning": False,
        "active_learning_target_dataset": "review",
        "api_key": KEY,
        **overrides,
    }
    return ClassificationRequest(**values)


def client(server, **overrides):
    return RoboflowClient(RemoteConfig(hosted_url=server.url, **{"timeout_s": 2.0, "backoff_s": 0.01, **overrides}))


def test_hosted_api_v0_request_and_response(model_server):
    image: WorkflowImage = jpeg()
    [result] = client(model_server).classify(request(), [image])
    assert result["top"] == "red"
    assert result["image"] == {"width": 64, "height": 48}
    [sent] = model_server.state.requests
    assert sent.path == "/shapes/3"
    assert sent.query == {
        "api_key": [KEY],
        "confidence": ["0.2"],
        "disable_active_learning": ["false"],
        "source": ["workflow-execution"],
        "active_learning_target_dataset": ["review"],
    }
    assert sent.headers["Authorization"] == f"Bearer {KEY}"
    assert sent.headers["Content-Type"] == "application/json"
    # The JPEG goes out exactly as it came in: no decode and re-encode.
    import base64

    assert base64.b64decode(sent.body) == image.encoded


def test_inference_server_v1(model_server):
    remote = RoboflowClient(RemoteConfig(inference_url=model_server.url, timeout_s=2.0))
    [result] = remote.classify(request(model_id="shapes/3", confidence="default"), [jpeg((20, 30, 210))])
    assert isinstance(result, dict)
    assert result["top"] == "blue"
    import json

    sent = json.loads(model_server.state.requests[0].body)
    assert (sent["model_id"], sent["api_key"], sent["confidence"], sent["source"]) == (
        "shapes/3",
        KEY,
        "default",
        "workflow-execution",
    )
    assert sent["image"]["type"] == "base64"


@pytest.mark.parametrize(
    ("status", "error", "code"),
    [
        (401, ModelAuthError, "model_auth_failed"),
        (403, ModelAuthError, "model_auth_failed"),
        (402, ModelCreditsError, "model_no_credits"),
        (404, ModelNotFoundError, "model_not_found"),
    ],
)
def test_client_errors_map_without_the_key(model_server, status, error, code):
    model_server.reset(status=status)
    [result] = client(model_server).classify(request(), [jpeg()])
    assert isinstance(result, error)
    assert result.code == code
    assert KEY not in result.message
    assert len(model_server.state.requests) == 1


def test_rate_limits_and_server_errors_are_retried(model_server):
    model_server.reset(failures_before_success=2, failure_status=429)
    [result] = client(model_server).classify(request(), [jpeg()])
    assert result["top"] == "red"
    assert len(model_server.state.requests) == 3
    model_server.reset(status=500)
    [failed] = client(model_server, retries=2).classify(request(), [jpeg()])
    assert isinstance(failed, ModelUnavailableError)
    assert len(model_server.state.requests) == 3


def test_timeouts_and_garbage(model_server):
    model_server.reset(hang_s=1.0)
    [slow] = RoboflowClient(RemoteConfig(hosted_url=model_server.url, timeout_s=0.3)).classify(request(), [jpeg()])
    assert isinstance(slow, ModelTimeoutError)
    assert slow.code == "model_timeout"
    model_server.reset(malformed=True)
    [garbage] = client(model_server).classify(request(), [jpeg()])
    assert isinstance(garbage, ModelResponseError)


def test_unreachable_server(model_server):
    [result] = RoboflowClient(RemoteConfig(hosted_url="http://127.0.0.1:9", retries=1, backoff_s=0.01)).classify(
        request(), [jpeg()]
    )
    assert isinstance(result, ModelUnavailableError)
    assert KEY not in result.message


def test_bad_model_id_for_the_hosted_api(model_server):
    [result] = client(model_server).classify(request(model_id="no-version"), [jpeg()])
    assert isinstance(result, ModelNotFoundError)


@pytest.mark.parametrize("model_id", ["a?api_key=x&/1", "a#frag/1", "a/1?x=1", "../1", "a/1/2", "a%3F/1", "a /1"])
def test_a_model_id_that_would_change_the_url_is_refused_before_any_call(model_server, model_id):
    [result] = client(model_server).classify(request(model_id=model_id), [jpeg()])
    assert isinstance(result, InvalidModelIdError)
    assert (result.code, result.message) == (
        "invalid_model_id",
        f"{model_id!r} is not a Roboflow model id like `project/3`.",
    )
    assert model_server.state.requests == []


def test_concurrency_is_bounded_and_one_failure_keeps_the_rest(model_server):
    model_server.reset(latency_s=0.05)
    images = [jpeg(parent_id=f"image.[{i}]") for i in range(12)]
    results = client(model_server, max_concurrency=3).classify(request(), images)
    assert [r["top"] for r in results] == ["red"] * 12
    assert model_server.state.max_in_flight == 3


@pytest.mark.parametrize(("retry_after", "waited"), [("1", [1.0]), ("120", [10.0])])
def test_retry_after_is_honoured_and_capped(model_server, monkeypatch, retry_after, waited):
    sleeps: list[float] = []
    # urllib3's own sleep between attempts is stubbed: the test records the wait instead of taking it.
    monkeypatch.setattr("urllib3.util.retry.time.sleep", sleeps.append)
    model_server.reset(failures_before_success=1, failure_status=503, retry_after=retry_after)
    [result] = client(model_server, backoff_s=0.0).classify(request(), [jpeg()])
    assert result["top"] == "red"
    assert len(model_server.state.requests) == 2
    assert sleeps == waited


def test_an_oversize_answer_is_refused(model_server):
    model_server.reset(answer_padding=5000)
    [result] = client(model_server, max_response_bytes=2000).classify(request(), [jpeg()])
    assert isinstance(result, ModelResponseError)
    assert result.message == "Roboflow's answer for shapes/3 is larger than 2000 bytes."


def test_the_key_is_redacted_from_urllib3_logs(model_server, caplog):
    caplog.set_level(logging.DEBUG, logger="urllib3")
    model_server.reset(failures_before_success=1, failure_status=503)
    [result] = client(model_server).classify(request(), [jpeg()])
    assert result["top"] == "red"
    assert "/shapes/3?api_key=***&confidence=0.2" in caplog.text
    assert "Retry(total=2" in caplog.text
    assert KEY not in caplog.text


def test_no_call_once_the_run_is_out_of_time(model_server):
    [result] = client(model_server).classify(request(), [jpeg()], deadline=time.monotonic() - 1)
    assert isinstance(result, ModelTimeoutError)
    assert result.message == "The run ran out of time before shapes/3 could be asked."
    assert model_server.state.requests == []


def test_a_slow_model_does_not_stall_other_runs(model_server):
    # Blue images hang at the model server. One run sends 8 of them; another run on the same client
    # (the same connection pool) gets its red images classified while all of those are still waiting.
    # The hangs end when the test has seen that (release_hangs), or after 4 s, within the client's 5 s.
    model_server.reset(hang_s=4.0, hang_colour="blue")
    shared = client(model_server, timeout_s=5.0, max_concurrency=4, retries=0)
    blue = [jpeg((20, 30, 210), parent_id=f"image.[{i}]") for i in range(8)]
    stalled = threading.Thread(target=shared.classify, args=(request(), blue))
    stalled.start()
    deadline = time.monotonic() + 10
    while model_server.state.in_flight < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert model_server.state.in_flight == 4, "the blue images never reached the model server"
    results = shared.classify(request(), [jpeg(parent_id=f"image.[{i}]") for i in range(4)])
    assert [r["top"] for r in results] == ["red"] * 4
    assert model_server.state.in_flight >= 4
    model_server.release_hangs()
    stalled.join()


def test_a_proxy_from_the_environment_carries_the_calls(model_server, monkeypatch):
    # The test server stands in for the proxy: it reads the path from the absolute URL it is sent.
    # The model server's own name (reserved, never resolved) is only ever named to the proxy.
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", model_server.url)
    real_getaddrinfo = socket.getaddrinfo

    def loopback_only(host, *args, **kwargs):
        if host != "127.0.0.1":
            raise socket.gaierror(socket.EAI_NONAME, "only 127.0.0.1 in tests")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)
    remote = RoboflowClient(RemoteConfig(hosted_url="http://models.roboflow.test", timeout_s=2.0, retries=0))
    [result] = remote.classify(request(), [jpeg()])
    assert isinstance(result, dict)
    assert result["top"] == "red"
    [sent] = model_server.state.requests
    assert (sent.path, sent.headers["Host"]) == ("/shapes/3", "models.roboflow.test")


def test_log_lines_of_the_calls_threads_carry_the_callers_context(model_server):
    import logging

    from executor.log_context import log_context
    from tests.support.log_records import log_records

    model_server.reset(failures_before_success=2, failure_status=503)
    # urllib3 writes its retries at DEBUG.
    with log_records("urllib3.connectionpool", level=logging.DEBUG) as records, log_context(request_id="request-7"):
        results = client(model_server, max_concurrency=2).classify(request(), [jpeg(), jpeg()])
    assert [result["top"] for result in results] == ["red", "red"]
    retries = [record for record in records if record.getMessage().startswith("Retry: ")]
    assert len(retries) == 2
    assert {getattr(record, "request_id", None) for record in retries} == {"request-7"}
