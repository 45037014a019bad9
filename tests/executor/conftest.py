"""A catalog for compiler tests: Roboflow 1.8.3's blocks with our built-ins in their place."""

import copy
from typing import Any

import pytest

from blocks.spec import CatalogSnapshot
from tests.support.catalogs import payload_catalog

CLASSIFIER = "roboflow_core/roboflow_classification_model@v2"
PROPERTY_DEFINITION = "roboflow_core/property_definition@v1"


@pytest.fixture(scope="session")
def catalog(roboflow_describe: dict[str, Any]) -> CatalogSnapshot:
    return payload_catalog(roboflow_describe, version="test-catalog")


def classification_workflow(**step_overrides: Any) -> dict[str, Any]:
    """Spec 1.5's minimal single-classification definition, with step overrides."""
    step = {
        "type": CLASSIFIER,
        "name": "classifier",
        "images": "$inputs.image",
        "model_id": "$inputs.model_id",
        "confidence": "$inputs.confidence",
        **step_overrides,
    }
    return {
        "version": "1.0",
        "inputs": [
            {"type": "WorkflowImage", "name": "image"},
            {"type": "WorkflowParameter", "name": "model_id", "default_value": "my-project/3"},
            {"type": "WorkflowParameter", "name": "confidence", "default_value": 0.4},
        ],
        "steps": [{k: v for k, v in step.items() if v is not None}],
        "outputs": [
            {"type": "JsonField", "name": "predictions", "selector": "$steps.classifier.predictions"},
            {"type": "JsonField", "name": "model", "selector": "$steps.classifier.model_id"},
        ],
    }


def with_steps(definition: dict[str, Any], *steps: dict[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(definition)
    result["steps"].extend(steps)
    return result


def top_class_step(name: str, data: str) -> dict[str, Any]:
    return {
        "type": PROPERTY_DEFINITION,
        "name": name,
        "data": data,
        "operations": [{"type": "ClassificationPropertyExtract", "property_name": "top_class"}],
    }


def chain_workflow(length: int) -> dict[str, Any]:
    steps = []
    previous = "$steps.classifier.predictions"
    for index in range(length):
        steps.append(top_class_step(f"p{index}", previous))
        previous = f"$steps.p{index}.output"
    return with_steps(classification_workflow(), *steps)


def fan_out_workflow(width: int) -> dict[str, Any]:
    steps = [
        {"type": CLASSIFIER, "name": f"c{index}", "images": "$inputs.image", "model_id": "demo/1"}
        for index in range(width)
    ]
    return with_steps(classification_workflow(), *steps)


def issues(result: Any) -> list[dict[str, Any]]:
    """A compilation's errors, reduced to where they are and what they say."""
    return [
        {k: v for k, v in issue.as_dict().items() if k in {"code", "pointer", "step", "property", "selector"}}
        for issue in result.errors
    ]
