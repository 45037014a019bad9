"""Lockfile pins of saved children nested in saved children, and in published workflow blocks."""

from io import StringIO

import pytest
from django.core.management import call_command

from registry.models import WorkflowRevision
from tests.executor.nested_builders import child_workflow, parent_workflow
from tests.registry.conftest import client_of, make_user
from tests.registry.test_inner_workflows import b64, referring, save
from tests.registry.test_workflow_blocks import publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo(db):
    call_command("seed_demo", stdout=StringIO())


def relaying(workflow_id):
    """A workflow whose one step is the saved workflow `workflow_id`, its `top` given out again."""
    definition = referring(workflow_id, bindings={"image": "$inputs.image", "model_id": "$inputs.model_id"})
    definition["inputs"][1] = {"type": "WorkflowParameter", "name": "model_id"}
    definition["outputs"] = [{"type": "JsonField", "name": "top", "selector": "$steps.outer.top"}]
    return definition


def change_child(client, child_id):
    """The child's `top` now gives the model id: runs that use the new revision say `demo-shapes/1`."""
    changed = child_workflow()
    changed["outputs"][-1]["selector"] = "$inputs.model_id"
    body = {"base_revision": 1, "specification": changed}
    response = client.put(f"/api/v1/workflows/{child_id}/", body, format="json")
    assert response.status_code == 200, response.content


def test_a_child_of_a_child_is_pinned_in_the_parents_lockfile_and_runs_use_it():
    alice = client_of(make_user("alice"))
    grandchild = save(alice, child_workflow())
    middle = save(alice, relaying(grandchild["id"]))
    parent_definition = referring(middle["id"])
    parent_definition["outputs"] = parent_definition["outputs"][:1]
    parent = save(alice, parent_definition)
    assert parent["valid"] is True
    lockfile = WorkflowRevision.objects.get(workflow_id=parent["id"], number=1).lockfile
    assert lockfile["outer"]["workflow"] == {"workspace": "any", "id": middle["id"], "revision": 1}
    assert lockfile["outer/outer"]["workflow"] == {"workspace": "any", "id": grandchild["id"], "revision": 1}
    change_child(alice, grandchild["id"])
    run = alice.post(f"/api/v1/workflows/{parent['id']}/runs/", {"inputs": {"image": b64("green")}}, format="json")
    assert run.status_code == 201, run.content
    assert run.json()["outputs"][0]["top"] == "green"


def test_a_published_workflow_block_keeps_the_children_its_revision_pinned():
    alice = client_of(make_user("alice"))
    grandchild = save(alice, child_workflow())
    source = save(alice, relaying(grandchild["id"]))
    assert publish(alice, source["id"]).status_code == 201
    change_child(alice, grandchild["id"])
    using = parent_workflow(
        {"type": "acme/shape_gate@v1", "name": "gate", "image": "$inputs.image", "model_id": "$inputs.model"},
        outputs=[{"type": "JsonField", "name": "top", "selector": "$steps.gate.top"}],
    )
    verdict = alice.post("/api/v1/workflows/validate/", {"specification": using}, format="json").json()
    assert verdict == {"valid": True, "errors": [], "warnings": []}
    saved = save(alice, using)
    lockfile = WorkflowRevision.objects.get(workflow_id=saved["id"], number=1).lockfile
    assert lockfile["gate/outer"]["workflow"] == {"workspace": "any", "id": grandchild["id"], "revision": 1}
    run = alice.post(f"/api/v1/workflows/{saved['id']}/runs/", {"inputs": {"image": b64("green")}}, format="json")
    assert run.status_code == 201, run.content
    assert run.json()["outputs"][0]["top"] == "green"
    inline = alice.post("/api/v1/runs/", {"specification": using, "inputs": {"image": b64("green")}}, format="json")
    assert inline.json()["outputs"][0]["top"] == "green"
