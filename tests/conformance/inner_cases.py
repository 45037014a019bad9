"""Inner workflow definitions for the differential test: valid inline and nested children, every
binding and composition mistake Roboflow can be shown without its platform (references to saved
workflows need Roboflow's API, so the parity test has none; tests/registry covers them), and the
seed bent by the mutation generator."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from tests.conformance.mutations import Case, seed_mutations
from tests.conformance.seeds import classify

INNER = "roboflow_core/inner_workflow@v1"


def child() -> dict[str, Any]:
    """Classify, then read the top class; `model_id` must be bound, `confidence` has a default."""
    definition = classify()
    definition["inputs"][1] = {"type": "WorkflowParameter", "name": "model_id"}
    definition["steps"].append(
        {
            "type": "roboflow_core/property_definition@v1",
            "name": "top",
            "data": "$steps.classifier.predictions",
            "operations": [{"type": "ClassificationPropertyExtract", "property_name": "top_class"}],
        }
    )
    definition["outputs"] = [
        {"type": "JsonField", "name": "predictions", "selector": "$steps.classifier.predictions"},
        {"type": "JsonField", "name": "top", "selector": "$steps.top.output"},
    ]
    return definition


def wrapped(inner: dict[str, Any], name: str = "outer") -> dict[str, Any]:
    """`inner` as the one step of a parent that binds its image and model and outputs its `top`."""
    return {
        "version": "1.0",
        "inputs": [
            {"type": "WorkflowImage", "name": "image"},
            {"type": "WorkflowParameter", "name": "model_id", "default_value": "my-project/3"},
        ],
        "steps": [
            {
                "type": INNER,
                "name": name,
                "workflow_definition": inner,
                "parameter_bindings": {"image": "$inputs.image", "model_id": "$inputs.model_id"},
            }
        ],
        "outputs": [{"type": "JsonField", "name": "top", "selector": f"$steps.{name}.top"}],
    }


def seed() -> dict[str, Any]:
    return wrapped(child())


def nested(depth: int) -> dict[str, Any]:
    definition = child()
    for level in range(depth):
        definition = wrapped(definition, name=f"level{level}")
    return definition


def _mistakes() -> Iterator[Case]:
    def edited(change: Any) -> dict[str, Any]:
        definition = seed()
        step = definition["steps"][0]
        change(step, definition)
        return definition

    yield "inner:nested_2", nested(2)
    yield "inner:nested_4", nested(4)
    yield "inner:nested_5_too_deep", nested(5)
    yield "inner:unbound_input", edited(lambda s, d: s["parameter_bindings"].pop("model_id"))
    yield "inner:unknown_input", edited(lambda s, d: s["parameter_bindings"].update(ghost="$inputs.image"))
    yield "inner:binding_kind", edited(lambda s, d: s["parameter_bindings"].update(image="$inputs.model_id"))
    yield "inner:binding_literal", edited(lambda s, d: s["parameter_bindings"].update(model_id="demo/1"))
    yield "inner:binding_missing_target", edited(lambda s, d: s["parameter_bindings"].update(image="$inputs.x"))
    yield "inner:missing_output", edited(lambda s, d: d["outputs"][0].update(selector="$steps.outer.ghost"))
    yield "inner:both_sources", edited(lambda s, d: s.update(workflow_workspace_id="w", workflow_id="x"))
    yield "inner:no_source", edited(lambda s, d: s.pop("workflow_definition"))
    yield "inner:empty_definition", edited(lambda s, d: s.update(workflow_definition={}))
    yield "inner:remote_dispatch", edited(lambda s, d: s.update(execution_mode="remote_dispatch"))
    yield "inner:child_step_invalid", edited(lambda s, d: s["workflow_definition"]["steps"][0].update(confidence=7))
    yield "inner:child_unknown_type", edited(lambda s, d: s["workflow_definition"]["steps"][1].update(type="X"))
    yield "inner:child_no_outputs", edited(lambda s, d: s["workflow_definition"].pop("outputs"))
    yield (
        "inner:child_bad_reference",
        edited(lambda s, d: s["workflow_definition"]["steps"][1].update(data="$steps.ghost.predictions")),
    )
    many = seed()
    many["steps"] = [copy.deepcopy(many["steps"][0]) | {"name": f"outer{n}"} for n in range(33)]
    yield "inner:too_many", many
    flow = seed()
    flow["steps"].append(
        {
            "type": "roboflow_core/property_definition@v1",
            "name": "after",
            "data": "$steps.outer.predictions",
            "operations": [{"type": "ClassificationPropertyExtract", "property_name": "top_class"}],
        }
    )
    yield "inner:parent_reads_child", flow


def inner_workflow_cases() -> list[Case]:
    cases: list[Case] = [("inner:seed", seed()), *_mistakes()]
    cases += [(label, definition) for label, definition in seed_mutations("inner", seed())]
    return cases
