"""Uncached compile time: 1 classification step, +500 chained steps, +500 fanned-out steps.

Run: .venv/bin/python -m bench.bench_compile
"""

from __future__ import annotations

import gc
import gzip
import json
from functools import partial
from typing import Any

from bench._support import ROBOFLOW_DESCRIBE, measure_ms, report
from blocks.catalog import builtin_specs
from blocks.spec import BlockSpec, CatalogSnapshot
from executor.compiler import CompilerConfig, _compile

CLASSIFIER = "roboflow_core/roboflow_classification_model@v2"


def catalog() -> CatalogSnapshot:
    with gzip.open(ROBOFLOW_DESCRIBE, "rt") as handle:
        payload = json.load(handle)
    specs = {s.type_identifier: s for s in (BlockSpec.from_description(b) for b in payload["blocks"])}
    specs.update({s.type_identifier: s for s in builtin_specs()})
    return CatalogSnapshot.build(list(specs.values()), version="bench")


def one_step() -> dict[str, Any]:
    return {
        "version": "1.0",
        "inputs": [
            {"type": "WorkflowImage", "name": "image"},
            {"type": "WorkflowParameter", "name": "model_id", "default_value": "my-project/3"},
            {"type": "WorkflowParameter", "name": "confidence", "default_value": 0.4},
        ],
        "steps": [
            {
                "type": CLASSIFIER,
                "name": "classifier",
                "images": "$inputs.image",
                "model_id": "$inputs.model_id",
                "confidence": "$inputs.confidence",
            }
        ],
        "outputs": [{"type": "JsonField", "name": "predictions", "selector": "$steps.classifier.predictions"}],
    }


def chain(length: int = 500) -> dict[str, Any]:
    definition = one_step()
    previous = "$steps.classifier.predictions"
    for index in range(length):
        definition["steps"].append(
            {
                "type": "roboflow_core/property_definition@v1",
                "name": f"p{index}",
                "data": previous,
                "operations": [{"type": "ClassificationPropertyExtract", "property_name": "top_class"}],
            }
        )
        previous = f"$steps.p{index}.output"
    return definition


def fan_out(width: int = 500) -> dict[str, Any]:
    definition = one_step()
    for index in range(width):
        definition["steps"].append(
            {"type": CLASSIFIER, "name": f"c{index}", "images": "$inputs.image", "model_id": "my-project/3"}
        )
    return definition


def main() -> None:
    snapshot = catalog()
    gc.freeze()  # as the server does once its catalog is loaded (registry.selectors.catalog)
    config = CompilerConfig()
    for label, definition, target, roboflow in (
        ("compile, 1 classification step", one_step(), "<= 1", "17.4 ms"),
        ("compile, +500 steps in a chain", chain(), "<= 15", "58 ms"),
        ("compile, +500 steps in a fan-out", fan_out(), "<= 15", "74 ms"),
    ):
        result = _compile(definition, snapshot, config, "")
        assert result.valid, result.errors[:3]
        # `_compile` skips the cache: every repetition is a full, uncached compilation.
        report(
            label, measure_ms(partial(_compile, definition, snapshot, config, ""), repeat=30), "ms", target, roboflow
        )


if __name__ == "__main__":
    main()
