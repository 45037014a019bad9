"""Roboflow's run routes: request, response and error shapes."""

import base64
import io
import json
import uuid
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from registry.models import Run, Workflow
from scripts.train_demo_model import draw_sample
from tests.executor.conftest import classification_workflow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def image(colour):
    buffer = io.BytesIO()
    draw_sample(colour, np.random.default_rng(3)).save(buffer, format="JPEG")
    return {"type": "base64", "value": base64.b64encode(buffer.getvalue()).decode()}


def spec(**overrides):
    return classification_workflow(**{"model_id": "demo-shapes/1", "confidence": 0.2, **overrides})


def test_run_by_specification(api):
    response = api.post(
        "/workflows/run", {"specification": spec(), "inputs": {"image": image("red")}, "api_key": "k"}, format="json"
    )
    assert response.status_code == 200
    [output] = response.json()["outputs"]
    assert output["predictions"]["top"] == "red"
    assert output["model"] == "demo-shapes/1"


def test_a_run_with_a_roboflow_key_reads_neither_tokens_nor_block_versions(api):
    # Tokens are told by their shape and disabled versions come from the in-memory catalog: each
    # query cost as much as the rest of a one-image run's bookkeeping.
    body = {"specification": spec(), "inputs": {"image": image("red")}, "api_key": "roboflow-key-123"}
    api.post("/workflows/run", body, format="json")
    with CaptureQueriesContext(connection) as queries:
        assert api.post("/workflows/run", body, format="json").status_code == 200
    tables = " ".join(query["sql"] for query in queries.captured_queries)
    assert "authtoken_token" not in tables
    assert "registry_blockversion" not in tables
    assert "registry_run" in tables


def test_run_a_saved_workflow(api):
    workflow = Workflow.objects.get()
    response = api.post(f"/any-workspace/workflows/{workflow.pk}", {"inputs": {"image": image("green")}}, format="json")
    assert response.status_code == 200
    assert response.json()["outputs"][0]["predictions"]["top"] == "green"
    assert api.post("/ws/workflows/99999", {"inputs": {}}, format="json").status_code == 404


def test_a_saved_workflow_that_no_longer_compiles_answers_with_its_compilation_error(api):
    # The error names the step of the revision that ran: the renderer reads it from the run's record.
    workflow = Workflow.objects.get()
    revision = workflow.revisions.get(number=workflow.revision)
    revision.definition = spec(images="$inputs.nope")
    revision.save()
    response = api.post(f"/any-workspace/workflows/{workflow.pk}", {"inputs": {"image": image("red")}}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert (body["error_type"], body["context"]) == (
        "InvalidReferenceTargetError",
        "workflow_compilation | execution_graph_construction",
    )
    assert [(e["block_id"], e["property_name"]) for e in body["blocks_errors"]] == [("classifier", "images")]
    assert (Run.objects.latest("pk").error or {}).get("code") == "invalid_workflow"


def test_error_shapes(api):
    missing_inputs = api.post("/workflows/run", {"specification": spec()}, format="json")
    assert missing_inputs.status_code == 422
    compile_error = api.post(
        "/workflows/run", {"specification": spec(images="$inputs.nope"), "inputs": {}}, format="json"
    )
    assert (compile_error.status_code, compile_error.json()["error_type"]) == (400, "InvalidReferenceTargetError")
    runtime = api.post("/workflows/run", {"specification": spec(), "inputs": {}}, format="json")
    assert runtime.status_code == 400
    assert runtime.json() == {
        "message": "Input `image` (WorkflowImage) needs a value and none was given.",
        "error_type": "RuntimeInputError",
        "context": "workflow_execution | runtime_input_validation",
        "inner_error_type": None,
        "inner_error_message": None,
    }
    no_model = api.post(
        "/workflows/run", {"specification": spec(model_id="x/1"), "inputs": {"image": image("red")}}, format="json"
    )
    assert no_model.status_code == 400
    assert no_model.json()["error_type"] == "ClientCausedStepExecutionError"
    assert no_model.json()["blocks_errors"][0]["block_id"] == "classifier"


def test_model_errors_keep_their_status_and_hide_the_key(api, settings, model_server):
    settings.ROBOFLOW_API_URL = model_server.url
    model_server.reset(status=402)
    body = {"specification": spec(model_id="x/1"), "inputs": {"image": image("red")}}
    response = api.post("/workflows/run", body, format="json", HTTP_AUTHORIZATION="Bearer secret-key-999")
    assert response.status_code == 402
    assert response.json()["error_type"] == "ClientCausedStepExecutionError"
    assert model_server.state.requests[0].query["api_key"] == ["secret-key-999"]
    assert "secret-key-999" not in response.content.decode()
    model_server.reset(status=500)
    down = api.post("/workflows/run", body, format="json", HTTP_AUTHORIZATION="Bearer secret-key-999")
    assert (down.status_code, down.json()["error_type"]) == (503, "StepExecutionError")


@pytest.mark.parametrize(
    ("path", "limit_setting"),
    [
        ("/workflows/run", "BLOCKWISE_MAX_RUN_BODY_BYTES"),
        ("/workflows/validate", "BLOCKWISE_MAX_BODY_BYTES"),
    ],
)
def test_an_oversize_body_is_a_json_413(api, settings, path, limit_setting):
    # Django's own buffer limit is below the body too: reading `request.body` would answer an HTML 400.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 500
    setattr(settings, limit_setting, 1000)
    runs_before = Run.objects.count()
    body = {"specification": spec(), "inputs": {"image": image("red")}}
    response = api.post(path, body, format="json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"message": "The request body is larger than the limit of 1000 bytes."}
    assert Run.objects.count() == runs_before


def test_an_oversize_describe_body_is_a_json_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 500
    response = api.post("/workflows/blocks/describe", {"padding": "x" * 1_100_000}, format="json")
    assert response.status_code == 413
    assert response.json() == {"message": f"The request body is larger than the limit of {1024 * 1024} bytes."}


def solid(colour):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), {"red": (220, 20, 20), "blue": (20, 20, 220)}[colour]).save(buffer, format="JPEG")
    return {"type": "base64", "value": base64.b64encode(buffer.getvalue()).decode()}


def test_one_failed_image_keeps_the_outputs_of_the_others(api, settings, model_server):
    settings.ROBOFLOW_API_URL = model_server.url
    model_server.reset(fail_colour="blue", failure_status=500)
    images = [solid("red"), solid("blue"), solid("red")]
    body = {"specification": spec(model_id="shapes/1"), "inputs": {"image": images}}
    response = api.post("/workflows/run", body, format="json", HTTP_AUTHORIZATION="Bearer secret-key-999")
    assert response.status_code == 200
    answer = response.json()
    assert [o["predictions"] and o["predictions"]["top"] for o in answer["outputs"]] == ["red", None, "red"]
    assert answer["errors"] == [
        {
            "step": "classifier",
            "code": "model_unavailable",
            "message": "Roboflow could not run shapes/1 right now (500).",
            "element": 1,
        }
    ]
    run = Run.objects.latest("id")
    assert run.status == "failed"
    assert run.error == {**answer["errors"][0], "property": None, "errors": answer["errors"]}
    assert "secret-key-999" not in response.content.decode()


def test_every_image_failing_keeps_the_error_status(api, settings, model_server):
    settings.ROBOFLOW_API_URL = model_server.url
    model_server.reset(fail_colour="blue", failure_status=500)
    body = {"specification": spec(model_id="shapes/1"), "inputs": {"image": [solid("blue"), solid("blue")]}}
    response = api.post("/workflows/run", body, format="json", HTTP_AUTHORIZATION="Bearer secret-key-999")
    assert (response.status_code, response.json()["error_type"]) == (503, "StepExecutionError")


def _answer_unclosed(body):
    """The answer as Django's handler returns it to the server, before the server has sent and closed it."""
    from django.core.handlers.wsgi import WSGIHandler

    payload = json.dumps(body).encode()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/workflows/run",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(payload)),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(payload),
        "wsgi.url_scheme": "http",
    }
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None, /) -> Callable[[bytes], None]:
        statuses.append(status)
        return lambda data: None

    return WSGIHandler()(environ, start_response), statuses


@pytest.mark.usefixtures("keep_the_test_connection")
def test_a_successful_runs_record_is_saved_once_the_answer_is_sent():
    answer, statuses = _answer_unclosed({"specification": spec(), "inputs": {"image": image("red")}, "api_key": "k"})
    assert statuses == ["200 OK"]
    assert json.loads(b"".join(answer))["outputs"][0]["predictions"]["top"] == "red"
    assert Run.objects.count() == 0  # the client has its answer before the record is written
    answer.close()
    run = Run.objects.get()
    assert (run.status, run.image_count, run.error) == ("succeeded", 1, None)
    assert run.outputs[0]["predictions"]["top"] == "red"
    # The thumbnails are made after sending too, and the record has them.
    [preview] = run.inputs["image"]
    assert preview["thumbnail"].startswith("data:image/jpeg;base64,") and len(preview["sha256"]) == 64


@pytest.mark.usefixtures("keep_the_test_connection")
def test_a_run_whose_thumbnails_cannot_be_made_is_recorded_without_them(monkeypatch):
    from tests.support.log_records import log_records

    def undecodable(image: Any) -> dict[str, Any]:
        raise OSError("broken data in the middle of the image")

    monkeypatch.setattr("registry.services.runs.image_preview", undecodable)
    with log_records("registry.services.runs") as records:
        answer, statuses = _answer_unclosed(
            {"specification": spec(), "inputs": {"image": image("red")}, "api_key": "k"}
        )
        assert statuses == ["200 OK"]
        answer.close()
    run = Run.objects.get()
    assert (run.status, run.inputs) == ("succeeded", {})
    assert [r.getMessage() for r in records] == [
        "A run's input thumbnails could not be made; its record is saved without them."
    ]


@pytest.mark.usefixtures("keep_the_test_connection")
def test_a_failed_run_is_recorded_before_its_answer():
    answer, statuses = _answer_unclosed({"specification": spec(images="$inputs.nope"), "inputs": {}, "api_key": "k"})
    assert statuses == ["400 Bad Request"]
    assert Run.objects.get().status == "failed"
    answer.close()
    assert Run.objects.count() == 1


def test_a_record_that_cannot_be_saved_after_sending_is_logged_with_its_ids(api):
    from django.db import DatabaseError

    from tests.support.log_records import log_records

    def refuse_run_inserts(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and "registry_run" in sql:
            raise DatabaseError("disk full")
        return execute(sql, params, many, context)

    body = {"specification": spec(), "inputs": {"image": image("red")}, "api_key": "k"}
    with log_records("registry.services.runs") as records, connection.execute_wrapper(refuse_run_inserts):
        answer = api.post("/workflows/run", body, format="json", headers={"X-Request-ID": "unsaved-1"})
    assert answer.status_code == 200
    [record] = records
    assert record.getMessage() == "A run's record could not be saved after its answer was sent."
    assert record.request_id == "unsaved-1"  # type: ignore[attr-defined]
    # The uid the record would have had.
    assert uuid.UUID(record.run_id).version == 4  # type: ignore[attr-defined]
