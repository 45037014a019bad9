"""The compiler's first stage (executor/compiler/parse.py): the definition's top level, inputs,
outputs, names and versions."""

import pytest

from executor.compiler import CompilerConfig, compile_workflow
from tests.executor.conftest import (
    CLASSIFIER,
    chain_workflow,
    classification_workflow,
    issues,
    with_steps,
)


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


def test_duplicate_names(catalog):
    definition = with_steps(classification_workflow(), classification_workflow()["steps"][0])
    definition["inputs"].append({"type": "WorkflowParameter", "name": "confidence"})
    codes = [(e.code, e.pointer) for e in compile_workflow(definition, catalog).errors]
    assert codes == [("duplicate_name", "/inputs/3/name"), ("duplicate_name", "/steps/1/name")]


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


def test_no_outputs_is_a_warning(catalog):
    definition = classification_workflow()
    definition["outputs"] = []
    result = compile_workflow(definition, catalog)
    assert result.valid
    assert [(w.code, w.pointer, w.message) for w in result.warnings] == [
        ("no_outputs", "/outputs", "The workflow has no outputs, so a run returns nothing.")
    ]


def test_a_step_without_a_name_is_named_by_its_index(catalog):
    definition = with_steps(classification_workflow(), {"type": CLASSIFIER, "images": "$inputs.image", "confidence": 3})
    result = compile_workflow(definition, catalog)
    assert [(e.code, e.step, e.message) for e in result.errors] == [
        ("missing_property", None, "The step has no `name`."),
        ("missing_property", None, "Step #1 needs `model_id`."),
        ("invalid_value", None, "`confidence` of step #1 must be less than or equal to 1.0."),
    ]


def test_batch_input_dimensionality_below_one(catalog):
    definition = classification_workflow()
    definition["inputs"].append({"type": "WorkflowBatchInput", "name": "deep", "dimensionality": 0})
    codes = [e.code for e in compile_workflow(definition, catalog).errors]
    assert codes == ["batch_dimensionality"]
