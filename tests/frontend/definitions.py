"""Definitions for the editor's round-trip test: the conformance seeds, Roboflow's documented shapes
for the blocks that run here, and definitions with every property shape (literals, references,
nulls, maps of references, lists of steps, the query language, unusual input and output fields)."""

from collections.abc import Callable
from typing import Any

from tests.conformance.seeds import SEEDS

V1 = "roboflow_core/roboflow_classification_model@v1"
V2 = "roboflow_core/roboflow_classification_model@v2"
V3 = "roboflow_core/roboflow_classification_model@v3"
CONTINUE_IF = "roboflow_core/continue_if@v1"
PROPERTY = "roboflow_core/property_definition@v1"
ABSOLUTE_CROP = "roboflow_core/absolute_static_crop@v1"
RELATIVE_CROP = "roboflow_core/relative_statoic_crop@v1"
GRAYSCALE = "roboflow_core/convert_grayscale@v1"
PREPROCESS = "roboflow_core/image_preprocessing@v1"

IMAGE = {"type": "WorkflowImage", "name": "image"}

Definition = dict[str, Any]


def workflow(
    steps: list[dict[str, Any]], outputs: list[dict[str, Any]], inputs: list[dict[str, Any]] | None = None
) -> Definition:
    return {"version": "1.0", "inputs": inputs or [IMAGE], "steps": steps, "outputs": outputs}


def out(name: str, selector: str, **extra: Any) -> dict[str, Any]:
    return {"type": "JsonField", "name": name, "selector": selector, **extra}


def classifier(type_: str = V2, name: str = "classifier", **fields: Any) -> dict[str, Any]:
    return {"type": type_, "name": name, "images": "$inputs.image", "model_id": "demo-shapes/1", **fields}


def top(name: str = "top", data: str = "$steps.classifier.predictions", *operations: dict[str, Any]) -> dict[str, Any]:
    ops = list(operations) or [{"type": "ClassificationPropertyExtract", "property_name": "top_class"}]
    return {"type": PROPERTY, "name": name, "data": data, "operations": ops}


def gate(statement: dict[str, Any], parameters: dict[str, str], next_steps: list[str], **fields: Any) -> dict[str, Any]:
    group = {"type": "StatementGroup", "statements": [statement]}
    return {
        "type": CONTINUE_IF,
        "name": "gate",
        "condition_statement": group,
        "evaluation_parameters": parameters,
        "next_steps": next_steps,
        **fields,
    }


def equals(name: str, value: Any, comparator: str = "==") -> dict[str, Any]:
    return {
        "type": "BinaryStatement",
        "left_operand": {"type": "DynamicOperand", "operand_name": name},
        "comparator": {"type": comparator},
        "right_operand": {"type": "StaticOperand", "value": value},
    }


def classified(**fields: Any) -> Callable[[], Definition]:
    return lambda: workflow([classifier(**fields)], [out("predictions", "$steps.classifier.predictions")])


def gated(statement: dict[str, Any], **fields: Any) -> Definition:
    return workflow(
        [
            classifier(),
            top(),
            gate(statement, {"label": "$steps.top.output"}, ["$steps.after"], **fields),
            top("after", "$steps.top.output", {"type": "StringToUpperCase"}),
        ],
        [out("shout", "$steps.after.output")],
    )


def parameters_everywhere() -> Definition:
    inputs: list[dict[str, Any]] = [
        IMAGE,
        {"type": "WorkflowParameter", "name": "model", "default_value": "demo-shapes/1"},
        {"type": "WorkflowParameter", "name": "threshold", "kind": ["float_zero_to_one"], "default_value": 0.25},
        {"type": "WorkflowParameter", "name": "quiet", "kind": ["boolean"], "default_value": True},
    ]
    step = {
        "type": V3,
        "name": "classifier",
        "images": "$inputs.image",
        "model_id": "$inputs.model",
        "confidence_mode": "custom",
        "custom_confidence": "$inputs.threshold",
        "disable_active_learning": "$inputs.quiet",
    }
    return workflow([step], [out("predictions", "$steps.classifier.predictions")], inputs)


def crops_then_classify() -> Definition:
    crop = {
        "type": ABSOLUTE_CROP,
        "name": "crop",
        "images": "$inputs.image",
        "x_center": 100,
        "y_center": 80,
        "width": 120,
        "height": 90,
    }
    return workflow(
        [crop, classifier(images="$steps.crop.crops")],
        [out("crops", "$steps.crop.crops"), out("predictions", "$steps.classifier.predictions")],
    )


def crop_from_parameters() -> Definition:
    inputs: list[dict[str, Any]] = [
        IMAGE,
        *({"type": "WorkflowParameter", "name": n, "default_value": 50} for n in ("x", "y", "w", "h")),
    ]
    crop = {
        "type": ABSOLUTE_CROP,
        "name": "crop",
        "images": "$inputs.image",
        "x_center": "$inputs.x",
        "y_center": "$inputs.y",
        "width": "$inputs.w",
        "height": "$inputs.h",
    }
    return workflow([crop], [out("crops", "$steps.crop.crops")], inputs)


def relative_crop() -> Definition:
    crop = {
        "type": RELATIVE_CROP,
        "name": "centre",
        "images": "$inputs.image",
        "x_center": 0.5,
        "y_center": 0.5,
        "width": 0.4,
        "height": 0.3,
    }
    return workflow([crop], [out("crops", "$steps.centre.crops", coordinates_system="parent")])


def preprocess(**fields: Any) -> Callable[[], Definition]:
    step = {"type": PREPROCESS, "name": "prep", "image": "$inputs.image", **fields}
    return lambda: workflow([step], [out("image", "$steps.prep.image")])


def grey_chain() -> Definition:
    steps: list[dict[str, Any]] = [
        {"type": GRAYSCALE, "name": "grey", "image": "$inputs.image"},
        {
            "type": PREPROCESS,
            "name": "small",
            "image": "$steps.grey.image",
            "task_type": "resize",
            "width": 64,
            "height": 48,
        },
        classifier(images="$steps.small.image"),
    ]
    return workflow(steps, [out("grey", "$steps.grey.image"), out("all", "$steps.classifier.*")])


def property_chain() -> Definition:
    ops: list[dict[str, Any]] = [
        {"type": "ClassificationPropertyExtract", "property_name": "top_class"},
        {"type": "LookupTable", "lookup_table": {"red": "stop", "green": "go"}},
        {"type": "StringToUpperCase"},
    ]
    return workflow(
        [classifier(), top("label", "$steps.classifier.predictions", *ops)], [out("label", "$steps.label.output")]
    )


def property_numbers() -> Definition:
    ops: list[dict[str, Any]] = [
        {"type": "ClassificationPropertyExtract", "property_name": "top_class_confidence"},
        {"type": "Multiply", "other": 100},
        {"type": "NumberRound", "decimal_digits": 1},
    ]
    return workflow(
        [classifier(), top("percent", "$steps.classifier.predictions", *ops)], [out("percent", "$steps.percent.output")]
    )


def property_of_image() -> Definition:
    ops = [{"type": "ExtractImageProperty", "property_name": "width"}]
    return workflow([top("width", "$inputs.image", *ops)], [out("width", "$steps.width.output")])


def gate_on_input() -> Definition:
    inputs: list[dict[str, Any]] = [
        IMAGE,
        {"type": "WorkflowParameter", "name": "enabled", "kind": ["boolean"], "default_value": True},
    ]
    statement = {
        "type": "UnaryStatement",
        "operand": {"type": "DynamicOperand", "operand_name": "on"},
        "operator": {"type": "(Boolean) is True"},
    }
    steps = [gate(statement, {"on": "$inputs.enabled"}, ["$steps.classifier"]), classifier()]
    return workflow(steps, [out("predictions", "$steps.classifier.predictions")], inputs)


def gate_two_steps() -> Definition:
    steps: list[dict[str, Any]] = [
        classifier(),
        top(),
        gate(
            equals("label", "blue"),
            {"label": "$steps.top.output", "raw": "$steps.classifier.predictions"},
            ["$steps.grey", "$steps.crop"],
            stop_delay=0.5,
        ),
        {"type": GRAYSCALE, "name": "grey", "image": "$inputs.image"},
        {
            "type": ABSOLUTE_CROP,
            "name": "crop",
            "images": "$inputs.image",
            "x_center": 10,
            "y_center": 10,
            "width": 8,
            "height": 8,
        },
    ]
    return workflow(steps, [out("grey", "$steps.grey.image"), out("crop", "$steps.crop.crops")])


def nested_groups() -> Definition:
    inner = {
        "type": "StatementGroup",
        "operator": "and",
        "statements": [equals("label", "red", "!="), {**equals("label", "green"), "negate": True}],
    }
    definition = gated(equals("label", "blue"))
    definition["steps"][2]["condition_statement"] = {
        "type": "StatementGroup",
        "operator": "or",
        "statements": [inner, equals("label", "blue")],
    }
    return definition


def operand_operations() -> Definition:
    statement = {
        "type": "BinaryStatement",
        "left_operand": {
            "type": "DynamicOperand",
            "operand_name": "prediction",
            "operations": [{"type": "ClassificationPropertyExtract", "property_name": "top_class_confidence"}],
        },
        "comparator": {"type": "(Number) >="},
        "right_operand": {"type": "StaticOperand", "value": 0.5},
    }
    steps: list[dict[str, Any]] = [
        classifier(),
        gate(statement, {"prediction": "$steps.classifier.predictions"}, ["$steps.after"]),
        top("after"),
    ]
    return workflow(steps, [out("label", "$steps.after.output")])


def input_spellings() -> Definition:
    inputs: list[dict[str, Any]] = [
        {"type": "InferenceImage", "name": "image"},
        {"type": "InferenceParameter", "name": "model", "default_value": "demo-shapes/1"},
        {
            "type": "WorkflowParameter",
            "name": "threshold",
            "kind": [{"name": "float_zero_to_one"}],
            "default_value": 0.5,
        },
        {"type": "WorkflowParameter", "name": "unused", "default_value": None},
    ]
    return workflow(
        [classifier(model_id="$inputs.model", confidence="$inputs.threshold")],
        [out("predictions", "$steps.classifier.predictions")],
        inputs,
    )


def output_shapes() -> Definition:
    outputs: list[dict[str, Any]] = [
        out("everything", "$steps.classifier.*"),
        out("own", "$steps.classifier.predictions", coordinates_system="own"),
        out("model", "$steps.classifier.model_id"),
    ]
    return workflow([classifier()], outputs)


def two_images() -> Definition:
    inputs = [IMAGE, {"type": "WorkflowImage", "name": "second"}]
    steps = [classifier(), classifier(name="other", images="$inputs.second")]
    return workflow(
        steps, [out("first", "$steps.classifier.predictions"), out("second", "$steps.other.predictions")], inputs
    )


def many_steps() -> Definition:
    steps = [classifier(name=f"c{n}") for n in range(6)]
    return workflow(steps, [out(f"o{n}", f"$steps.c{n}.predictions") for n in range(6)])


def no_outputs_yet() -> Definition:
    return workflow([{"type": GRAYSCALE, "name": "grey", "image": "$inputs.image"}], [out("grey", "$steps.grey.image")])


def aliases() -> Definition:
    steps: list[dict[str, Any]] = [
        {
            "type": "ContinueIf",
            "name": "gate",
            "condition_statement": {"type": "StatementGroup", "statements": [equals("label", "x")]},
            "evaluation_parameters": {"label": "$steps.top.output"},
            "next_steps": ["$steps.grey"],
        },
        {"type": GRAYSCALE, "name": "grey", "image": "$inputs.image"},
    ]
    return workflow([classifier(), top(), *steps], [out("grey", "$steps.grey.image")])


def gated_crop(wanted: str) -> Definition:
    """A classified image whose top class gates a grey copy; a crop of 30x20 runs either way."""
    crop = {
        "type": ABSOLUTE_CROP,
        "name": "crop",
        "images": "$inputs.image",
        "x_center": 50,
        "y_center": 40,
        "width": 30,
        "height": 20,
    }
    steps: list[dict[str, Any]] = [
        classifier(),
        top(),
        crop,
        gate(equals("label", wanted), {"label": "$steps.top.output"}, ["$steps.grey"]),
        {"type": GRAYSCALE, "name": "grey", "image": "$inputs.image"},
    ]
    return workflow(steps, [out("label", "$steps.top.output")])


DEFINITIONS: dict[str, Callable[[], Definition]] = {
    **SEEDS,
    "classifier_v1": classified(type_=V1),
    "classifier_v2_confidence": classified(confidence=0.55),
    "classifier_v3_default_mode": classified(type_=V3),
    "classifier_v3_custom": classified(type_=V3, confidence_mode="custom", custom_confidence=0.7),
    "classifier_v3_nulls": classified(type_=V3, active_learning_target_dataset=None, custom_confidence=None),
    "classifier_v3_active_learning": classified(
        type_=V3, disable_active_learning=False, active_learning_target_dataset="my_project"
    ),
    "parameters_everywhere": parameters_everywhere,
    "crops_then_classify": crops_then_classify,
    "crop_from_parameters": crop_from_parameters,
    "relative_crop": relative_crop,
    "resize": preprocess(task_type="resize", width=320, height=240),
    "rotate": preprocess(task_type="rotate", rotation_degrees=180),
    "flip": preprocess(task_type="flip", flip_type="both"),
    "grey_chain": grey_chain,
    "property_chain": property_chain,
    "property_numbers": property_numbers,
    "property_of_image": property_of_image,
    "gate_static": lambda: gated(equals("label", "blue")),
    "gate_not_equal": lambda: gated(equals("label", "red", "!=")),
    "gate_on_input": gate_on_input,
    "gate_two_steps": gate_two_steps,
    "nested_groups": nested_groups,
    "operand_operations": operand_operations,
    "input_spellings": input_spellings,
    "output_shapes": output_shapes,
    "two_images": two_images,
    "many_steps": many_steps,
    "single_grey": no_outputs_yet,
    "aliases": aliases,
    "gated_crop": lambda: gated_crop("blue"),
}


def top_class_workflow() -> dict[str, Any]:
    """Classify the image with the model named by a parameter, then read the top class."""
    return {
        "version": "1.0",
        "inputs": [
            {"type": "WorkflowImage", "name": "image"},
            {"type": "WorkflowParameter", "name": "model", "default_value": "demo-shapes/1"},
        ],
        "steps": [
            {"type": V2, "name": "classifier", "images": "$inputs.image", "model_id": "$inputs.model"},
            {
                "type": "roboflow_core/property_definition@v1",
                "name": "top",
                "data": "$steps.classifier.predictions",
                "operations": [{"type": "ClassificationPropertyExtract", "property_name": "top_class"}],
            },
        ],
        "outputs": [
            {"type": "JsonField", "name": "label", "selector": "$steps.top.output"},
            {"type": "JsonField", "name": "predictions", "selector": "$steps.classifier.predictions"},
        ],
    }
