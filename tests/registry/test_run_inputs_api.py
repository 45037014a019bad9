"""A run keeps what went in: each input image's size, content hash and a thumbnail, a bounded number of
them, and never a parameter (keys travel as parameters); the run history answers them again."""

import base64
import hashlib
import io
import json

import pytest
from PIL import Image

from registry.models import Run
from registry.services.runs import INPUT_PREVIEWS_MAX
from tests.registry.conftest import make_user
from tests.registry.test_runs_api import DEMO, SECRET, demo, demo_spec, png  # noqa: F401 (the demo model is seeded)

pytestmark = pytest.mark.django_db


def _thumbnail(data_url: str) -> Image.Image:
    prefix = "data:image/jpeg;base64,"
    assert data_url.startswith(prefix)
    return Image.open(io.BytesIO(base64.b64decode(data_url.removeprefix(prefix))))


def test_a_run_keeps_its_input_image_and_answers_it_again(api):
    api.force_authenticate(make_user("runner"))
    image = png("green")
    body = {
        "specification": demo_spec(),
        "api_key": SECRET,
        "inputs": {"image": {"type": "base64", "value": base64.b64encode(image).decode()}, "model_id": DEMO},
    }
    response = api.post("/api/v1/runs/", body, format="json")
    assert response.status_code == 201
    inputs = response.json()["inputs"]
    assert list(inputs) == ["image"]
    [kept] = inputs["image"]
    source = Image.open(io.BytesIO(image))
    assert {key: kept[key] for key in ("type", "width", "height", "sha256")} == {
        "type": "image",
        "width": source.width,
        "height": source.height,
        "sha256": hashlib.sha256(image).hexdigest(),
    }
    assert max(_thumbnail(kept["thumbnail"]).size) <= 160
    # The record holds the same, and opening the run again answers it.
    assert Run.objects.get().inputs == inputs
    assert api.get(f"/api/v1/runs/{response.json()['id']}/").json()["inputs"] == inputs
    # Parameters and the key are not kept.
    assert DEMO not in json.dumps(Run.objects.get().inputs) and SECRET not in json.dumps(response.json())


def test_a_batch_keeps_a_bounded_number_of_input_images(api):
    images = [base64.b64encode(png("red", seed)).decode() for seed in range(INPUT_PREVIEWS_MAX + 2)]
    response = api.post(
        "/api/v1/runs/", {"specification": demo_spec(), "inputs": {"image": images, "model_id": DEMO}}, format="json"
    )
    assert response.status_code == 201
    kept = response.json()["inputs"]["image"]
    assert [item["sha256"] for item in kept] == [
        hashlib.sha256(base64.b64decode(item)).hexdigest() for item in images[:INPUT_PREVIEWS_MAX]
    ]


def test_an_invalid_workflow_keeps_no_inputs(api):
    image = base64.b64encode(png("red")).decode()
    body = {"specification": demo_spec(images="$inputs.nowhere"), "inputs": {"image": image}}
    response = api.post("/api/v1/runs/", body, format="json")
    assert response.status_code == 400
    assert response.json()["run"]["inputs"] == {} and Run.objects.get().inputs == {}


def test_a_large_jpeg_input_keeps_its_own_size_and_a_small_thumbnail(api):
    buffer = io.BytesIO()
    Image.open(io.BytesIO(png("blue"))).resize((640, 480)).save(buffer, format="JPEG")
    image = buffer.getvalue()
    body = {"specification": demo_spec(), "inputs": {"image": base64.b64encode(image).decode(), "model_id": DEMO}}
    response = api.post("/api/v1/runs/", body, format="json")
    assert response.status_code == 201
    [kept] = response.json()["inputs"]["image"]
    assert (kept["width"], kept["height"], kept["sha256"]) == (640, 480, hashlib.sha256(image).hexdigest())
    assert _thumbnail(kept["thumbnail"]).size == (160, 120)
