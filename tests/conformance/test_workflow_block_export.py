"""A workflow that uses a saved workflow published as a block, exported, is valid for Roboflow 1.8.3."""

import io

import pytest
from django.core.management import call_command

from registry.selectors.workflows import workflow_export
from registry.services.catalog_sync import blocks_import
from registry.services.workflow_blocks import workflow_block_publish
from registry.services.workflows import workflow_create
from tests.conformance.inner_cases import child, wrapped
from tests.conformance.roboflow import roboflow_validate
from tests.conftest import load_roboflow_describe
from tests.registry.conftest import make_user

pytestmark = pytest.mark.django_db


def test_the_export_of_a_workflow_block_step_is_valid_for_roboflow(client):
    call_command("sync_blocks", stdout=io.StringIO())
    blocks_import(load_roboflow_describe())
    owner = make_user("owner")
    source = workflow_create(owner=owner, name="gate", specification=child())
    workflow_block_publish(workflow=source, user=owner, family="acme/shape_gate", version="v1")
    uses = wrapped(child())
    uses["steps"][0] = {
        "type": "acme/shape_gate@v1",
        "name": "outer",
        "image": "$inputs.image",
        "model_id": "$inputs.model_id",
    }
    workflow = workflow_create(owner=owner, name="uses", specification=uses)
    assert workflow.revisions.get().valid
    exported = workflow_export(workflow=workflow)
    assert exported["steps"][0]["type"] == "roboflow_core/inner_workflow@v1"
    [theirs] = roboflow_validate([exported])
    assert (theirs["status"], theirs["body"]) == (200, {"status": "ok"})
    ours = client.post("/workflows/validate", exported, content_type="application/json")
    assert (ours.status_code, ours.json()) == (200, {"status": "ok"})
