"""Usages of a block version, would-break lists, and upgrades of saved workflows (preview, patch,
apply), ending with the demo workflow moved from classification v2 to v3 and run again."""

import copy
from io import StringIO
from typing import Any

import jsonpatch
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from registry.management.commands.seed_demo import demo_specification
from registry.models import Run, Workflow, WorkflowRevision
from registry.services.workflows import workflow_create, workflow_save
from tests.registry.conftest import make_user
from tests.registry.test_runs_api import b64

pytestmark = pytest.mark.django_db

FAMILY = "roboflow_core/roboflow_classification_model"
V1, V2, V3 = f"{FAMILY}@v1", f"{FAMILY}@v2", f"{FAMILY}@v3"


@pytest.fixture
def demo() -> Workflow:
    call_command("seed_demo", stdout=StringIO())
    return Workflow.objects.get()


def owner_api(workflow: Workflow) -> APIClient:
    client = APIClient()
    client.force_authenticate(workflow.owner)
    return client


def _revisions() -> int:
    return WorkflowRevision.objects.count()


def test_usages_list_latest_revisions_that_use_a_version(demo, api):
    owner = make_user("owner")
    older = workflow_create(owner=owner, name="older", specification=demo_specification(), public=True)
    moved = copy.deepcopy(demo_specification())
    moved["steps"][0]["type"] = V1
    moved["outputs"] = moved["outputs"][:1]
    workflow_save(workflow=older, user=owner, base_revision=1, specification=moved)
    workflow_create(owner=owner, name="private", specification=demo_specification())
    body = api.get(f"/api/v1/blocks/{V2}/usages/").json()
    assert body == {
        "type_identifier": V2,
        "count": 1,
        "usages": [{"workflow_id": demo.pk, "name": demo.name, "revision": 1, "steps": ["classifier"]}],
    }
    assert api.get(f"/api/v1/blocks/{V1}/usages/").json()["usages"] == [
        {"workflow_id": older.pk, "name": "older", "revision": 2, "steps": ["classifier"]}
    ]


def test_would_break_revalidates_each_workflow_on_the_target(demo, api):
    upgrade = api.get(f"/api/v1/blocks/{V2}/usages/", {"target": "v3"}).json()
    assert (upgrade["target"], upgrade["would_break"]) == (V3, [])
    downgrade = api.get(f"/api/v1/blocks/{V2}/usages/", {"target": "v1"}).json()
    assert downgrade["target"] == V1
    [broken] = downgrade["would_break"]
    assert (broken["workflow_id"], broken["steps"]) == (demo.pk, ["classifier"])
    assert [(e["code"], e["pointer"]) for e in broken["errors"]] == [("unknown_output", "/outputs/1/selector")]
    unknown = api.get(f"/api/v1/blocks/{V2}/usages/", {"target": "v9"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_block_type")


# The rename is a `move`, so the value travels with no copy of it in the patch.
EXPECTED_PATCH = [
    {"op": "add", "path": "/steps/0/confidence_mode", "value": "custom"},
    {"op": "move", "from": "/steps/0/confidence", "path": "/steps/0/custom_confidence"},
    {"op": "replace", "path": "/steps/0/type", "value": V3},
]


def test_preview_lists_changes_migrations_patch_and_validation(demo):
    before = _revisions()
    response = owner_api(demo).post(
        f"/api/v1/workflows/{demo.pk}/upgrade/?dry_run=true",
        {"base_revision": 1, "steps": {"classifier": "v3"}},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["dry_run"], body["base_revision"], body["revision"]) == (True, 1, None)
    [step] = body["steps"]
    assert (step["step"], step["from"], step["to"]) == ("classifier", V2, V3)
    assert [c["code"] for c in step["changes"]] == [
        "PROPERTY_REMOVED",
        "PROPERTY_ADDED_OPTIONAL",
        "PROPERTY_ADDED_OPTIONAL",
    ]
    assert step["migrations"] == [
        {"op": "set", "property": "confidence_mode", "value": "custom"},
        {"op": "rename", "from": "confidence", "to": "custom_confidence"},
    ]
    assert body["patch"] == EXPECTED_PATCH
    assert jsonpatch.apply_patch(demo_specification(), body["patch"]) == body["specification"]
    assert body["validation"] == {"valid": True, "errors": [], "warnings": []}
    assert body["specification"]["steps"][0] == {
        "type": V3,
        "name": "classifier",
        "images": "$inputs.image",
        "model_id": "demo-shapes/1",
        "confidence_mode": "custom",
        "custom_confidence": "$inputs.confidence",
    }
    assert _revisions() == before


def test_upgrade_refuses_a_stale_base_and_bad_targets_writing_nothing(demo):
    client, url = owner_api(demo), f"/api/v1/workflows/{demo.pk}/upgrade/"
    before = _revisions()
    stale = client.post(url, {"base_revision": 0, "steps": {"classifier": "v3"}}, format="json")
    assert (stale.status_code, stale.json()["code"], stale.json()["current_revision"]) == (409, "stale_revision", 1)
    unknown_step = client.post(url, {"base_revision": 1, "steps": {"nope": "v3"}}, format="json")
    assert (unknown_step.status_code, unknown_step.json()["code"]) == (400, "unknown_step")
    other_family = client.post(
        url, {"base_revision": 1, "steps": {"classifier": "roboflow_core/continue_if@v1"}}, format="json"
    )
    assert (other_family.status_code, other_family.json()["code"]) == (400, "unknown_target")
    nothing = client.post(url, {"base_revision": 1}, format="json")
    assert (nothing.status_code, nothing.json()["code"]) == (400, "invalid")
    stranger = APIClient()
    stranger.force_authenticate(make_user("stranger"))
    assert stranger.post(url, {"base_revision": 1, "steps": {"classifier": "v3"}}, format="json").status_code == 403
    assert _revisions() == before


def test_upgrade_to_every_familys_default(demo, staff_api):
    staff_api.post(f"/api/v1/blocks/{V3}/state/", {"action": "make_default"}, format="json")
    body = (
        owner_api(demo)
        .post(
            f"/api/v1/workflows/{demo.pk}/upgrade/?dry_run=true",
            {"base_revision": 1, "to_default": True},
            format="json",
        )
        .json()
    )
    assert [(s["step"], s["to"]) for s in body["steps"]] == [("classifier", V3)]


def test_demo_workflow_upgraded_end_to_end_runs_with_the_same_result(demo, api):
    client, url = owner_api(demo), f"/api/v1/workflows/{demo.pk}/upgrade/"
    request = {"base_revision": 1, "steps": {"classifier": "v3"}}
    preview = client.post(url + "?dry_run=true", request, format="json").json()

    applied = client.post(url, request, format="json")
    assert applied.status_code == 201
    body = applied.json()
    assert (body["dry_run"], body["revision"]) == (False, 2)
    assert body["patch"] == preview["patch"] == EXPECTED_PATCH

    revision = WorkflowRevision.objects.get(workflow=demo, number=2)
    assert revision.definition == preview["specification"]
    assert (revision.valid, revision.validation["errors"]) == (True, [])
    assert revision.lockfile["classifier"]["type_identifier"] == V3
    assert revision.message == f"upgraded classifier {V2} -> {V3}"

    first = WorkflowRevision.objects.get(workflow=demo, number=1).definition
    image = {"type": "base64", "value": b64("blue", seed=3)}
    inputs = {"image": image, "confidence": 0.3}
    before = api.post("/api/v1/runs/", {"specification": first, "inputs": inputs}, format="json").json()
    after = api.post(f"/api/v1/workflows/{demo.pk}/runs/", {"inputs": inputs}, format="json").json()
    assert (before["status"], after["status"]) == ("succeeded", "succeeded")
    assert Run.objects.get(pk=after["id"]).revision == 2

    def strip(outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        # Each run gets its own inference id and timing; everything else must match.
        return [
            {**o, "predictions": {k: v for k, v in o["predictions"].items() if k not in ("inference_id", "time")}}
            for o in outputs
        ]

    assert strip(after["outputs"]) == strip(before["outputs"])
    assert after["outputs"][0]["predictions"]["top"] == "blue"


def test_runs_of_disabled_versions_are_refused_clearly(demo, staff_api, api):
    staff_api.post(f"/api/v1/blocks/{V2}/state/", {"action": "deprecate", "replacement": V3}, format="json")
    staff_api.post(f"/api/v1/blocks/{V2}/state/", {"action": "disable"}, format="json")
    response = api.post(
        f"/api/v1/workflows/{demo.pk}/runs/",
        {"inputs": {"image": {"type": "base64", "value": b64("red")}}},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "block_disabled"
    assert (
        body["message"] == "This workflow uses disabled block versions, which cannot run: "
        f"step `classifier` uses {V2} (upgrade it to {V3})"
    )
    run = Run.objects.get(pk=body["run"]["id"])
    assert (run.status, run.error and run.error["code"]) == ("failed", "block_disabled")


def test_preview_of_an_unsaved_definition_for_the_editor(api):
    before = _revisions()
    body = api.post(
        "/api/v1/workflows/upgrade/",
        {"specification": demo_specification(), "steps": {"classifier": V3}},
        format="json",
    ).json()
    assert body["patch"] == EXPECTED_PATCH
    assert body["validation"] == {"valid": True, "errors": [], "warnings": []}
    assert [(s["step"], s["from"], s["to"]) for s in body["steps"]] == [("classifier", V2, V3)]
    bad = api.post("/api/v1/workflows/upgrade/", {"specification": demo_specification()}, format="json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid")
    assert _revisions() == before


def test_roboflow_run_route_refuses_disabled_versions_with_the_same_message(demo, staff_api, api):
    staff_api.post(f"/api/v1/blocks/{V2}/state/", {"action": "disable"}, format="json")
    before = Run.objects.count()
    response = api.post(
        "/workflows/run",
        {"specification": demo_specification(), "inputs": {"image": {"type": "base64", "value": b64("red")}}},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    # No replacement was declared: the run names the one the validator names (the family's newest).
    message = (
        "This workflow uses disabled block versions, which cannot run: "
        f"step `classifier` uses {V2} (upgrade it to {V3})"
    )
    assert body["message"] == message
    assert Run.objects.count() == before + 1
    latest = Run.objects.first()
    assert latest is not None
    assert latest.error == {"code": "block_disabled", "message": message, "step": "classifier", "property": "type"}
