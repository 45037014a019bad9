"""GET /api/v1/evaluations/{id}/items/ and .../items/{index}/image: the images behind a confusion-matrix
cell or the misclassified list, and each image's thumbnail, for the evaluation's owner only."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from rest_framework.test import APIClient

from registry.models import Evaluation, JobItem
from registry.services.jobs import job_chunk_run
from tests.registry.conftest import make_user
from tests.registry.jobs.evaluations.conftest import class_zip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media(job_settings: Any, tmp_path: Any) -> None:
    job_settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def evaluation(alice_api: APIClient, demo_workflow: Any) -> int:
    """A finished evaluation of the demo model on four images: two red, one green, and a red one filed
    under green (the model says red for it)."""
    images = class_zip({"red": [("red", 1), ("red", 2)], "green": [("green", 3), ("red", 4)]})
    dataset = alice_api.post("/api/v1/datasets/", {"images": images}, format="multipart").json()
    body = {"dataset": dataset["id"], "output": "predictions", "parameters": {"confidence": 0}}
    started = alice_api.post(f"/api/v1/workflows/{demo_workflow.pk}/evaluations/", body, format="json").json()
    job_id = Evaluation.objects.get(pk=started["id"]).job_id
    # Each chunk runs here, in this process, as the worker its message reaches would run it.
    for owner in set(JobItem.objects.filter(job_id=job_id).values_list("lease_owner", flat=True)):
        chunk = list(JobItem.objects.filter(job_id=job_id, lease_owner=owner).values_list("pk", flat=True))
        job_chunk_run(job_id=job_id, item_ids=chunk, final_attempt=True, owner=owner)
    assert alice_api.get(f"/api/v1/evaluations/{started['id']}/").json()["status"] == "succeeded"
    return int(started["id"])


def _items(api: APIClient, evaluation: int, **query: str) -> Any:
    return api.get(f"/api/v1/evaluations/{evaluation}/items/", query)


def _files(api: APIClient, evaluation: int, **query: str) -> list[tuple[int, str, str, str | None]]:
    body = _items(api, evaluation, **query).json()
    assert body["count"] == len(body["results"])
    return [(item["index"], item["file"], item["label"], item["prediction"]) for item in body["results"]]


def test_a_cell_lists_the_images_it_counts(alice_api, evaluation):
    everything = _items(alice_api, evaluation).json()
    assert everything["results"][3] == {
        "index": 3,
        "file": "green/001.png",
        "label": "green",
        "prediction": "red",
        "confidence": everything["results"][3]["confidence"],
        "status": "succeeded",
        "error": None,
        "image": f"/api/v1/evaluations/{evaluation}/items/3/image",
    }
    assert 0 < everything["results"][3]["confidence"] <= 1
    assert _files(alice_api, evaluation, label="red", prediction="red") == [
        (0, "red/000.png", "red", "red"),
        (1, "red/001.png", "red", "red"),
    ]
    assert _files(alice_api, evaluation, label="green", prediction="red") == [(3, "green/001.png", "green", "red")]
    assert _files(alice_api, evaluation, outcome="wrong") == [(3, "green/001.png", "green", "red")]
    assert _files(alice_api, evaluation, outcome="correct", label="green") == [(2, "green/000.png", "green", "green")]
    assert _files(alice_api, evaluation, prediction="") == []
    # The cell counts agree with the metrics' confusion matrix.
    matrix = alice_api.get(f"/api/v1/evaluations/{evaluation}/").json()["metrics"]["confusion_matrix"]
    assert matrix == {"labels": ["green", "red"], "matrix": [[1, 1], [0, 2]], "unpredicted": [0, 0]}


def test_an_image_is_a_jpeg_thumbnail_of_the_size_asked(alice_api, evaluation):
    response = alice_api.get(f"/api/v1/evaluations/{evaluation}/items/0/image", {"size": 32})

    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    with Image.open(io.BytesIO(response.content)) as image:
        assert (image.format, max(image.size)) == ("JPEG", 32)


@pytest.mark.parametrize(
    ("path", "query", "status", "code"),
    [
        ("items/", {"outcome": "maybe"}, 400, "invalid"),
        ("items/9/image", {}, 404, "not_found"),
        ("items/0/image", {"size": 4}, 400, "invalid"),
        ("items/0/image", {"size": "big"}, 400, "invalid"),
    ],
)
def test_bad_queries_are_refused_with_a_code(alice_api, evaluation, path, query, status, code):
    response = alice_api.get(f"/api/v1/evaluations/{evaluation}/{path}", query)

    assert (response.status_code, response.json()["code"]) == (status, code)


def test_only_the_owner_reads_the_images(evaluation):
    bob = APIClient()
    bob.force_authenticate(make_user("bob"))
    for path in ("items/", "items/0/image"):
        response = bob.get(f"/api/v1/evaluations/{evaluation}/{path}")
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
        assert APIClient().get(f"/api/v1/evaluations/{evaluation}/{path}").status_code in (401, 403)
