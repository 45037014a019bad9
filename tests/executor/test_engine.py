"""The engine end to end: compiled plans run with the demo ONNX model, batches, flow control."""

import io
import json
import logging
from pathlib import Path

import numpy as np
import pytest

from blocks.errors import InternalError
from blocks.ports import NoModelConfiguredError
from executor.compiler import compile_workflow
from executor.engine import RunContext, RuntimeInputError, run_plan
from executor.images import ImageLimits, decode_image, load_image
from executor.models.local import LocalModelInfo, ModelRouter
from scripts.train_demo_model import draw_sample
from tests.executor.conftest import classification_workflow, top_class_step, with_steps

DEMO_DIR = Path(__file__).resolve().parents[2] / "registry" / "demo"
DEMO_ID = "demo-shapes/1"


def demo_info():
    meta = json.loads((DEMO_DIR / "demo-shapes.json").read_text())
    return LocalModelInfo(
        model_id=DEMO_ID,
        path=str(DEMO_DIR / "demo-shapes.onnx"),
        class_names=tuple(meta["class_names"]),
        input_width=meta["input_width"],
        input_height=meta["input_height"],
    )


@pytest.fixture(scope="module")
def context():
    info = demo_info()
    return RunContext(model_port=ModelRouter(lambda model_id: info if model_id == DEMO_ID else None))


def buffer_of(colour, seed=0):
    buffer = io.BytesIO()
    draw_sample(colour, np.random.default_rng(seed)).save(buffer, format="PNG")
    return buffer.getvalue()


def image_of(colour, seed=0, parent_id="image"):
    return decode_image(buffer_of(colour, seed), parent_id=parent_id, limits=ImageLimits())


def compiled(definition, catalog):
    result = compile_workflow(definition, catalog)
    assert result.valid, [e.as_dict() for e in result.errors]
    return result.plan


def demo_workflow(**overrides):
    return classification_workflow(**{"model_id": DEMO_ID, "confidence": 0.2, **overrides})


def test_one_image_classified_by_the_demo_model(catalog, context):
    plan = compiled(demo_workflow(), catalog)
    result = run_plan(plan, {"image": image_of("red")}, context)
    assert result.succeeded
    [output] = result.outputs
    predictions = output["predictions"]
    assert predictions["top"] == "red"
    assert predictions["prediction_type"] == "classification"
    assert (predictions["parent_id"], predictions["root_parent_id"]) == ("image", "image")
    assert predictions["image"] == {"width": 96, "height": 96}
    assert [p["confidence"] for p in predictions["predictions"]] == sorted(
        (p["confidence"] for p in predictions["predictions"]), reverse=True
    )
    assert all(p["confidence"] >= 0.2 for p in predictions["predictions"])
    assert output["model"] == DEMO_ID
    assert set(result.timings) == {"classifier"}


def test_a_batch_gets_one_result_per_image(catalog, context):
    colours = ["red", "green", "blue", "yellow"]
    images = [image_of(c, seed=i, parent_id=f"image.[{i}]") for i, c in enumerate(colours)]
    result = run_plan(compiled(demo_workflow(), catalog), {"image": images}, context)
    assert [o["predictions"]["top"] for o in result.outputs] == colours
    assert [o["predictions"]["parent_id"] for o in result.outputs] == [f"image.[{i}]" for i in range(4)]
    assert [o["model"] for o in result.outputs] == [DEMO_ID] * 4


def test_property_definition_chain_and_excluded_fields(catalog, context):
    upper = {
        "type": "roboflow_core/property_definition@v1",
        "name": "upper",
        "data": "$steps.top.output",
        "operations": [{"type": "StringToUpperCase"}],
    }
    definition = with_steps(demo_workflow(), top_class_step("top", "$steps.classifier.predictions"), upper)
    definition["outputs"].append({"type": "JsonField", "name": "label", "selector": "$steps.upper.output"})
    result = run_plan(
        compiled(definition, catalog), {"image": image_of("blue")}, context, excluded_fields=["predictions"]
    )
    assert result.outputs == [{"model": DEMO_ID, "label": "BLUE"}]


def test_continue_if_gives_null_outputs_where_it_does_not_hold(catalog, context):
    gate = {
        "type": "roboflow_core/continue_if@v1",
        "name": "gate",
        "condition_statement": {
            "type": "StatementGroup",
            "statements": [
                {
                    "type": "BinaryStatement",
                    "left_operand": {"type": "DynamicOperand", "operand_name": "label"},
                    "comparator": {"type": "=="},
                    "right_operand": {"type": "StaticOperand", "value": "red"},
                }
            ],
        },
        "evaluation_parameters": {"label": "$steps.top.output"},
        "next_steps": ["$steps.after"],
    }
    after = {
        "type": "roboflow_core/property_definition@v1",
        "name": "after",
        "data": "$steps.top.output",
        "operations": [{"type": "StringToUpperCase"}],
    }
    definition = with_steps(demo_workflow(), top_class_step("top", "$steps.classifier.predictions"), gate, after)
    definition["outputs"] = [
        {"type": "JsonField", "name": "shout", "selector": "$steps.after.output"},
        {"type": "JsonField", "name": "all", "selector": "$steps.after.*"},
    ]
    images = [image_of("red", 1, "image.[0]"), image_of("green", 2, "image.[1]")]
    result = run_plan(compiled(definition, catalog), {"image": images}, context)
    assert result.succeeded
    assert result.outputs == [
        {"shout": "RED", "all": {"output": "RED"}},
        {"shout": None, "all": {"output": None}},
    ]


def test_crops_feed_the_classifier_and_images_serialise(catalog, context):
    crop = {
        "type": "roboflow_core/relative_statoic_crop@v1",
        "name": "crop",
        "images": "$inputs.image",
        "x_center": 0.5,
        "y_center": 0.5,
        "width": 1.0,
        "height": 1.0,
    }
    gray = {"type": "roboflow_core/convert_grayscale@v1", "name": "gray", "image": "$steps.crop.crops"}
    definition = with_steps(demo_workflow(images="$steps.crop.crops"), crop, gray)
    definition["outputs"].append({"type": "JsonField", "name": "crop", "selector": "$steps.crop.crops"})
    definition["outputs"].append({"type": "JsonField", "name": "gray", "selector": "$steps.gray.image"})
    result = run_plan(compiled(definition, catalog), {"image": image_of("yellow")}, context)
    [output] = result.outputs
    assert output["predictions"]["top"] == "yellow"
    assert output["crop"]["root_parent_id"] == "image"
    assert output["crop"]["parent_origin"] == {"offset_x": 0, "offset_y": 0, "width": 96, "height": 96}
    assert output["gray"]["type"] == "base64"
    gray_image = decode_image(
        __import__("base64").b64decode(output["gray"]["value"]), parent_id="g", limits=ImageLimits()
    )
    channels = gray_image.pixels.astype(int)
    assert np.abs(channels[:, :, 0] - channels[:, :, 1]).max() <= 3
    without = run_plan(compiled(definition, catalog), {"image": image_of("yellow")}, context, include_images=False)
    assert without.outputs[0]["gray"] == {"type": "image", "omitted": True}


def test_runtime_input_errors(catalog, context):
    plan = compiled(demo_workflow(confidence="$inputs.confidence"), catalog)
    with pytest.raises(RuntimeInputError) as missing:
        run_plan(plan, {}, context)
    assert (missing.value.code, missing.value.input_name) == ("missing_input", "image")
    with pytest.raises(RuntimeInputError) as bounds:
        run_plan(plan, {"image": image_of("red"), "confidence": 1.5}, context)
    assert (bounds.value.code, bounds.value.step, bounds.value.property_name) == (
        "invalid_input",
        "classifier",
        "confidence",
    )
    two = classification_workflow(model_id=DEMO_ID)
    two["inputs"].append({"type": "WorkflowImage", "name": "other"})
    two["steps"].append(
        {
            "type": "roboflow_core/roboflow_classification_model@v2",
            "name": "c2",
            "images": "$inputs.other",
            "model_id": DEMO_ID,
        }
    )
    with pytest.raises(RuntimeInputError) as mismatch:
        run_plan(compiled(two, catalog), {"image": [image_of("red")] * 2, "other": [image_of("red")] * 3}, context)
    assert mismatch.value.code == "batch_length_mismatch"


def test_an_unknown_model_fails_the_step_clearly(catalog, context):
    result = run_plan(
        compiled(classification_workflow(model_id="someone/9"), catalog), {"image": image_of("red")}, context
    )
    assert not result.succeeded
    [error] = result.errors
    assert (error.step, error.code, type(error.cause)) == ("classifier", "no_model", NoModelConfiguredError)
    assert error.message == (
        "No local model is registered under 'someone/9', and no Roboflow API key was given to run it on Roboflow."
    )
    assert result.outputs == [{"predictions": None, "model": None}]


def test_imported_blocks_do_not_run(catalog, context):
    definition = with_steps(
        demo_workflow(),
        {
            "type": "roboflow_core/google_gemini@v1",
            "name": "g",
            "images": "$inputs.image",
            "prompt": "hi",
            "api_key": "k",
        },
    )
    result = run_plan(compiled(definition, catalog), {"image": image_of("red")}, context)
    assert [(e.step, e.code) for e in result.errors] == [("g", "not_executable")]
    assert result.outputs[0]["predictions"]["top"] == "red"


class _HalfBroken:
    """A model port whose second image fails: the others' results must survive."""

    def classify(self, request, images):
        from blocks.ports import ModelUnavailableError

        return [
            ModelUnavailableError("the model server dropped this one")
            if index == 1
            else {
                "inference_id": "i",
                "image": {"width": 1, "height": 1},
                "top": "red",
                "confidence": 0.9,
                "predictions": [{"class": "red", "class_id": 0, "confidence": 0.9}],
            }
            for index, _ in enumerate(images)
        ]


def test_one_failed_image_keeps_the_others(catalog):
    images = [image_of("red", i, f"image.[{i}]") for i in range(3)]
    result = run_plan(compiled(demo_workflow(), catalog), {"image": images}, RunContext(model_port=_HalfBroken()))
    assert [e.element for e in result.errors] == [1]
    assert [o["predictions"] and o["predictions"]["top"] for o in result.outputs] == ["red", None, "red"]


class _Forwarding:
    """A model port that records what each image looked like when it reached the model."""

    def __init__(self):
        self.seen = []

    def classify(self, request, images):
        self.seen += [(image.decoded, image.transport_base64()) for image in images]
        return [{"predictions": [], "top": "", "confidence": 0.0, "image": {"width": 1, "height": 1}} for _ in images]


def test_a_remote_model_gets_the_bytes_received_without_a_decode(catalog):
    text = __import__("base64").b64encode(buffer_of("blue")).decode()
    image = load_image(text, parent_id="image", limits=ImageLimits())
    port = _Forwarding()
    result = run_plan(compiled(demo_workflow(model_id="shapes/3"), catalog), {"image": image}, RunContext(port))
    assert result.errors == []
    assert port.seen == [(False, text)]
    assert image.decoded is False


def test_a_run_past_its_deadline_starts_no_further_step(catalog, context):
    late = RunContext(model_port=context.model_port, deadline=0.0)
    result = run_plan(compiled(demo_workflow(), catalog), {"image": image_of("red")}, late)
    assert [e.as_dict() for e in result.errors] == [
        {
            "step": "classifier",
            "code": "run_timeout",
            "message": "Step `classifier`: the run ran out of time before it started.",
            "element": None,
        }
    ]
    assert result.outputs == [{"predictions": None, "model": None}]


class _Crashing:
    """A model port with a bug: it raises something no port should."""

    def classify(self, request, images):
        raise KeyError("a bug in the port")


def test_an_unexpected_exception_is_logged_with_its_trace_then_becomes_a_step_error(catalog, caplog):
    caplog.set_level(logging.ERROR, logger="executor.engine")
    result = run_plan(
        compiled(demo_workflow(), catalog), {"image": image_of("red")}, RunContext(model_port=_Crashing())
    )
    assert [e.as_dict() for e in result.errors] == [
        {
            "step": "classifier",
            "code": "step_failed",
            "message": "Step `classifier` failed unexpectedly.",
            "element": None,
        }
    ]
    assert isinstance(result.errors[0].cause, InternalError)
    [record] = caplog.records
    assert (record.name, record.levelname, record.getMessage()) == (
        "executor.engine",
        "ERROR",
        "Step classifier (roboflow_core/roboflow_classification_model@v2) failed unexpectedly",
    )
    assert record.exc_info is not None
    assert record.exc_info[0] is KeyError
    assert "KeyError: 'a bug in the port'" in caplog.text


def test_local_batches_are_scored_in_runs_of_the_configured_size(catalog, monkeypatch):
    import onnxruntime

    calls: list[int] = []
    real_run = onnxruntime.InferenceSession.run

    def counting_run(self, outputs, feeds, *args, **kwargs):
        calls.append(next(iter(feeds.values())).shape[0])
        return real_run(self, outputs, feeds, *args, **kwargs)

    monkeypatch.setattr(onnxruntime.InferenceSession, "run", counting_run)
    colours = ["red", "green", "blue", "yellow", "red"]
    plan = compiled(demo_workflow(), catalog)
    results = {}
    info = demo_info()
    for size in (2, 64):
        router = ModelRouter(lambda model_id: info, batch_size=size)
        images = [image_of(c, seed=i, parent_id=f"image.[{i}]") for i, c in enumerate(colours)]
        outputs = run_plan(plan, {"image": images}, RunContext(model_port=router)).outputs
        results[size] = [{**o["predictions"], "inference_id": None} for o in outputs]
    assert calls == [2, 2, 1, 5]
    assert results[2] == results[64]
    assert [r["top"] for r in results[2]] == colours
