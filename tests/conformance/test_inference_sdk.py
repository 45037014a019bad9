"""Roboflow's own Python client (inference-sdk) runs workflows against Blockwise unchanged."""

import io

import numpy as np
import pytest
from django.core.management import call_command
from inference_sdk import InferenceConfiguration, InferenceHTTPClient

from registry.models import Workflow
from scripts.train_demo_model import draw_sample
from tests.executor.conftest import classification_workflow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def client(live_server):
    call_command("sync_blocks", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    client = InferenceHTTPClient(api_url=live_server.url, api_key="any-key")
    return client.configure(InferenceConfiguration(api_key_transport="header"))


def picture(colour):
    return draw_sample(colour, np.random.default_rng(11))


def test_run_workflow_by_specification(client):
    specification = classification_workflow(model_id="demo-shapes/1", confidence=None)
    specification["inputs"] = specification["inputs"][:1]
    result = client.run_workflow(specification=specification, images={"image": picture("blue")})
    assert result[0]["predictions"]["top"] == "blue"
    assert result[0]["model"] == "demo-shapes/1"


def test_run_saved_workflow(client):
    workflow = Workflow.objects.get()
    result = client.run_workflow(
        workspace_name="local",
        workflow_id=str(workflow.pk),
        images={"image": picture("red")},
        parameters={"confidence": 0.1},
    )
    assert result[0]["predictions"]["top"] == "red"
