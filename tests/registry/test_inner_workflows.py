"""Inner workflows over the APIs: built in, children by reference to saved workflows (as the caller
may read them), validation, runs named `outer/inner`, lockfile pins, and Roboflow's routes."""

import base64
import io
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from registry.models import BlockVersion, Run, Workflow, WorkflowRevision
from scripts.train_demo_model import draw_sample
from tests.executor.nested_builders import child_workflow, inner_step, parent_workflow
from tests.registry.conftest import client_of, make_user

pytestmark = pytest.mark.django_db
INNER = "roboflow_core/inner_workflow@v1"


@pytest.fixture(autouse=True)
def demo(db):
    call_command("seed_demo", stdout=StringIO())


def b64(colour, seed=0):
    buffer = io.BytesIO()
    draw_sample(colour, np.random.default_rng(seed)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


def save(client, specification, **fields):
    response = client.post("/api/v1/workflows/", {"name": "w", "specification": specification, **fields}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def referring(workflow_id, **fields):
    return parent_workflow(inner_step(workflow_workspace_id="any", workflow_id=str(workflow_id), **fields))


def validate(client, specification):
    response = client.post("/api/v1/workflows/validate/", {"specification": specification}, format="json")
    assert response.status_code == 200
    return response.json()


def test_inner_workflow_is_a_built_in_block_version():
    row = BlockVersion.objects.get(type_identifier=INNER)
    assert (row.source, row.state, row.executable) == ("builtin", "published", True)
    assert row.description["outputs_manifest"][0]["name"] == "*"


def test_a_saved_child_by_reference_validates_as_its_current_or_named_revision():
    alice = client_of(make_user("alice"))
    child = save(alice, child_workflow())
    assert validate(alice, referring(child["id"]))["valid"] is True
    # A second revision without the `top` output: the current revision is used, unless one is named.
    without_top = child_workflow()
    without_top["outputs"] = without_top["outputs"][:1]
    alice.put(f"/api/v1/workflows/{child['id']}/", {"base_revision": 1, "specification": without_top}, format="json")
    body = validate(alice, referring(child["id"]))
    assert [(e["code"], e["pointer"]) for e in body["errors"]] == [("unknown_output", "/outputs/0/selector")]
    assert validate(alice, referring(child["id"], workflow_version_id="1"))["valid"] is True
    missing = validate(alice, referring(child["id"], workflow_version_id="9"))["errors"]
    assert [(e["code"], e["pointer"]) for e in missing] == [("inner_workflow_not_found", "/steps/0/workflow_id")]


def test_someone_elses_private_workflow_is_not_found_and_a_public_one_is_usable():
    alice, bob = client_of(make_user("alice")), client_of(make_user("bob"))
    private = save(alice, child_workflow())
    public = save(alice, child_workflow(), public=True)
    errors = validate(bob, referring(private["id"]))["errors"]
    assert [(e["code"], e["pointer"], e["step"]) for e in errors] == [
        ("inner_workflow_not_found", "/steps/0/workflow_id", "outer")
    ]
    # Not readable is said as not there: nothing tells a private workflow from a missing one.
    assert [e["code"] for e in validate(bob, referring(999999))["errors"]] == ["inner_workflow_not_found"]
    assert validate(bob, referring(public["id"]))["valid"] is True
    assert validate(APIClient(), referring(public["id"]))["valid"] is True


def test_a_workflow_that_uses_itself_through_another_is_saved_as_an_invalid_draft():
    alice = client_of(make_user("alice"))
    first = save(alice, child_workflow())
    second = save(alice, referring(first["id"]))
    cyclic = referring(second["id"], bindings={"image": "$inputs.image", "model": "$inputs.model"})
    saved = alice.put(f"/api/v1/workflows/{first['id']}/", {"base_revision": 1, "specification": cyclic}, format="json")
    body = saved.json()
    assert body["valid"] is False
    [error] = body["validation"]["errors"]
    at = "/steps/0/workflow_definition/steps/0/workflow_id"
    assert (error["code"], error["pointer"]) == ("inner_workflow_cycle", at)
    assert error["cycle"] == [f"workflow:{first['id']}", f"workflow:{second['id']}", f"workflow:{first['id']}"]


def test_a_run_names_nested_steps_and_matches_the_inline_outputs(api):
    spec = parent_workflow()
    response = api.post("/api/v1/runs/", {"specification": spec, "inputs": {"image": b64("blue")}}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["outputs"][0]["top"] == "blue"
    assert set(body["timings"]) == set(Run.objects.get(pk=body["id"]).timings) == {"outer/classifier", "outer/top"}
    failing = api.post(
        "/api/v1/runs/", {"specification": spec, "inputs": {"image": b64("red"), "model": "ghost/1"}}, format="json"
    )
    assert failing.status_code >= 400
    assert [(d["step"], d["code"]) for d in failing.json()["details"]] == [("outer/classifier", "no_model")]


def test_the_lockfile_pins_the_child_revision_and_runs_use_it():
    alice_user = make_user("alice")
    alice = client_of(alice_user)
    child = save(alice, child_workflow())
    parent = save(alice, referring(child["id"]))
    revision = WorkflowRevision.objects.get(workflow_id=parent["id"], number=1)
    assert revision.lockfile["outer"] == {
        "type_identifier": INNER,
        "content_hash": BlockVersion.objects.get(type_identifier=INNER).content_hash,
        "workflow": {"workspace": "any", "id": child["id"], "revision": 1},
    }
    assert set(revision.lockfile) == {"outer", "outer/classifier", "outer/top"}
    # The child changes: its top class is now read from a grayscale copy. The parent's runs keep revision 1.
    changed = child_workflow()
    changed["outputs"][-1]["selector"] = "$inputs.model_id"
    alice.put(f"/api/v1/workflows/{child['id']}/", {"base_revision": 1, "specification": changed}, format="json")
    response = alice.post(f"/api/v1/workflows/{parent['id']}/runs/", {"inputs": {"image": b64("green")}}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["outputs"][0]["top"] == "green"
    # A new save of the parent validates against, and pins, the child's revision 2.
    resave = {"base_revision": 1, "specification": referring(child["id"])}
    alice.put(f"/api/v1/workflows/{parent['id']}/", resave, format="json")
    lockfile = WorkflowRevision.objects.get(workflow_id=parent["id"], number=2).lockfile
    assert lockfile["outer"]["workflow"]["revision"] == 2
    response = alice.post(f"/api/v1/workflows/{parent['id']}/runs/", {"inputs": {"image": b64("green")}}, format="json")
    assert response.json()["outputs"][0]["top"] == "demo-shapes/1"


def test_roboflow_validate_and_run_take_inner_workflows(client):
    spec = parent_workflow()
    assert client.post("/workflows/validate", spec, content_type="application/json").json() == {"status": "ok"}
    response = client.post(
        "/workflows/run",
        {"specification": spec, "inputs": {"image": {"type": "base64", "value": b64("red")}}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["outputs"][0]["top"] == "red"
    assert Workflow.objects.count() == 1  # the demo's; nothing else was written


def test_an_upgrade_of_a_workflow_that_uses_a_private_child_validates_against_it():
    alice = client_of(make_user("alice"))
    child = save(alice, child_workflow())
    spec = referring(child["id"])
    spec["steps"].append(
        {
            "type": "roboflow_core/roboflow_classification_model@v2",
            "name": "c",
            "images": "$inputs.image",
            "model_id": "a/1",
        }
    )
    parent = save(alice, spec)
    assert parent["valid"] is True
    url = f"/api/v1/workflows/{parent['id']}/upgrade/"
    upgraded = alice.post(url, {"base_revision": 1, "steps": {"c": "v3"}}, format="json")
    assert upgraded.status_code == 201, upgraded.json()
    assert upgraded.json()["validation"] == {"valid": True, "errors": [], "warnings": []}
