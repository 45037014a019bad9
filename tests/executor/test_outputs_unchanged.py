"""Run outputs stay exactly what they were before the run path was made lazy and parallel.

`data/outputs_before.json` was written by this module's `record()` with the engine as it was before
images were decoded lazily: the same images (PNG and JPEG), the demo model, crops, grayscale and
resizing. Image payloads are compared by digest, random inference and crop ids are left out.
"""

import dataclasses
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from executor.engine import RunContext, run_plan
from executor.images import ImageLimits, load_image
from executor.models.local import ModelRouter
from tests.executor.conftest import with_steps
from tests.executor.test_engine import DEMO_ID, compiled, demo_info, demo_workflow

BEFORE = Path(__file__).resolve().parent / "data" / "outputs_before.json"
# The images and the demo model of the day the outputs were recorded (the model has been retrained
# since): the comparison is about the engine, so its inputs stay frozen.
EAGER_ERA = BEFORE.parent / "eager_era"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
COLOURS = ["red", "green", "blue", "yellow", "red", "blue"]


@pytest.fixture(scope="module")
def context():
    info = dataclasses.replace(demo_info(), path=str(EAGER_ERA / "demo-shapes.onnx"))
    return RunContext(model_port=ModelRouter(lambda model_id: info if model_id == DEMO_ID else None))


def _images() -> list[Any]:
    files = sorted(path for path in EAGER_ERA.iterdir() if path.suffix in {".png", ".jpg"})
    assert [path.stem.split("-")[1] for path in files] == COLOURS
    return [
        load_image(path.read_bytes(), parent_id=f"image.[{index}]", limits=ImageLimits())
        for index, path in enumerate(files)
    ]


def _definition() -> dict[str, Any]:
    crop = {
        "type": "roboflow_core/absolute_static_crop@v1",
        "name": "crop",
        "images": "$inputs.image",
        "x_center": 40,
        "y_center": 50,
        "width": 60,
        "height": 50,
    }
    gray = {"type": "roboflow_core/convert_grayscale@v1", "name": "gray", "image": "$steps.crop.crops"}
    resize = {
        "type": "roboflow_core/image_preprocessing@v1",
        "name": "resize",
        "image": "$inputs.image",
        "task_type": "resize",
        "width": 33,
        "height": 21,
    }
    whole = {
        "type": "roboflow_core/roboflow_classification_model@v2",
        "name": "whole",
        "images": "$inputs.image",
        "model_id": "demo-shapes/1",
        "confidence": 0.0,
    }
    definition = with_steps(demo_workflow(images="$steps.crop.crops", confidence=0.1), crop, gray, resize, whole)
    definition["outputs"] += [
        {"type": "JsonField", "name": "crop", "selector": "$steps.crop.crops"},
        {"type": "JsonField", "name": "gray", "selector": "$steps.gray.image"},
        {"type": "JsonField", "name": "resized", "selector": "$steps.resize.image"},
        {"type": "JsonField", "name": "whole", "selector": "$steps.whole.predictions"},
    ]
    return definition


def _comparable(value: Any) -> Any:
    if isinstance(value, dict):
        if value.get("type") == "base64" and isinstance(value.get("value"), str):
            value = value | {"value": hashlib.sha256(value["value"].encode()).hexdigest()}
        return {key: _comparable(item) for key, item in value.items() if key != "inference_id"}
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    if isinstance(value, str) and UUID.fullmatch(value):
        return "<uuid>"
    return value


def run_outputs(catalog: Any, context: Any) -> Any:
    result = run_plan(compiled(_definition(), catalog), {"image": _images()}, context)
    assert result.errors == []
    return _comparable(result.outputs)


def record(catalog: Any, context: Any) -> None:
    BEFORE.write_text(json.dumps(run_outputs(catalog, context), indent=1, sort_keys=True) + "\n")


def test_outputs_are_those_of_the_eager_engine(catalog, context):
    assert run_outputs(catalog, context) == json.loads(BEFORE.read_text())
