"""The compiler: every error code, pinned to its place; warnings; the plan; the cache."""

from typing import Any

import pytest

from blocks.spec import CatalogSnapshot
from executor.compiler import CompilerConfig, compile_workflow
from executor.compiler.roboflow import roboflow_error
from tests.executor.conftest import (
    CLASSIFIER,
    chain_workflow,
    classification_workflow,
    top_class_step,
    with_steps,
)


def issues(result) -> list[dict[str, Any]]:
    return [
        {k: v for k, v in issue.as_dict().items() if k in {"code", "pointer", "step", "property", "selector"}}
        for issue in result.errors
    ]


def test_valid_definition_compiles_to_a_plan(catalog):
    result = compile_workflow(classification_workflow(), catalog)
    assert result.valid
    assert result.errors == ()
    plan = result.plan
    assert plan.layers == (("classifier",),)
    step = plan.steps["classifier"]
    assert step.type_identifier == CLASSIFIER
    assert dict(step.literals) == {"disable_active_learning": True, "active_learning_target_dataset": None}
    assert [(b.property, b.selector.raw) for b in step.bindings] == [
        ("images", "$inputs.image"),
        ("model_id", "$inputs.model_id"),
        ("confidence", "$inputs.confidence"),
    ]
    assert step.dimensionality == 1
    assert [o.name for o in plan.outputs] == ["predictions", "model"]
    assert plan.lockfile() == {"classifier": {"type_identifier": CLASSIFIER, "content_hash": ""}}


def test_image_alias_and_identifier_alias_are_accepted(catalog):
    definition = classification_workflow(type="ClassificationModel", images=None, image="$inputs.image")
    definition["outputs"] = definition["outputs"][:1]
    result = compile_workflow(definition, catalog)
    assert result.valid, result.errors
    assert result.plan.steps["classifier"].type_identifier == "roboflow_core/roboflow_classification_model@v1"


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        (
            {},
            [
                {"code": "missing_field", "pointer": "/version", "step": None, "property": "version", "selector": None},
                {"code": "missing_field", "pointer": "/inputs", "step": None, "property": "inputs", "selector": None},
                {"code": "missing_field", "pointer": "/steps", "step": None, "property": "steps", "selector": None},
                {"code": "missing_field", "pointer": "/outputs", "step": None, "property": "outputs", "selector": None},
            ],
        ),
        ([1, 2], [{"code": "invalid_definition", "pointer": "", "step": None, "property": None, "selector": None}]),
    ],
)
def test_top_level_problems(catalog, definition, expected):
    assert issues(compile_workflow(definition, catalog)) == expected


def test_unknown_block_type_suggests_a_few_close_ones(catalog):
    result = compile_workflow(classification_workflow(type="roboflow_core/roboflow_clasification_model@v2"), catalog)
    [error] = result.errors
    assert (error.code, error.pointer, error.step, error.property) == (
        "unknown_block_type",
        "/steps/0/type",
        "classifier",
        "type",
    )
    assert error.suggestions[0] == CLASSIFIER
    assert len(error.suggestions) <= 5


def test_missing_properties(catalog):
    result = compile_workflow(classification_workflow(images=None, model_id=None), catalog)
    assert issues(result) == [
        {
            "code": "missing_property",
            "pointer": "/steps/0/images",
            "step": "classifier",
            "property": "images",
            "selector": None,
        },
        {
            "code": "missing_property",
            "pointer": "/steps/0/model_id",
            "step": "classifier",
            "property": "model_id",
            "selector": None,
        },
    ]


def test_invalid_literal_values(catalog):
    result = compile_workflow(
        classification_workflow(confidence=1.5, images="image.jpg", disable_active_learning="yes"), catalog
    )
    by_property = {e.property: e for e in result.errors}
    assert set(by_property) == {"confidence", "images", "disable_active_learning"}
    assert by_property["confidence"].code == "invalid_value"
    assert by_property["confidence"].message == "`confidence` of step `classifier` must be less than or equal to 1.0."
    assert by_property["images"].code == "invalid_value"
    assert by_property["images"].message == "`images` of step `classifier` must be a selector."
    assert by_property["disable_active_learning"].pointer == "/steps/0/disable_active_learning"


def test_v3_confidence_mode_enum(catalog):
    definition = classification_workflow(
        type="roboflow_core/roboflow_classification_model@v3", confidence=None, confidence_mode="best"
    )
    [error] = compile_workflow(definition, catalog).errors
    assert (error.code, error.property) == ("invalid_value", "confidence_mode")
    assert error.message == "`confidence_mode` of step `classifier` must be one of 'default', 'custom'."


def test_query_language_operations_are_checked(catalog):
    step = top_class_step("top", "$steps.classifier.predictions")
    step["operations"] = [{"type": "DetectionsFilter"}]
    [error] = compile_workflow(with_steps(classification_workflow(), step), catalog).errors
    assert (error.code, error.pointer, error.property) == ("invalid_value", "/steps/1/operations", "operations")
    assert "unknown `type` 'DetectionsFilter'" in error.message


def test_duplicate_names(catalog):
    definition = with_steps(classification_workflow(), classification_workflow()["steps"][0])
    definition["inputs"].append({"type": "WorkflowParameter", "name": "confidence"})
    codes = [(e.code, e.pointer) for e in compile_workflow(definition, catalog).errors]
    assert codes == [("duplicate_name", "/inputs/3/name"), ("duplicate_name", "/steps/1/name")]


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


def test_batch_input_dimensionality_below_one(catalog):
    definition = classification_workflow()
    definition["inputs"].append({"type": "WorkflowBatchInput", "name": "deep", "dimensionality": 0})
    codes = [e.code for e in compile_workflow(definition, catalog).errors]
    assert codes == ["batch_dimensionality"]


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


def test_versions(catalog):
    assert [e.code for e in compile_workflow(classification_workflow() | {"version": "2.0"}, catalog).errors] == [
        "unsupported_version"
    ]
    assert [e.code for e in compile_workflow(classification_workflow() | {"version": "abc"}, catalog).errors] == [
        "invalid_version"
    ]


def test_too_many_steps(catalog):
    result = compile_workflow(chain_workflow(12), catalog, CompilerConfig(max_steps=10))
    assert [(e.code, e.details["limit"], e.details["count"]) for e in result.errors] == [("too_many_steps", 10, 13)]


def test_every_independent_problem_in_one_pass(catalog):
    bad_second = {"type": "nope", "name": "x"}
    definition = with_steps(classification_workflow(confidence=3, model_id="$inputs.mdl"), bad_second)
    definition["outputs"].append({"type": "JsonField", "name": "y", "selector": "$steps.classifier.nothing"})
    codes = sorted(e.code for e in compile_workflow(definition, catalog).errors)
    assert codes == ["invalid_value", "unknown_block_type", "unknown_input", "unknown_output"]


def test_warnings(catalog):
    deprecated = {s.type_identifier: s for s in catalog.blocks.values()}
    import dataclasses

    specs = dict(deprecated)
    specs[CLASSIFIER] = dataclasses.replace(
        specs[CLASSIFIER],
        state="deprecated",
        deprecation_message="v2 is old.",
        replacement="roboflow_core/roboflow_classification_model@v3",
        executable=True,
    )
    modified = CatalogSnapshot.build(list(specs.values()), version="deprecated-v2")
    definition = classification_workflow()
    definition["inputs"].append({"type": "WorkflowParameter", "name": "unused"})
    result = compile_workflow(definition, modified)
    assert result.valid
    assert [(w.code, w.pointer) for w in result.warnings] == [
        ("deprecated_block", "/steps/0/type"),
        ("unused_input", "/inputs/3"),
    ]
    assert result.warnings[0].message == (
        "Step `classifier`: v2 is old. Use roboflow_core/roboflow_classification_model@v3 instead."
    )
    imported = compile_workflow(
        with_steps(
            classification_workflow(),
            {
                "type": "roboflow_core/google_gemini@v1",
                "name": "g",
                "images": "$inputs.image",
                "prompt": "hi",
                "api_key": "k",
            },
        ),
        catalog,
    )
    assert ("not_executable", "g") in [(w.code, w.step) for w in imported.warnings]


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


def test_roboflow_error_shapes(catalog):
    definition = classification_workflow(images="$inputs.img")
    status, body = roboflow_error(compile_workflow(definition, catalog), definition)
    assert status == 400
    assert body == {
        "message": "`images` of step `classifier` refers to `$inputs.img`, but the workflow has no such input.",
        "error_type": "InvalidReferenceTargetError",
        "context": "workflow_compilation | execution_graph_construction",
        "inner_error_type": None,
        "inner_error_message": None,
        "blocks_errors": [
            {
                "block_id": "classifier",
                "block_type": CLASSIFIER,
                "block_details": None,
                "property_name": "images",
                "property_details": body["message"],
                "block_traceback": None,
            }
        ],
        "python_blocks_output_streams": None,
        "python_blocks_debug_traces": None,
    }
    mismatch = classification_workflow(confidence="$inputs.image")
    status, body = roboflow_error(compile_workflow(mismatch, catalog), mismatch)
    assert (status, body["error_type"], "blocks_errors" in body) == (400, "ReferenceTypeError", False)


def test_no_outputs_is_a_warning(catalog):
    definition = classification_workflow()
    definition["outputs"] = []
    result = compile_workflow(definition, catalog)
    assert result.valid
    assert [(w.code, w.pointer, w.message) for w in result.warnings] == [
        ("no_outputs", "/outputs", "The workflow has no outputs, so a run returns nothing.")
    ]


def test_disabled_version_is_named_with_its_replacement(catalog):
    import dataclasses

    specs = dict(catalog.blocks)
    disabled = dataclasses.replace(specs.pop(CLASSIFIER), state="disabled")
    v3 = "roboflow_core/roboflow_classification_model@v3"
    specs[v3] = dataclasses.replace(specs[v3], is_default=True)
    without_v2 = CatalogSnapshot.build(list(specs.values()), version="v2-disabled", disabled=[disabled])
    result = compile_workflow(classification_workflow(), without_v2)
    assert [issue.as_dict() for issue in result.errors] == [
        {
            "code": "disabled_block",
            "message": f"Step `classifier` uses {CLASSIFIER}, which is disabled. Use {v3} instead.",
            "pointer": "/steps/0/type",
            "step": "classifier",
            "property": "type",
            "selector": None,
            "suggestions": [],
            "replacement": v3,
        }
    ]
    # The step's inputs are used: no warning says otherwise.
    assert result.warnings == ()
    # A declared replacement wins over the family's default.
    pointed = dataclasses.replace(disabled, replacement="roboflow_core/roboflow_classification_model@v1")
    declared = CatalogSnapshot.build(list(specs.values()), version="v2-pointed", disabled=[pointed])
    [error] = compile_workflow(classification_workflow(), declared).errors
    assert error.details == {"replacement": "roboflow_core/roboflow_classification_model@v1"}


def test_a_step_without_a_name_is_named_by_its_index(catalog):
    definition = with_steps(
        classification_workflow(), {"type": CLASSIFIER, "images": "$inputs.image", "confidence": 3}
    )
    result = compile_workflow(definition, catalog)
    assert [(e.code, e.step, e.message) for e in result.errors] == [
        ("missing_property", None, "The step has no `name`."),
        ("missing_property", None, "Step #1 needs `model_id`."),
        ("invalid_value", None, "`confidence` of step #1 must be less than or equal to 1.0."),
    ]
