"""POST /api/v1/workflows/{id}/evaluations/ and the evaluation routes without workers: what is
refused (writing nothing), which revision runs, who may read, when a comparison is refused."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from registry.models import Evaluation, Job, JobItem
from registry.services.workflows import workflow_save
from tests.registry.conftest import make_user
from tests.registry.jobs.evaluations.conftest import class_zip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media(job_settings: Any, tmp_path: Any) -> None:
    job_settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def dataset(alice_api: APIClient) -> dict[str, Any]:
    images = class_zip({"red": [("red", 1), ("red", 2)], "blue": [("blue", 3)]})
    return dict(alice_api.post("/api/v1/datasets/", {"images": images}, format="multipart").json())


def evaluate(api: APIClient, workflow_id: int, **body: Any) -> Any:
    return api.post(f"/api/v1/workflows/{workflow_id}/evaluations/", body, format="json")


def nothing_started() -> tuple[int, int]:
    return Evaluation.objects.count(), Job.objects.count()


def test_an_evaluation_is_a_job_over_the_dataset_images_in_order(alice_api, demo_workflow, dataset):
    response = evaluate(alice_api, demo_workflow.pk, dataset=dataset["id"], output="predictions")

    assert response.status_code == 202
    body = response.json()
    evaluation = Evaluation.objects.get(pk=body["id"])
    assert (body["job"], body["status"], body["total"], body["metrics"]) == (evaluation.job_id, "queued", 3, None)
    # The job reads the dataset's images where they are: `dataset` jobs never delete their inputs.
    assert (body["source"], evaluation.job.source) == ("dataset", "dataset")
    assert list(JobItem.objects.filter(job_id=evaluation.job_id).values_list("index", "name")) == [
        (0, "red/000.png"),
        (1, "red/001.png"),
        (2, "blue/000.png"),
    ]
    locations = set(JobItem.objects.filter(job_id=evaluation.job_id).values_list("location", flat=True))
    assert locations == set(evaluation.dataset.entries.values_list("image__location", flat=True))
    assert alice_api.get("/api/v1/evaluations/").json()["results"][0]["id"] == body["id"]


def test_an_earlier_revision_can_be_evaluated(alice_api, alice, demo_workflow, dataset):
    workflow_save(
        workflow=demo_workflow, user=alice, base_revision=1, specification=demo_workflow.revisions.get().definition
    )

    response = evaluate(alice_api, demo_workflow.pk, dataset=dataset["id"], output="predictions", revision=1)
    current = evaluate(alice_api, demo_workflow.pk, dataset=dataset["id"], output="predictions")

    assert (response.status_code, response.json()["revision"]) == (202, 1)
    assert current.json()["revision"] == 2


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"output": "nope"}, 400, "unknown_output"),
        ({"output": "predictions", "revision": 9}, 404, "not_found"),
        ({"output": "predictions", "parameters": {"unknown": 1}}, 400, "unknown_parameter"),
        ({"output": "predictions", "parameters": []}, 400, "invalid"),
        ({"output": 3}, 400, "invalid"),
        ({"output": "predictions", "dataset": "1"}, 400, "invalid"),
        ({"output": "predictions", "dataset": 999999}, 404, "not_found"),
    ],
)
def test_bad_requests_are_refused_and_start_nothing(alice_api, demo_workflow, dataset, body, status, code):
    response = evaluate(alice_api, demo_workflow.pk, **{"dataset": dataset["id"], **body})

    assert (response.status_code, response.json()["code"]) == (status, code)
    assert nothing_started() == (0, 0)


def test_someone_elses_dataset_or_evaluation_is_not_found(alice_api, demo_workflow, dataset):
    bob = APIClient()
    bob.force_authenticate(make_user("bob"))
    staff = APIClient()
    staff.force_authenticate(make_user("boss", staff=True))
    demo_workflow.public = True
    demo_workflow.save()

    refused = evaluate(bob, demo_workflow.pk, dataset=dataset["id"], output="predictions")
    assert (refused.status_code, nothing_started()) == (404, (0, 0))

    made = evaluate(alice_api, demo_workflow.pk, dataset=dataset["id"], output="predictions").json()
    assert bob.get(f"/api/v1/evaluations/{made['id']}/").status_code == 404
    assert bob.get(f"/api/v1/evaluations/{made['id']}/predictions.csv").status_code == 404
    assert staff.get(f"/api/v1/evaluations/{made['id']}/").json()["id"] == made["id"]


def test_a_comparison_needs_the_same_dataset_and_two_finished_evaluations(alice_api, demo_workflow, dataset):
    other = alice_api.post(
        "/api/v1/datasets/", {"images": class_zip({"a": [("red", 5)], "b": [("blue", 6)]})}, format="multipart"
    ).json()
    first = evaluate(alice_api, demo_workflow.pk, dataset=dataset["id"], output="predictions").json()
    second = evaluate(alice_api, demo_workflow.pk, dataset=dataset["id"], output="predictions").json()
    elsewhere = evaluate(alice_api, demo_workflow.pk, dataset=other["id"], output="predictions").json()

    mismatch = alice_api.get(f"/api/v1/evaluations/{first['id']}/compare/{elsewhere['id']}/")
    unfinished = alice_api.get(f"/api/v1/evaluations/{first['id']}/compare/{second['id']}/")

    assert (mismatch.status_code, mismatch.json()["code"]) == (400, "dataset_mismatch")
    assert (unfinished.status_code, unfinished.json()["code"], unfinished.json()["evaluation"]) == (
        409,
        "evaluation_not_finished",
        first["id"],
    )


def test_cancelling_an_evaluation_cancels_its_job(alice_api, demo_workflow, dataset):
    made = evaluate(alice_api, demo_workflow.pk, dataset=dataset["id"], output="predictions").json()

    response = alice_api.post(f"/api/v1/evaluations/{made['id']}/cancel/")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["cancelled"], body["done"], body["metrics"]) == ("cancelled", 3, 0, None)
    assert Job.objects.get(pk=made["job"]).status == "cancelled"
    again = alice_api.post(f"/api/v1/evaluations/{made['id']}/cancel/")
    assert (again.status_code, again.json()["code"]) == (409, "job_finished")
    retry = alice_api.post(f"/api/v1/evaluations/{made['id']}/retry/")
    assert (retry.status_code, retry.json()["code"]) == (409, "nothing_to_retry")


def test_the_admin_lists_evaluations(alice_api, demo_workflow, dataset, client):
    made = evaluate(alice_api, demo_workflow.pk, dataset=dataset["id"], output="predictions").json()
    client.force_login(make_user("root", staff=True, is_superuser=True))

    listing = client.get("/admin/registry/evaluation/")
    page = client.get(f"/admin/registry/evaluation/{made['id']}/change/")

    assert listing.status_code == page.status_code == 200
    assert f"/admin/registry/evaluation/{made['id']}/change/" in listing.content.decode()
    assert "queued" in listing.content.decode()
    assert "predictions" in page.content.decode()
