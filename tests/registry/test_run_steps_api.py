"""A run answers what each step gave: a classification, a crop (its size and a thumbnail), a value, a
Continue If that stopped and the step it skipped; the record keeps it for the run history."""

import base64
import io

import pytest
from PIL import Image

from registry.models import Run
from tests.frontend.definitions import gated_crop
from tests.registry.conftest import make_user
from tests.registry.test_runs_api import b64, demo  # noqa: F401 (the demo model is seeded)

pytestmark = pytest.mark.django_db


def _thumbnail_size(data_url: str) -> tuple[int, int]:
    prefix = "data:image/jpeg;base64,"
    assert data_url.startswith(prefix)
    return Image.open(io.BytesIO(base64.b64decode(data_url.removeprefix(prefix)))).size


def test_each_step_answers_its_own_output_and_status(api):
    api.force_authenticate(make_user("runner"))
    response = api.post(
        "/api/v1/runs/",
        {"specification": gated_crop("blue"), "inputs": {"image": {"type": "base64", "value": b64("green")}}},
        format="json",
    )
    assert response.status_code == 201
    steps = response.json()["steps"]
    assert sorted(steps) == ["classifier", "crop", "gate", "grey", "top"]
    assert [steps[name][0]["status"] for name in ("classifier", "top", "crop", "gate", "grey")] == [
        "ran",
        "ran",
        "ran",
        "stopped",
        "skipped",
    ]
    assert steps["classifier"][0]["outputs"]["predictions"]["top"] == "green"
    assert steps["top"][0]["outputs"] == {"output": "green"}
    crop = steps["crop"][0]["outputs"]["crops"]
    assert (crop["type"], crop["width"], crop["height"]) == ("image", 30, 20)
    assert _thumbnail_size(crop["thumbnail"]) == (30, 20)
    assert steps["gate"][0]["outputs"] is None and steps["grey"][0]["outputs"] is None
    # The record keeps the same, so the run history shows it again.
    again = api.get(f"/api/v1/runs/{response.json()['id']}/").json()
    assert again["steps"] == steps
    assert Run.objects.get().steps == steps


def test_a_condition_that_holds_passes_and_its_step_runs_with_a_bounded_thumbnail(api):
    response = api.post(
        "/api/v1/runs/",
        {
            "specification": gated_crop("green"),
            "inputs": {"image": {"type": "base64", "value": b64("green")}},
        },
        format="json",
    )
    steps = response.json()["steps"]
    assert (steps["gate"][0]["status"], steps["grey"][0]["status"]) == ("passed", "ran")
    grey = steps["grey"][0]["outputs"]["image"]
    size = (grey["width"], grey["height"])
    thumbnail = _thumbnail_size(grey["thumbnail"])
    assert max(thumbnail) == min(160, max(size))
