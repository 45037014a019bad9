"""The compiler's wiring stage (executor/compiler/wiring.py): selectors, kinds, cycles, batches,
dimensionality and the plan."""

from executor.compiler import compile_workflow
from tests.executor.conftest import (
    CLASSIFIER,
    classification_workflow,
    issues,
    top_class_step,
    with_steps,
)


def test_references_to_missing_things(catalog):
    definition = classification_workflow(images="$inputs.img", confidence="$steps.ghost.value")
    definition["outputs"].append({"type": "JsonField", "name": "top", "selector": "$steps.classifier.top"})
    definition["outputs"].append({"type": "JsonField", "name": "all", "selector": "$steps.ghost.*"})
    result = compile_workflow(definition, catalog)
    assert issues(result) == [
        {
            "code": "unknown_input",
            "pointer": "/steps/0/images",
            "step": "classifier",
            "property": "images",
            "selector": "$inputs.img",
        },
        {
            "code": "unknown_step",
            "pointer": "/steps/0/confidence",
            "step": "classifier",
            "property": "confidence",
            "selector": "$steps.ghost.value",
        },
        {
            "code": "unknown_output",
            "pointer": "/outputs/2/selector",
            "step": None,
            "property": "top",
            "selector": "$steps.classifier.top",
        },
        {
            "code": "unknown_step",
            "pointer": "/outputs/3/selector",
            "step": None,
            "property": "all",
            "selector": "$steps.ghost.*",
        },
    ]
    assert result.errors[0].suggestions == ("image",)


def test_kind_mismatch_names_both_sides(catalog):
    second = {"type": CLASSIFIER, "name": "again", "images": "$steps.classifier.predictions", "model_id": "a/1"}
    definition = with_steps(classification_workflow(confidence="$inputs.image"), second)
    result = compile_workflow(definition, catalog)
    mismatches = [e for e in result.errors if e.code == "kind_mismatch"]
    assert [(e.step, e.property, dict(e.details)) for e in mismatches] == [
        ("classifier", "confidence", {"expected_kinds": ["float_zero_to_one"], "actual_kinds": ["image"]}),
        ("again", "images", {"expected_kinds": ["image"], "actual_kinds": ["classification_prediction"]}),
    ]
    assert mismatches[1].message == (
        "`images` of step `again` accepts `image`, but `$steps.classifier.predictions` is `classification_prediction`."
    )


def test_declared_parameter_kind_is_checked(catalog):
    definition = classification_workflow()
    definition["inputs"][1]["kind"] = ["string"]
    [error] = compile_workflow(definition, catalog).errors
    assert (error.code, error.property) == ("kind_mismatch", "model_id")


def test_wildcard_only_in_outputs(catalog):
    definition = with_steps(classification_workflow(), top_class_step("top", "$steps.classifier.*"))
    definition["outputs"].append({"type": "JsonField", "name": "everything", "selector": "$steps.classifier.*"})
    [error] = compile_workflow(definition, catalog).errors
    assert (error.code, error.pointer) == ("unknown_output", "/steps/1/data")


def test_cycles_and_self_references(catalog):
    a = top_class_step("a", "$steps.b.output")
    b = top_class_step("b", "$steps.a.output")
    result = compile_workflow(with_steps(classification_workflow(), a, b), catalog)
    [error] = result.errors
    assert error.code == "cycle"
    assert error.details["steps"] == ["a", "b"]
    selfish = top_class_step("me", "$steps.me.output")
    [error] = compile_workflow(with_steps(classification_workflow(), selfish), catalog).errors
    assert (error.code, error.step, error.pointer, error.details) == ("cycle", "me", "/steps/1", {"steps": ["me"]})


def test_batch_into_scalar(catalog):
    definition = classification_workflow()
    definition["inputs"].append({"type": "WorkflowBatchInput", "name": "thresholds"})
    definition["steps"][0]["confidence"] = "$inputs.thresholds"
    [error] = compile_workflow(definition, catalog).errors
    assert (error.code, error.property, error.selector) == ("batch_into_scalar", "confidence", "$inputs.thresholds")


def test_dimensionality_spread(catalog):
    definition = classification_workflow()
    definition["inputs"].append({"type": "WorkflowBatchInput", "name": "deep", "dimensionality": 3})
    step = {
        "type": "roboflow_core/continue_if@v1",
        "name": "gate",
        "condition_statement": {
            "type": "StatementGroup",
            "statements": [
                {
                    "type": "UnaryStatement",
                    "operand": {"type": "DynamicOperand", "operand_name": "a"},
                    "operator": {"type": "Exists"},
                }
            ],
        },
        "evaluation_parameters": {"a": "$inputs.image", "b": "$inputs.deep"},
        "next_steps": ["$steps.classifier"],
    }
    result = compile_workflow(with_steps(classification_workflow(), step) | {"inputs": definition["inputs"]}, catalog)
    assert [(e.code, e.step) for e in result.errors] == [("dimensionality", "gate")]


def test_plan_layers_for_a_diamond(catalog):
    definition = with_steps(
        classification_workflow(),
        top_class_step("left", "$steps.classifier.predictions"),
        top_class_step("right", "$steps.classifier.predictions"),
        {
            "type": "roboflow_core/property_definition@v1",
            "name": "join",
            "data": "$steps.left.output",
            "operations": [{"type": "ToString"}],
        },
    )
    plan = compile_workflow(definition, catalog).plan
    assert plan.layers == (("classifier",), ("left", "right"), ("join",))
    assert plan.steps["join"].data_predecessors == {"left"}


def test_continue_if_controls_steps(catalog):
    gate = {
        "type": "roboflow_core/continue_if@v1",
        "name": "gate",
        "condition_statement": {
            "type": "StatementGroup",
            "statements": [
                {
                    "type": "BinaryStatement",
                    "left_operand": {"type": "DynamicOperand", "operand_name": "c"},
                    "comparator": {"type": "(Number) >="},
                    "right_operand": {"type": "StaticOperand", "value": 0.5},
                }
            ],
        },
        "evaluation_parameters": {"c": "$steps.top.output"},
        "next_steps": ["$steps.after"],
    }
    top = {
        "type": "roboflow_core/property_definition@v1",
        "name": "top",
        "data": "$steps.classifier.predictions",
        "operations": [{"type": "ClassificationPropertyExtract", "property_name": "top_class_confidence"}],
    }
    after = top_class_step("after", "$steps.classifier.predictions")
    plan = compile_workflow(with_steps(classification_workflow(), top, gate, after), catalog).plan
    assert plan.layers == (("classifier",), ("top",), ("gate",), ("after",))
    assert plan.steps["gate"].flow_targets == ("after",)
    assert plan.steps["after"].control_predecessors == {"gate"}
    missing = dict(gate, next_steps=["$steps.nowhere"])
    [error] = compile_workflow(with_steps(classification_workflow(), top, missing), catalog).errors
    assert (error.code, error.pointer) == ("unknown_step", "/steps/2/next_steps/0")


def test_crops_make_nested_dimensionality(catalog):
    crop = {
        "type": "roboflow_core/absolute_static_crop@v1",
        "name": "crop",
        "images": "$inputs.image",
        "x_center": 10,
        "y_center": 10,
        "width": 5,
        "height": 5,
    }
    definition = with_steps(classification_workflow(images="$steps.crop.crops"), crop)
    plan = compile_workflow(definition, catalog).plan
    assert plan.steps["crop"].dimensionality == 1
    assert plan.layers == (("crop",), ("classifier",))
