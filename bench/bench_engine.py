"""Engine overhead, with a model port that answers at once (so only the engine is measured).

Per step per image: a classification step and 200 property-definition steps, batch of 16 images.
Per run: one classification step, one image. Fan-out: 201 classification steps in one layer (the
concurrent path), and 8 steps whose model takes 20 ms, against the 160 ms they would take in turn.
Run: .venv/bin/python -m bench.bench_engine
"""

from __future__ import annotations

import gc
import time
from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np

from bench._support import measure_ms, report
from bench.bench_compile import catalog, one_step
from blocks.images import WorkflowImage
from blocks.ports import ClassificationRequest, ModelError
from executor.compiler import compile_workflow
from executor.engine import RunContext, run_plan
from tests.executor.conftest import fan_out_workflow

MODEL_LATENCY_S = 0.02
RESPONSE = {
    "inference_id": "x",
    "image": {"width": 8, "height": 8},
    "predictions": [{"class": "a", "class_id": 0, "confidence": 0.9}],
    "top": "a",
    "confidence": 0.9,
}


class InstantModel:
    def classify(
        self, request: ClassificationRequest, images: Sequence[WorkflowImage]
    ) -> list[dict[str, Any] | ModelError]:
        return [dict(RESPONSE) for _ in images]


class SlowModel(InstantModel):
    """Answers after a fixed delay, as a model server would: shows whether steps wait on each other."""

    def __init__(self, latency_s: float) -> None:
        self.latency_s = latency_s

    def classify(
        self, request: ClassificationRequest, images: Sequence[WorkflowImage]
    ) -> list[dict[str, Any] | ModelError]:
        time.sleep(self.latency_s)
        return super().classify(request, images)


def images(count: int) -> list[WorkflowImage]:
    pixels = np.zeros((8, 8, 3), dtype=np.uint8)
    return [WorkflowImage(pixels=pixels, parent_id=f"image.[{i}]", root_parent_id=f"image.[{i}]") for i in range(count)]


def chain(length: int) -> dict[str, Any]:
    """A classification, its top class, then string operations, each step fed by the one before."""
    definition = one_step()
    previous = "$steps.classifier.predictions"
    for index in range(length):
        operation = (
            {"type": "ClassificationPropertyExtract", "property_name": "top_class"}
            if index == 0
            else {"type": "StringToUpperCase"}
        )
        definition["steps"].append(
            {
                "type": "roboflow_core/property_definition@v1",
                "name": f"p{index}",
                "data": previous,
                "operations": [operation],
            }
        )
        previous = f"$steps.p{index}.output"
    definition["outputs"].append({"type": "JsonField", "name": "last", "selector": previous})
    return definition


def main() -> None:
    snapshot = catalog()
    gc.freeze()
    context = RunContext(model_port=InstantModel())
    steps = 200
    long_plan = compile_workflow(chain(steps), snapshot).plan
    short_plan = compile_workflow(one_step(), snapshot).plan
    assert long_plan is not None and short_plan is not None
    batch = {"image": images(16), "model_id": "m/1", "confidence": 0.4}
    check = run_plan(long_plan, batch, context)
    assert check.succeeded and len(check.outputs) == 16, check.errors[:2]
    ms = measure_ms(partial(run_plan, long_plan, batch, context), repeat=20)
    per_step_image_us = ms * 1000 / ((steps + 1) * 16)
    report("engine overhead per step per image, batch 16", per_step_image_us, "us", "<= 5", timed=False)
    single = {"image": images(1)[0], "model_id": "m/1", "confidence": 0.4}
    report(
        "engine overhead per run, one image", measure_ms(partial(run_plan, short_plan, single, context)), "ms", "<= 0.5"
    )
    # Fan-out: every classification step sits in one layer, so the engine runs them side by side.
    wide = compile_workflow(fan_out_workflow(200), snapshot).plan
    assert wide is not None
    ms = measure_ms(partial(run_plan, wide, batch, context), repeat=10)
    report("fan-out, 201 model steps in one layer, batch 16: per step per image", ms * 1000 / (201 * 16), "us", "<= 5")
    slow = RunContext(model_port=SlowModel(MODEL_LATENCY_S), max_concurrent_steps=8)
    eight = compile_workflow(fan_out_workflow(7), snapshot).plan
    assert eight is not None
    ms = measure_ms(partial(run_plan, eight, single, slow), repeat=10)
    sequential_ms = 8 * MODEL_LATENCY_S * 1000
    report(
        f"fan-out, 8 model steps of {MODEL_LATENCY_S * 1000:.0f} ms each: x one after the other",
        ms / sequential_ms,
        "x",
        "<= 0.25",
        timed=False,
    )


if __name__ == "__main__":
    main()
