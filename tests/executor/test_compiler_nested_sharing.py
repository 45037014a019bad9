"""Inlining shares what it does not rewrite with the child (copy on write): a child used twice, or a
workflow compiled twice, still gives identical results, each use with its own rewritten values."""

import copy
from typing import Any

from executor.compiler import compile_workflow
from tests.executor.nested_builders import SavedWorkflows, child_workflow, inner_step, parent_workflow


def twice_used() -> tuple[dict[str, Any], SavedWorkflows]:
    """One saved child behind two steps with different bindings (one a literal object)."""
    saved = SavedWorkflows({"7": child_workflow()})
    first = inner_step("first", workflow_workspace_id="acme", workflow_id="7")
    second = inner_step(
        "second",
        workflow_workspace_id="acme",
        workflow_id="7",
        bindings={"image": "$inputs.image", "model_id": "$inputs.model", "confidence": 0.7},
    )
    outputs = [
        {"type": "JsonField", "name": "first", "selector": "$steps.first.top"},
        {"type": "JsonField", "name": "second", "selector": "$steps.second.top"},
    ]
    return parent_workflow(first, second, outputs=outputs), saved


def flat_steps(result: Any) -> dict[str, dict[str, Any]]:
    return {step["name"]: step for step in result.nested.flat_definition["steps"]}


def test_a_child_used_twice_gives_each_use_its_own_rewritten_steps(catalog):
    parent, saved = twice_used()
    child_before = copy.deepcopy(saved.definitions["7"])
    result = compile_workflow(parent, catalog, children=saved)
    assert result.valid, [e.as_dict() for e in result.errors]
    steps = flat_steps(result)
    assert steps["first__top"]["data"] == "$steps.first__classifier.predictions"
    assert steps["second__top"]["data"] == "$steps.second__classifier.predictions"
    assert steps["first__classifier"]["confidence"] == 0.4  # the child's default
    assert steps["second__classifier"]["confidence"] == 0.7
    # What neither use rewrote is the same for both, and the saved child is as it was.
    assert steps["first__top"]["operations"] == steps["second__top"]["operations"]
    assert saved.definitions["7"] == child_before
    plan = result.plan
    assert plan.steps["first/top"].data_predecessors == frozenset({"first/classifier"})
    assert plan.steps["second/top"].data_predecessors == frozenset({"second/classifier"})
    assert plan.steps["second/classifier"].literals["confidence"] == 0.7


def test_compiling_twice_gives_identical_results(catalog):
    parent, saved = twice_used()
    definition_before = copy.deepcopy(parent)
    first = compile_workflow(parent, catalog, children=saved)
    first_flat = copy.deepcopy(first.nested.flat_definition)
    second = compile_workflow(parent, catalog, children=saved)
    assert second.nested.flat_definition == first_flat == first.nested.flat_definition
    assert second.plan == first.plan
    assert second.warnings == first.warnings
    assert parent == definition_before


def test_a_problem_in_a_child_used_twice_is_reported_inside_each_use(catalog):
    # The resolver gives the same object for both steps: parsed once, reported at each.
    parent, saved = twice_used()
    del saved.definitions["7"]["steps"][1]["name"]
    result = compile_workflow(parent, catalog, children=saved)
    assert [(e.code, e.pointer) for e in result.errors] == [
        ("missing_property", "/steps/0/workflow_definition/steps/1/name"),
        ("missing_property", "/steps/1/workflow_definition/steps/1/name"),
    ]
