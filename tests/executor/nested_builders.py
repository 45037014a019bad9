"""Builders of workflows that contain workflows, for compiler, engine, registry and conformance tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from executor.compiler.nesting import INNER_WORKFLOW_TYPE, ChildWorkflow
from tests.executor.conftest import classification_workflow, top_class_step


def child_workflow(**step_overrides: Any) -> dict[str, Any]:
    """Classify an image, then read its top class: inputs `image`, `model_id`, `confidence` (default 0.4)."""
    child = classification_workflow(**step_overrides)
    child["inputs"][1] = {"type": "WorkflowParameter", "name": "model_id"}
    child["steps"].append(top_class_step("top", "$steps.classifier.predictions"))
    child["outputs"].append({"type": "JsonField", "name": "top", "selector": "$steps.top.output"})
    return child


def inner_step(name: str = "outer", child: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    step: dict[str, Any] = {"type": INNER_WORKFLOW_TYPE, "name": name}
    if child is not None:
        step["workflow_definition"] = child
    step["parameter_bindings"] = fields.pop("bindings", {"image": "$inputs.image", "model_id": "$inputs.model"})
    step.update(fields)
    return step


def parent_workflow(*steps: dict[str, Any], outputs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A parent with an image and a model input; by default it outputs `outer`'s `top` and `predictions`."""
    return {
        "version": "1.0",
        "inputs": [
            {"type": "WorkflowImage", "name": "image"},
            {"type": "WorkflowParameter", "name": "model", "default_value": "demo-shapes/1"},
        ],
        "steps": list(steps) or [inner_step(child=child_workflow())],
        "outputs": outputs
        if outputs is not None
        else [
            {"type": "JsonField", "name": "top", "selector": "$steps.outer.top"},
            {"type": "JsonField", "name": "predictions", "selector": "$steps.outer.predictions"},
        ],
    }


def inline_equivalent() -> dict[str, Any]:
    """`parent_workflow()` with the child's steps written out by hand."""
    child = child_workflow()
    classifier = {**child["steps"][0], "images": "$inputs.image", "model_id": "$inputs.model", "confidence": 0.4}
    top = top_class_step("top", "$steps.classifier.predictions")
    return {
        **parent_workflow(),
        "steps": [classifier, top],
        "outputs": [
            {"type": "JsonField", "name": "top", "selector": "$steps.top.output"},
            {"type": "JsonField", "name": "predictions", "selector": "$steps.classifier.predictions"},
        ],
    }


def nested(depth: int) -> dict[str, Any]:
    """A child wrapped in `depth` inner workflow steps, each named `level{n}`."""
    definition = child_workflow()
    for level in range(depth, 0, -1):
        definition = {
            "version": "1.0",
            "inputs": [
                {"type": "WorkflowImage", "name": "image"},
                {"type": "WorkflowParameter", "name": "model_id"},
            ],
            "steps": [
                inner_step(
                    f"level{level}", definition, bindings={"image": "$inputs.image", "model_id": "$inputs.model_id"}
                )
            ],
            "outputs": [{"type": "JsonField", "name": "top", "selector": f"$steps.level{level}.top"}],
        }
    return definition


@dataclass
class SavedWorkflows:
    """Saved workflows for the compiler, by id: a `ChildResolver` with no database."""

    definitions: dict[str, dict[str, Any]] = field(default_factory=dict)
    root_key: str | None = None
    asked: list[tuple[str, str | None]] = field(default_factory=list)

    def resolve(self, *, path: str, workspace: str, workflow_id: str, version: str | None) -> ChildWorkflow | None:
        self.asked.append((path, version))
        definition = self.definitions.get(workflow_id)
        if definition is None:
            return None
        return ChildWorkflow(
            definition=definition,
            key=f"workflow:{workflow_id}",
            pin={"workspace": workspace, "id": workflow_id, "revision": int(version or 1)},
        )

    def adopt_pins(self, *, path: str, lockfile: Any) -> None:
        """Revisions are the ones asked for here: there is nothing to pin."""
