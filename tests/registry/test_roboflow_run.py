"""Roboflow's run routes: request, response and error shapes."""

import base64
import io

import numpy as np
import pytest
from django.core.management import call_command

from registry.models import Workflow
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


def test_run_a_saved_workflow(api):
    workflow = Workflow.objects.get()
    response = api.post(f"/any-workspace/workflows/{workflow.pk}", {"inputs": {"image": image("green")}}, format="json")
    assert response.status_code == 200
    assert response.json()["outputs"][0]["predictions"]["top"] == "green"
    assert api.post("/ws/workflows/99999", {"inputs": {}}, format="json").status_code == 404


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
