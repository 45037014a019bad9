"""Roboflow's error answers (registry/roboflow/compilation.py) for the classes of mistakes where
upstream's stage order and rules matter (the differential test in tests/conformance checks them
against Roboflow itself)."""

import json
from typing import Any

import pytest

from blocks.spec import CatalogSnapshot
from executor.compiler import compile_workflow
from registry.roboflow.errors import compilation_failed
from tests.conftest import load_roboflow_describe
from tests.executor.conftest import CLASSIFIER, classification_workflow, top_class_step, with_steps
from tests.support.catalogs import payload_catalog


@pytest.fixture(scope="module")
def catalog() -> CatalogSnapshot:
    return payload_catalog(load_roboflow_describe(), version="test-catalog")


def answer(definition: Any, catalog) -> tuple[int, dict[str, Any]]:
    response = compilation_failed(compile_workflow(definition, catalog), definition)
    return response.status_code, json.loads(response.content)


def blocks(body: dict[str, Any]) -> list[tuple[Any, Any, Any]]:
    return [(e["block_id"], e["block_type"], e["property_name"]) for e in body["blocks_errors"]]


def test_a_selector_naming_an_output_the_step_does_not_have(catalog):
    definition = with_steps(classification_workflow(), top_class_step("label", "$steps.classifier.top"))
    status, body = answer(definition, catalog)
    assert (status, body["error_type"], body["context"]) == (
        400,
        "ExecutionGraphStructureError",
        "workflow_compilation | execution_graph_construction",
    )
    assert blocks(body) == [("label", "roboflow_core/property_definition@v1", "data")]
    # Roboflow names the first text field that contains the output's name: here the step's name.
    definition["steps"][1]["name"] = "top"
    assert blocks(answer(definition, catalog)[1]) == [("top", "roboflow_core/property_definition@v1", "name")]


def test_syntax_errors_inside_steps_are_located_by_index(catalog):
    unnamed = with_steps(classification_workflow(), {"type": CLASSIFIER, "images": "$inputs.image"})
    status, body = answer(unnamed, catalog)
    assert (status, body["error_type"]) == (400, "WorkflowSyntaxError")
    # The unnamed step has two problems; Roboflow keeps one per step name (here none) and property.
    assert blocks(body) == [(None, CLASSIFIER, "name")]
    bad_values = classification_workflow(confidence=3, images=7)
    assert blocks(answer(bad_values, catalog)[1]) == [
        ("classifier", CLASSIFIER, "images"),
        ("classifier", CLASSIFIER, "confidence"),
    ]
    untyped = classification_workflow()
    del untyped["steps"][0]["type"]
    assert blocks(answer(untyped, catalog)[1]) == [("classifier", None, None)]
    broken_output = classification_workflow()
    del broken_output["outputs"][0]["type"]
    assert answer(broken_output, catalog)[1]["blocks_errors"] == []


def test_steps_that_are_not_a_list_of_objects(catalog):
    for steps in ("text", {"a": 1}, [{"type": CLASSIFIER, "name": "x"}, 5]):
        definition = classification_workflow() | {"steps": steps}
        status, body = answer(definition, catalog)
        assert (status, body["error_type"], body["context"], "blocks_errors" in body) == (
            400,
            "InnerWorkflowInvalidStepEntryError",
            "workflow_compilation | inner_workflow | composition",
            False,
        )
    status, body = answer(classification_workflow() | {"steps": 7}, catalog)
    assert (status, body["error_type"], blocks(body)) == (400, "WorkflowSyntaxError", [])


def test_batch_input_dimensionality_out_of_range(catalog):
    definition = classification_workflow()
    definition["inputs"].append({"type": "WorkflowBatchInput", "name": "deep", "dimensionality": 0})
    status, body = answer(definition, catalog)
    assert (status, body["error_type"], blocks(body)) == (400, "ExecutionGraphStructureError", [])
    definition["inputs"][-1]["dimensionality"] = 1.5
    assert answer(definition, catalog)[1]["error_type"] == "WorkflowSyntaxError"
    # Read as Roboflow's models read it: "1" and true are 1.
    for lax_one in ("1", True):
        definition["inputs"][-1]["dimensionality"] = lax_one
        assert compile_workflow(definition, catalog).errors == ()
    image = classification_workflow()
    image["inputs"][0]["dimensionality"] = 2
    assert (compile_workflow(image, catalog).errors[0].code, answer(image, catalog)[1]["error_type"]) == (
        "invalid_value",
        "WorkflowSyntaxError",
    )


def test_the_earliest_stage_wins(catalog):
    definition = classification_workflow(images="$inputs.ghost", confidence=3)
    definition["version"] = "1.99"
    assert answer(definition, catalog)[1]["error_type"] == "NotSupportedExecutionEngineError"
    definition["version"] = "1.0"
    assert answer(definition, catalog)[1]["error_type"] == "WorkflowSyntaxError"
    definition["steps"][0]["confidence"] = 0.5
    assert answer(definition, catalog)[1]["error_type"] == "InvalidReferenceTargetError"


def test_the_inner_message_lists_every_syntax_problem(catalog):
    definition = classification_workflow(confidence=3, images=7)
    body = answer(definition, catalog)[1]
    assert body["message"] == "`images` of step `classifier` must be a selector."
    assert body["inner_error_message"] == "`confidence` of step `classifier` must be less than or equal to 1.0."


def test_roboflow_error_shapes(catalog):
    definition = classification_workflow(images="$inputs.img")
    status, body = answer(definition, catalog)
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
    status, body = answer(mismatch, catalog)
    assert (status, body["error_type"], "blocks_errors" in body) == (400, "ReferenceTypeError", False)
