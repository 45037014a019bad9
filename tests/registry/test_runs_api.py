"""Runs over the native API with the demo ONNX model: recorded, failing clearly, never leaking keys."""

import base64
import io
import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from blocks.errors import DomainError
from registry.models import ActiveLearningDatapoint, LocalModel, Run, Workflow
from registry.selectors.shapes import Run as RunShape
from registry.services.models import local_model_register
from scripts.train_demo_model import draw_sample
from tests.conftest import REPO_DIR
from tests.executor.conftest import classification_workflow
from tests.registry.conftest import make_user

pytestmark = pytest.mark.django_db
DEMO = "demo-shapes/1"
SECRET = "rf_secret_key_123456"


@pytest.fixture(autouse=True)
def demo(db):
    call_command("seed_demo", stdout=StringIO())


def png(colour, seed=0):
    buffer = io.BytesIO()
    draw_sample(colour, np.random.default_rng(seed)).save(buffer, format="PNG")
    return buffer.getvalue()


def b64(colour, seed=0):
    return base64.b64encode(png(colour, seed)).decode()


def demo_spec(**overrides):
    return classification_workflow(**{"model_id": DEMO, "confidence": 0.2, **overrides})


def test_seed_demo_is_idempotent():
    before = (LocalModel.objects.count(), Workflow.objects.count())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert (LocalModel.objects.count(), Workflow.objects.count()) == before == (1, 1)
    assert out.getvalue() == ""


def test_run_a_specification_with_a_base64_image(api):
    # Signed in: only its creator reads a run again.
    api.force_authenticate(make_user("runner"))
    response = api.post(
        "/api/v1/runs/",
        {"specification": demo_spec(), "inputs": {"image": {"type": "base64", "value": b64("green")}}},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "succeeded"
    assert body["outputs"][0]["predictions"]["top"] == "green"
    assert body["outputs"][0]["model"] == DEMO
    assert set(body["timings"]) == {"classifier"}
    assert body["error"] is None
    run = Run.objects.get(pk=body["id"])
    assert (run.status, run.image_count) == ("succeeded", 1)
    assert api.get(f"/api/v1/runs/{run.pk}/").json() == body


def test_run_a_batch_as_data_urls(api):
    images = [f"data:image/png;base64,{b64(c, i)}" for i, c in enumerate(["red", "blue"])]
    body = api.post("/api/v1/runs/", {"specification": demo_spec(), "inputs": {"image": images}}, format="json").json()
    assert [o["predictions"]["top"] for o in body["outputs"]] == ["red", "blue"]
    assert [o["predictions"]["parent_id"] for o in body["outputs"]] == ["image.[0]", "image.[1]"]


def test_run_the_saved_demo_workflow_with_a_multipart_file(api):
    workflow = Workflow.objects.get()
    upload = io.BytesIO(png("yellow"))
    upload.name = "shape.png"
    response = api.post(f"/api/v1/workflows/{workflow.pk}/runs/", {"image": upload}, format="multipart")
    assert response.status_code == 201
    body = response.json()
    assert (body["workflow"], body["revision"]) == (workflow.pk, 1)
    assert body["outputs"][0]["predictions"]["top"] == "yellow"


def test_failures_are_recorded_and_answered_with_the_run(api):
    missing = api.post("/api/v1/runs/", {"specification": demo_spec(), "inputs": {}}, format="json")
    assert missing.status_code == 400
    body = missing.json()
    assert (body["code"], body["run"]["status"]) == ("missing_input", "failed")
    assert Run.objects.get(pk=body["run"]["id"]).error == {
        "code": "missing_input",
        "message": "Input `image` (WorkflowImage) needs a value and none was given.",
        "step": None,
        "property": None,
        "input": "image",
    }

    bounds = api.post(
        "/api/v1/runs/",
        {
            "specification": demo_spec(confidence="$inputs.confidence"),
            "inputs": {"image": b64("red"), "confidence": 1.5},
        },
        format="json",
    )
    assert (bounds.status_code, bounds.json()["code"]) == (400, "invalid_input")
    assert (bounds.json()["details"][0]["step"], bounds.json()["details"][0]["property"]) == (
        "classifier",
        "confidence",
    )

    not_image = api.post(
        "/api/v1/runs/", {"specification": demo_spec(), "inputs": {"image": "aGVsbG8="}}, format="json"
    )
    assert (not_image.status_code, not_image.json()["code"]) == (400, "invalid_image")

    invalid = api.post("/api/v1/runs/", {"specification": demo_spec(images="$inputs.img"), "inputs": {}}, format="json")
    assert (invalid.status_code, invalid.json()["code"]) == (400, "invalid_workflow")
    assert invalid.json()["details"][0]["code"] == "unknown_input"
    assert Run.objects.filter(status="failed").count() == 4


def test_an_unknown_model_fails_without_leaking_the_key(api, settings, model_server):
    spec = demo_spec(model_id="someone/3")
    no_key = api.post("/api/v1/runs/", {"specification": spec, "inputs": {"image": b64("red")}}, format="json")
    assert (no_key.status_code, no_key.json()["code"]) == (400, "no_model")
    settings.ROBOFLOW_API_URL = model_server.url
    model_server.reset(status=404)
    body = {"specification": spec, "api_key": SECRET, "inputs": {"image": b64("red")}}
    response = api.post("/api/v1/runs/", body, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "model_not_found"
    assert SECRET not in response.content.decode()
    run = Run.objects.get(pk=response.json()["run"]["id"])
    assert SECRET not in json.dumps([run.outputs, run.error, run.timings])


def test_active_learning_with_a_local_model_keeps_the_image(api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    api.force_authenticate(make_user("curator"))
    spec = demo_spec(disable_active_learning=False, active_learning_target_dataset="shapes-review")
    api.post("/api/v1/runs/", {"specification": spec, "inputs": {"image": b64("blue")}}, format="json")
    [point] = ActiveLearningDatapoint.objects.all()
    assert (point.dataset, point.model_id, point.prediction["top"]) == ("shapes-review", DEMO, "blue")
    assert (tmp_path / point.image.name).is_file()


def test_private_runs_are_not_visible_to_others(api):
    owner = make_user("owner")
    api.force_authenticate(owner)
    run_id = api.post(
        "/api/v1/runs/", {"specification": demo_spec(), "inputs": {"image": b64("red")}}, format="json"
    ).json()["id"]
    api.force_authenticate(make_user("other"))
    assert api.get(f"/api/v1/runs/{run_id}/").status_code == 404


def test_register_a_local_model(api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from tests.conftest import REPO_DIR

    onnx = (REPO_DIR / "registry" / "demo" / "demo-shapes.onnx").read_bytes()
    upload = io.BytesIO(onnx)
    upload.name = "m.onnx"
    body = {
        "model_id": "colours/2",
        "file": upload,
        "class_names": json.dumps(["r", "g", "b", "y"]),
        "input_width": 32,
        "input_height": 32,
    }
    assert api.post("/api/v1/models/", body, format="multipart").status_code == 401
    api.force_authenticate(make_user("boss", staff=True))
    upload.seek(0)
    created = api.post("/api/v1/models/", body, format="multipart")
    assert created.status_code == 201
    assert created.json()["class_names"] == ["r", "g", "b", "y"]
    broken = io.BytesIO(b"not onnx")
    broken.name = "x.onnx"
    refused = api.post("/api/v1/models/", {**body, "model_id": "broken/1", "file": broken}, format="multipart")
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_model")
    assert not LocalModel.objects.filter(model_id="broken/1").exists()
    result = api.post(
        "/api/v1/runs/",
        {"specification": demo_spec(model_id="colours/2"), "inputs": {"image": b64("green")}},
        format="json",
    ).json()
    assert result["outputs"][0]["predictions"]["top"] == "g"


def solid(colour):
    buffer = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (40, 30), {"red": (220, 20, 20), "blue": (20, 20, 220)}[colour]).save(buffer, format="JPEG")
    return base64.b64encode(buffer.getvalue()).decode()


def test_a_roboflow_model_runs_through_the_hosted_api(api, settings, model_server):
    settings.ROBOFLOW_API_URL = model_server.url
    spec = demo_spec(model_id="shapes/7")
    response = api.post(
        "/api/v1/runs/", {"specification": spec, "api_key": SECRET, "inputs": {"image": solid("blue")}}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["outputs"][0]["predictions"]["top"] == "blue"
    [sent] = model_server.state.requests
    assert (sent.path, sent.query["api_key"]) == ("/shapes/7", [SECRET])
    assert SECRET not in response.content.decode()
    model_server.reset(status=401)
    refused = api.post(
        "/api/v1/runs/", {"specification": spec, "api_key": SECRET, "inputs": {"image": b64("blue")}}, format="json"
    )
    assert (refused.status_code, refused.json()["code"]) == (401, "model_auth_failed")
    assert SECRET not in refused.content.decode()


def test_the_self_hosted_inference_server_is_used_when_configured(api, settings, model_server):
    settings.ROBOFLOW_INFERENCE_URL = model_server.url
    settings.ROBOFLOW_API_KEY = SECRET
    # The server's own key serves signed-in callers.
    api.force_authenticate(make_user("runner"))
    response = api.post(
        "/api/v1/runs/",
        {"specification": demo_spec(model_id="shapes/7"), "inputs": {"image": solid("red")}},
        format="json",
    )
    assert response.json()["outputs"][0]["predictions"]["top"] == "red"
    assert [r.path for r in model_server.state.requests] == ["/infer/classification"]


def test_blocks_without_an_implementation_are_refused_before_running(api):
    spec = demo_spec()
    spec["steps"].append(
        {
            "type": "roboflow_core/google_gemini@v1",
            "name": "gemini",
            "images": "$inputs.image",
            "prompt": "hi",
            "api_key": "k",
        }
    )
    response = api.post("/api/v1/runs/", {"specification": spec, "inputs": {"image": b64("red")}}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_executable"
    assert body["message"] == (
        "These steps use block versions that have no implementation here: `gemini` (roboflow_core/google_gemini@v1)"
    )
    assert Run.objects.get(pk=body["run"]["id"]).timings == {}


def test_add_model_command(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    from tests.conftest import REPO_DIR

    out = StringIO()
    call_command(
        "add_model",
        "colours/3",
        str(REPO_DIR / "registry" / "demo" / "demo-shapes.onnx"),
        "--classes",
        "r,g,b,y",
        "--input-size",
        "32x32",
        stdout=out,
    )
    assert out.getvalue().strip() == "registered colours/3 (4 classes, 32x32)"
    assert LocalModel.objects.get(model_id="colours/3").class_names == ["r", "g", "b", "y"]
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--input-size is WIDTHxHEIGHT"):
        call_command(
            "add_model",
            "x/1",
            str(REPO_DIR / "registry" / "demo" / "demo-shapes.onnx"),
            "--classes",
            "a",
            "--input-size",
            "big",
        )


def test_active_learning_export_from_the_admin(api, settings, tmp_path):
    import zipfile

    from django.test import Client

    settings.MEDIA_ROOT = tmp_path
    spec = demo_spec(disable_active_learning=False)
    api.force_authenticate(make_user("curator"))
    api.post(
        "/api/v1/runs/", {"specification": spec, "inputs": {"image": [b64("red", 1), b64("blue", 2)]}}, format="json"
    )
    admin = Client()
    admin.force_login(make_user("root", staff=True, is_superuser=True))
    ids = list(ActiveLearningDatapoint.objects.values_list("pk", flat=True))
    response = admin.post("/admin/registry/activelearningdatapoint/", {"action": "export", "_selected_action": ids})
    assert response["Content-Type"] == "application/zip"
    names = sorted(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
    assert len(names) == 4
    assert all(name.startswith("demo-shapes/") for name in names)


def test_steps_of_one_layer_run_side_by_side(api, settings, model_server):
    # Two remote steps in one layer; the model server holds each request a moment and counts how many
    # it had at once. Run one after the other, it would never see two.
    settings.ROBOFLOW_API_URL = model_server.url
    model_server.reset(latency_s=0.3)
    spec = demo_spec(model_id="shapes/1")
    spec["steps"].append(
        {
            "type": "roboflow_core/roboflow_classification_model@v2",
            "name": "second",
            "images": "$inputs.image",
            "model_id": "shapes/2",
        }
    )
    spec["outputs"].append({"type": "JsonField", "name": "second", "selector": "$steps.second.predictions"})
    body = {"specification": spec, "api_key": SECRET, "inputs": {"image": solid("blue")}}
    response = api.post("/api/v1/runs/", body, format="json")
    result = response.json()
    assert response.status_code == 201, result
    assert result["outputs"][0]["predictions"]["top"] == result["outputs"][0]["second"]["top"] == "blue"
    assert set(result["timings"]) == {"classifier", "second"}
    assert sorted(r.path for r in model_server.state.requests) == ["/shapes/1", "/shapes/2"]
    assert model_server.state.max_in_flight == 2


def test_too_many_images_is_413_before_anything_runs(api, settings, model_server):
    settings.BLOCKWISE_MAX_IMAGES_PER_REQUEST = 2
    settings.ROBOFLOW_API_URL = model_server.url
    body = {"specification": demo_spec(model_id="shapes/1"), "api_key": SECRET, "inputs": {"image": [b64("red")] * 3}}
    response = api.post("/api/v1/runs/", body, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_many_images"
    assert response.json()["message"] == "The request has 3 images; the limit is 2."
    assert model_server.state.requests == []


def test_too_many_pixels_per_request_is_413(api, settings):
    settings.BLOCKWISE_MAX_REQUEST_PIXELS = 96 * 96 * 2
    response = api.post(
        "/api/v1/runs/", {"specification": demo_spec(), "inputs": {"image": [b64("red")] * 3}}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (413, "too_many_pixels")
    assert ActiveLearningDatapoint.objects.count() == 0


def test_an_oversize_upload_is_refused_while_it_streams(api, settings):
    settings.BLOCKWISE_MAX_IMAGE_BYTES = 50_000
    upload = io.BytesIO(png("red") + b"\0" * 60_000)
    upload.name = "big.png"
    runs_before = Run.objects.count()
    response = api.post(
        "/api/v1/runs/", {"specification": json.dumps(demo_spec()), "image": upload}, format="multipart"
    )
    assert response.status_code == 413
    assert response.json() == {
        "code": "payload_too_large",
        "message": "The file `image` is larger than the limit of 50000 bytes.",
        "details": [],
        "limit_bytes": 50000,
    }
    assert Run.objects.count() == runs_before


def test_a_body_declared_over_the_limit_is_refused_unread(api, settings):
    upload = io.BytesIO(png("red"))
    upload.name = "image.png"
    runs_before = Run.objects.count()
    settings.BLOCKWISE_MAX_RUN_BODY_BYTES = 1000
    response = api.post(
        "/api/v1/runs/", {"specification": json.dumps(demo_spec()), "image": upload}, format="multipart"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert Run.objects.count() == runs_before


def test_anyone_lists_local_models_so_the_editor_can_offer_them(api):
    response = api.get("/api/v1/models/")
    assert response.status_code == 200
    assert [model["model_id"] for model in response.json()["results"]] == [DEMO]


def test_a_saved_workflow_lists_its_runs_newest_first(api):
    workflow = Workflow.objects.get()
    api.force_authenticate(make_user("alice"))
    first = api.post(f"/api/v1/workflows/{workflow.pk}/runs/", {"inputs": {"image": b64("green")}}, format="json")
    second = api.post(f"/api/v1/workflows/{workflow.pk}/runs/", {"inputs": {"image": b64("red")}}, format="json")
    api.post("/api/v1/runs/", {"specification": demo_spec(), "inputs": {"image": b64("red")}}, format="json")
    listed = api.get(f"/api/v1/workflows/{workflow.pk}/runs/").json()
    assert [run["id"] for run in listed["results"]] == [second.json()["id"], first.json()["id"]]
    assert listed["results"][0] == second.json()


def test_a_run_answers_as_its_record_with_the_fields_the_schema_names(api):
    response = api.post("/api/v1/runs/", {"specification": demo_spec(), "inputs": {"image": b64("red")}}, format="json")
    assert response.status_code == 201
    body = response.json()
    run = Run.objects.get(pk=body["id"])
    assert sorted(body) == sorted(RunShape.model_fields)
    assert body["created_at"] == run.created_at.isoformat().replace("+00:00", "Z")
    assert (body["status"], body["workflow"], body["outputs"]) == ("succeeded", None, run.outputs)


def test_a_public_workflow_lists_only_the_callers_runs(api):
    """Runs of someone's public workflow are their creators': the owner, other users and anonymous
    callers each list their own (anonymous runs are nobody's); staff list them all."""
    workflow = Workflow.objects.get()
    clients = {}
    for name, staff in (("owner", False), ("bob", False), ("carol", True)):
        user = make_user(name, staff=staff)
        if name == "owner":
            Workflow.objects.filter(pk=workflow.pk).update(owner=user)
        clients[name] = APIClient()
        clients[name].force_authenticate(user)
    clients["anonymous"] = api
    path = f"/api/v1/workflows/{workflow.pk}/runs/"
    ran = {
        name: client.post(path, {"inputs": {"image": b64("red")}}, format="json").json()["id"]
        for name, client in clients.items()
    }
    listed = {name: [run["id"] for run in client.get(path).json()["results"]] for name, client in clients.items()}
    assert listed == {
        "owner": [ran["owner"]],
        "bob": [ran["bob"]],
        "carol": [ran["anonymous"], ran["carol"], ran["bob"], ran["owner"]],
        "anonymous": [],
    }


DEMO_ONNX = REPO_DIR / "registry" / "demo" / "demo-shapes.onnx"


def _register(model_id, *, classes=("r", "g", "b", "y"), size=32, content=None):
    return local_model_register(
        model_id=model_id,
        content=DEMO_ONNX.read_bytes() if content is None else content,
        class_names=list(classes),
        input_width=size,
        input_height=size,
    )


def test_ids_that_read_alike_as_file_names_keep_their_own_weights(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = _register("x/y_z")
    with pytest.raises(DomainError) as refused:
        _register("x_y/z", content=b"not onnx")
    assert refused.value.code == "invalid_model"
    assert Path(first.file_path).read_bytes() == DEMO_ONNX.read_bytes()
    second = _register("x_y/z")
    assert first.file_path != second.file_path
    assert sorted(p.name for p in (tmp_path / "models").iterdir()) == sorted(
        [Path(first.file_path).name, Path(second.file_path).name]
    )


@pytest.mark.parametrize(
    ("classes", "size", "message"),
    [
        (("r", "g"), 32, "The model answers scores of shape [1, 4] for one image, not [1, 2] (2 classes)."),
        (("r", "g", "b", "y"), 64, "The model takes 32x32 images, not the declared 64x64."),
    ],
)
def test_a_model_that_disagrees_with_its_declared_shapes_is_refused(settings, tmp_path, classes, size, message):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(DomainError) as refused:
        _register("shapes/9", classes=classes, size=size)
    assert (refused.value.code, refused.value.message) == ("model_shape_mismatch", message)
    assert not LocalModel.objects.filter(model_id="shapes/9").exists()
    assert list((tmp_path / "models").iterdir()) == []
