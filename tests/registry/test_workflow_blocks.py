"""Saved workflows published as block versions: manifest, catalog, docs, runs, policy, lifecycle, export."""

import copy
from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from registry.models import AuditRecord, BlockVersion
from tests.executor.nested_builders import child_workflow, parent_workflow
from tests.registry.conftest import client_of, make_user
from tests.registry.test_inner_workflows import b64, referring, save, validate

pytestmark = pytest.mark.django_db
GATE = "acme/shape_gate@v1"
CLASSIFIER = "roboflow_core/roboflow_classification_model@v2"


@pytest.fixture(autouse=True)
def demo(db):
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def alice():
    return client_of(make_user("alice"))


def publish(client, workflow_id, version="v1", family="acme/shape_gate"):
    return client.post(
        f"/api/v1/workflows/{workflow_id}/publish/", {"family": family, "version": version}, format="json"
    )


def gate_step(**fields):
    return {"type": GATE, "name": "gate", "image": "$inputs.image", "model_id": "$inputs.model", **fields}


def using_gate(**fields):
    return parent_workflow(
        gate_step(**fields),
        outputs=[
            {"type": "JsonField", "name": "top", "selector": "$steps.gate.top"},
            {"type": "JsonField", "name": "predictions", "selector": "$steps.gate.predictions"},
        ],
    )


def test_publish_gives_a_block_version_whose_manifest_is_the_workflows_interface(alice):
    source = save(alice, child_workflow())
    response = publish(alice, source["id"])
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["type_identifier"], body["state"], body["version"]) == (GATE, "published", "v1")
    props = {p["name"]: p for p in body["properties"]}
    assert set(props) == {"name", "image", "model_id", "confidence"}
    assert (props["image"]["required"], props["image"]["kinds"]) == (True, ["image"])
    assert (props["model_id"]["required"], props["confidence"]["required"]) == (True, False)
    assert props["confidence"]["default"] == 0.4
    assert body["outputs"] == [
        {"name": "predictions", "kinds": ["classification_prediction"]},
        {"name": "model", "kinds": ["roboflow_model_id"]},
        {"name": "top", "kinds": ["*"]},
    ]
    assert body["workflow_source"] == {"workflow_id": source["id"], "revision": 1}
    assert alice.get(f"/api/v1/blocks/{CLASSIFIER}/").json()["workflow_source"] is None
    row = BlockVersion.objects.get(type_identifier=GATE)
    assert (row.executable, row.description["blockwise_workflow"]["revision"]) == (True, 1)
    assert AuditRecord.objects.filter(subject=GATE, action="publish").exists()
    listed = alice.get("/api/v1/blocks/", {"search": "shape_gate"}).json()["results"]
    assert [r["type_identifier"] for r in listed] == [GATE]
    assert alice.get(f"/docs/blocks/{GATE}/").status_code == 200


def test_a_step_of_the_block_runs_the_pinned_revision_and_later_edits_do_not_change_it(alice):
    source = save(alice, child_workflow())
    publish(alice, source["id"])
    assert alice.post("/api/v1/workflows/validate/", {"specification": using_gate()}, format="json").json()["valid"]
    run = alice.post("/api/v1/runs/", {"specification": using_gate(), "inputs": {"image": b64("red")}}, format="json")
    assert run.status_code == 201, run.json()
    assert run.json()["outputs"][0]["top"] == "red"
    assert set(run.json()["timings"]) == {"gate/classifier", "gate/top"}
    # The source workflow changes its `top` output; the published version keeps revision 1.
    changed = child_workflow()
    changed["outputs"][-1]["selector"] = "$inputs.model_id"
    alice.put(f"/api/v1/workflows/{source['id']}/", {"base_revision": 1, "specification": changed}, format="json")
    again = alice.post("/api/v1/runs/", {"specification": using_gate(), "inputs": {"image": b64("red")}}, format="json")
    assert again.json()["outputs"][0]["top"] == "red"
    # Publishing the changed revision under the same version is a conflict; as v2 it is a new version.
    assert (publish(alice, source["id"]).status_code, publish(alice, source["id"]).json()["code"]) == (
        409,
        "content_conflict",
    )
    assert publish(alice, source["id"], "v2").status_code == 201


def _block_over_a_reference(client):
    """`GATE` published from a public workflow whose step names a private saved child: the child's
    id, and a workflow with one step of the block."""
    private = save(client, child_workflow())
    outer = save(client, referring(private["id"]), public=True)
    assert publish(client, outer["id"]).status_code == 201
    step = {"type": GATE, "name": "gate", "image": "$inputs.image", "model": "$inputs.model"}
    top = {"type": "JsonField", "name": "top", "selector": "$steps.gate.top"}
    return private["id"], parent_workflow(step, outputs=[top])


def test_a_block_whose_revision_names_a_private_workflow_is_usable_only_by_who_may_read_it(alice):
    # Its answer follows the caller's reads, so it is compiled for each caller, never kept for the next.
    _, specification = _block_over_a_reference(alice)
    assert validate(alice, specification) == {"valid": True, "errors": [], "warnings": []}
    assert validate(alice, specification)["valid"] is True
    bob = client_of(make_user("bob"))
    errors = validate(bob, specification)["errors"]
    assert [(e["code"], e["pointer"]) for e in errors] == [
        ("inner_workflow_not_found", "/steps/0/workflow_definition/steps/0/workflow_id")
    ]
    request = {"specification": specification, "inputs": {"image": b64("red")}}
    run = alice.post("/api/v1/runs/", request, format="json")
    assert (run.status_code, run.json()["outputs"]) == (201, [{"top": "red"}])
    refused = bob.post("/api/v1/runs/", request, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_workflow")


def test_a_blocks_saved_children_stay_the_revisions_it_was_published_with(alice):
    child_id, specification = _block_over_a_reference(alice)
    without_top = child_workflow()
    without_top["outputs"] = without_top["outputs"][:1]
    edited = alice.put(
        f"/api/v1/workflows/{child_id}/", {"base_revision": 1, "specification": without_top}, format="json"
    )
    assert edited.status_code == 200, edited.content
    assert validate(alice, referring(child_id))["valid"] is False  # the child's current revision has no `top`
    assert validate(alice, specification) == {"valid": True, "errors": [], "warnings": []}
    run = alice.post("/api/v1/runs/", {"specification": specification, "inputs": {"image": b64("red")}}, format="json")
    assert (run.status_code, run.json()["outputs"]) == (201, [{"top": "red"}])


def test_a_step_with_a_missing_or_unknown_property_is_reported_at_the_step(alice):
    source = save(alice, child_workflow())
    publish(alice, source["id"])
    spec = using_gate()
    del spec["steps"][0]["model_id"]
    spec["steps"][0]["colour"] = "red"
    errors = alice.post("/api/v1/workflows/validate/", {"specification": spec}, format="json").json()["errors"]
    assert [(e["code"], e["pointer"]) for e in errors] == [
        ("unknown_child_input", "/steps/0/colour"),
        ("unbound_child_input", "/steps/0"),
    ]


def test_the_familys_policy_refuses_a_removed_output_or_a_new_required_parameter(alice):
    source = save(alice, child_workflow())
    publish(alice, source["id"])
    fewer = child_workflow()
    fewer["outputs"] = fewer["outputs"][:2]
    alice.put(f"/api/v1/workflows/{source['id']}/", {"base_revision": 1, "specification": fewer}, format="json")
    refused = publish(alice, source["id"], "v2")
    assert refused.status_code == 409
    body = refused.json()
    assert (body["code"], body["compatibility"]) == ("incompatible_version", "BACKWARD")
    assert [c["code"] for c in body["changes"] if c["violates_policy"]] == ["OUTPUT_REMOVED"]
    more = child_workflow()
    more["inputs"].append({"type": "WorkflowParameter", "name": "extra"})
    more["steps"][1]["data"] = "$inputs.extra"
    alice.put(f"/api/v1/workflows/{source['id']}/", {"base_revision": 2, "specification": more}, format="json")
    refused = publish(alice, source["id"], "v2")
    assert refused.status_code == 409
    assert "PROPERTY_ADDED_REQUIRED" in [c["code"] for c in refused.json()["changes"] if c["violates_policy"]]
    assert not BlockVersion.objects.filter(type_identifier="acme/shape_gate@v2").exists()


def test_usages_states_and_upgrades_apply(alice, staff_api):
    source = save(alice, child_workflow())
    publish(alice, source["id"])
    user = save(alice, using_gate(), public=True)
    usages = alice.get(f"/api/v1/blocks/{GATE}/usages/").json()
    assert [(u["workflow_id"], u["steps"]) for u in usages["usages"]] == [(user["id"], ["gate"])]
    publish(alice, source["id"], "v2")
    staff_api.post(f"/api/v1/blocks/{GATE}/state/", {"action": "deprecate", "message": "Use v2."}, format="json")
    warnings = alice.post("/api/v1/workflows/validate/", {"specification": using_gate()}, format="json").json()
    assert [w["code"] for w in warnings["warnings"]] == ["deprecated_block"]
    upgraded = alice.post(
        f"/api/v1/workflows/{user['id']}/upgrade/", {"base_revision": 1, "steps": {"gate": "v2"}}, format="json"
    )
    assert upgraded.status_code == 201, upgraded.json()
    assert upgraded.json()["specification"]["steps"][0]["type"] == "acme/shape_gate@v2"


def test_only_the_owner_publishes_and_only_valid_workflows_into_own_families(alice):
    source = save(alice, child_workflow(), public=True)
    bob = client_of(make_user("bob"))
    assert publish(bob, source["id"]).status_code == 403
    bad_name = publish(alice, source["id"], family="no_owner")
    assert (bad_name.status_code, bad_name.json()["code"]) == (400, "invalid")
    assert [d["path"] for d in bad_name.json()["details"]] == ["/family"]
    taken = publish(alice, source["id"], family="roboflow_core/continue_if", version="v7")
    assert taken.status_code == 403
    invalid = save(alice, child_workflow(confidence=7))
    assert (publish(alice, invalid["id"]).status_code, publish(alice, invalid["id"]).json()["code"]) == (
        400,
        "invalid_workflow",
    )
    assert not BlockVersion.objects.filter(block_type__family="acme/shape_gate").exists()
    assert APIClient().post(f"/api/v1/workflows/{source['id']}/publish/", {}, format="json").status_code == 401


def test_export_writes_the_block_as_an_inner_workflow_with_the_child_inline(alice, client):
    source = save(alice, child_workflow())
    publish(alice, source["id"])
    user = save(alice, using_gate())
    exported = alice.get(f"/api/v1/workflows/{user['id']}/export/").json()["specification"]
    step = exported["steps"][0]
    assert step == {
        "type": "roboflow_core/inner_workflow@v1",
        "name": "gate",
        "workflow_definition": child_workflow(),
        "parameter_bindings": {"image": "$inputs.image", "model_id": "$inputs.model"},
    }
    assert exported["outputs"] == using_gate()["outputs"]
    assert client.post("/workflows/validate", exported, content_type="application/json").json() == {"status": "ok"}
    assert copy.deepcopy(exported) == exported
