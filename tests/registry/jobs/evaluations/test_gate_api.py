"""The evaluation gate on a save, a restore and an upgrade: `?evaluate_on=DATASET` answers with the
comparison and whether the accuracy limit held; `?require=evaluation` refuses a change that fails."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from rest_framework.test import APIClient

from registry.models import Workflow
from tests.registry.jobs.evaluations.conftest import class_zip

pytestmark = pytest.mark.django_db

GRAY = {"type": "roboflow_core/convert_grayscale@v1", "name": "gray", "image": "$inputs.image"}


@pytest.fixture(autouse=True)
def own_media(job_settings: Any, tmp_path: Any) -> None:
    job_settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def dataset(alice_api: APIClient) -> dict[str, Any]:
    layout = {colour: [(colour, seed) for seed in range(4)] for colour in ("red", "green", "blue", "yellow")}
    return dict(alice_api.post("/api/v1/datasets/", {"images": class_zip(layout)}, format="multipart").json())


def gray_first(workflow: Workflow) -> dict[str, Any]:
    """The workflow with its images turned gray before the classifier: its colours are gone."""
    definition: dict[str, Any] = copy.deepcopy(workflow.revisions.get(number=workflow.revision).definition)
    definition["steps"][0]["images"] = "$steps.gray.image"
    definition["steps"].insert(0, GRAY)
    return definition


def save(api: APIClient, workflow: Workflow, query: str, **body: Any) -> Any:
    return api.put(
        f"/api/v1/workflows/{workflow.pk}/?{query}", {"base_revision": workflow.revision, **body}, format="json"
    )


def test_a_save_that_loses_accuracy_is_refused_when_the_gate_is_required(alice_api, demo_workflow, dataset):
    response = save(
        alice_api,
        demo_workflow,
        f"evaluate_on={dataset['id']}&require=evaluation",
        specification=gray_first(demo_workflow),
    )

    assert (response.status_code, response.json()["code"]) == (409, "evaluation_gate_failed")
    gate = response.json()["gate"]
    assert (gate["passed"], gate["dataset"], gate["base_revision"], gate["limits"]) == (
        False,
        dataset["id"],
        1,
        {"max_accuracy_drop": 1.0},
    )
    comparison = gate["comparison"]
    assert comparison["summary"]["a"]["accuracy"] == 1.0
    assert gate["accuracy_drop"] == pytest.approx(-100 * comparison["deltas"]["accuracy"], abs=1e-3)
    assert gate["accuracy_drop"] > 1
    assert {change["became"] for change in comparison["changed"]} == {"wrong"}
    assert (
        len(comparison["changed"])
        == comparison["significance"]["became_wrong"]
        == 16 - comparison["summary"]["b"]["correct"]
    )
    demo_workflow.refresh_from_db()
    assert (demo_workflow.revision, demo_workflow.revisions.count()) == (1, 1)


def test_without_require_the_failed_gate_is_reported_and_the_save_applies(alice_api, demo_workflow, dataset):
    response = save(alice_api, demo_workflow, f"evaluate_on={dataset['id']}", specification=gray_first(demo_workflow))

    assert response.status_code == 200
    assert (response.json()["revision"], response.json()["gate"]["passed"]) == (2, False)


def test_a_save_within_the_limit_passes_and_applies(alice_api, demo_workflow, dataset):
    response = save(
        alice_api, demo_workflow, f"evaluate_on={dataset['id']}&require=evaluation&max_accuracy_drop=0", name="renamed"
    )

    assert response.status_code == 200
    gate = response.json()["gate"]
    assert (gate["passed"], gate["accuracy_drop"], gate["comparison"]["changed"]) == (True, 0.0, [])
    assert gate["comparison"]["significance"]["p_value"] == 1.0
    assert response.json()["name"] == "renamed"


def test_a_restore_that_brings_accuracy_back_passes(alice_api, demo_workflow, dataset):
    assert save(alice_api, demo_workflow, "", specification=gray_first(demo_workflow)).status_code == 200

    response = alice_api.post(
        f"/api/v1/workflows/{demo_workflow.pk}/revisions/1/restore/?evaluate_on={dataset['id']}&require=evaluation"
    )

    assert response.status_code == 201
    gate = response.json()["gate"]
    assert (response.json()["number"], gate["passed"], gate["base_revision"]) == (3, True, 2)
    assert gate["accuracy_drop"] < 0
    assert {change["became"] for change in gate["comparison"]["changed"]} == {"right"}
    assert gate["comparison"]["summary"]["b"]["accuracy"] == 1.0


def test_a_restore_that_fails_the_gate_is_refused(alice_api, demo_workflow, dataset):
    assert save(alice_api, demo_workflow, "", specification=gray_first(demo_workflow)).status_code == 200
    assert alice_api.post(f"/api/v1/workflows/{demo_workflow.pk}/revisions/1/restore/").status_code == 201

    response = alice_api.post(
        f"/api/v1/workflows/{demo_workflow.pk}/revisions/2/restore/?evaluate_on={dataset['id']}&require=evaluation"
    )

    assert (response.status_code, response.json()["code"], response.json()["gate"]["passed"]) == (
        409,
        "evaluation_gate_failed",
        False,
    )
    assert Workflow.objects.get(pk=demo_workflow.pk).revision == 3


def test_an_upgrade_is_checked_before_it_is_applied(alice_api, demo_workflow, dataset):
    url = f"/api/v1/workflows/{demo_workflow.pk}/upgrade/?evaluate_on={dataset['id']}&require=evaluation"

    response = alice_api.post(url, {"base_revision": 1, "steps": {"classifier": "v3"}}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["revision"], body["gate"]["passed"], body["gate"]["comparison"]["changed"]) == (2, True, [])
    assert body["gate"]["comparison"]["images"] == 16


def test_an_upgrade_dry_run_reports_the_gate_and_writes_nothing(alice_api, demo_workflow, dataset):
    url = f"/api/v1/workflows/{demo_workflow.pk}/upgrade/?dry_run=true&evaluate_on={dataset['id']}"

    response = alice_api.post(url, {"base_revision": 1, "steps": {"classifier": "v3"}}, format="json")

    assert (response.status_code, response.json()["revision"], response.json()["gate"]["passed"]) == (200, None, True)
    assert Workflow.objects.get(pk=demo_workflow.pk).revision == 1


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("require=evaluation", 409, "no_evaluation"),
        ("evaluate_on=999999", 404, "not_found"),
        ("evaluate_on={dataset}&output=nope", 400, "unknown_output"),
        ("evaluate_on={dataset}&max_accuracy_drop=-1", 400, "invalid"),
        ("evaluate_on={dataset}&require=always", 400, "invalid"),
    ],
)
def test_a_bad_gate_query_is_refused_and_nothing_is_saved(alice_api, demo_workflow, dataset, query, status, code):
    response = save(alice_api, demo_workflow, query.format(dataset=dataset["id"]), name="renamed")

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert Workflow.objects.get(pk=demo_workflow.pk).name == "shapes"


def test_someone_elses_dataset_cannot_gate(alice_api, demo_workflow, dataset):
    from tests.registry.conftest import make_user

    bob_dataset = APIClient()
    bob_dataset.force_authenticate(make_user("bob"))
    theirs = bob_dataset.post(
        "/api/v1/datasets/", {"images": class_zip({"a": [("red", 1)], "b": [("blue", 2)]})}, format="multipart"
    ).json()

    response = save(alice_api, demo_workflow, f"evaluate_on={theirs['id']}", name="renamed")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_require_alone_gates_on_the_dataset_of_the_latest_evaluation(alice_api, demo_workflow, dataset):
    started = alice_api.post(
        f"/api/v1/workflows/{demo_workflow.pk}/evaluations/",
        {"dataset": dataset["id"], "output": "predictions"},
        format="json",
    )
    assert started.status_code == 202

    response = save(alice_api, demo_workflow, "require=evaluation", specification=gray_first(demo_workflow))

    assert (response.status_code, response.json()["code"]) == (409, "evaluation_gate_failed")
    assert (response.json()["gate"]["dataset"], response.json()["gate"]["output"]) == (dataset["id"], "predictions")
    assert Workflow.objects.get(pk=demo_workflow.pk).revision == 1


def test_a_dataset_over_the_gate_limit_is_refused_and_nothing_is_saved(alice_api, demo_workflow, dataset, job_settings):
    job_settings.BLOCKWISE_GATE_MAX_IMAGES = 15

    response = save(alice_api, demo_workflow, f"evaluate_on={dataset['id']}", name="renamed")

    assert (response.status_code, response.json()["code"]) == (413, "dataset_too_large")
    assert Workflow.objects.get(pk=demo_workflow.pk).name == "shapes"
