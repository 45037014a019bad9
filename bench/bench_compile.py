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
from blocks.spec import CatalogSnapshot
from executor.compiler import CompilerConfig, _compile
from tests.executor.conftest import chain_workflow, classification_workflow, fan_out_workflow
from tests.support.catalogs import payload_catalog


def catalog() -> CatalogSnapshot:
    with gzip.open(ROBOFLOW_DESCRIBE, "rt") as handle:
        return payload_catalog(json.load(handle), version="bench")


def one_step() -> dict[str, Any]:
    definition = classification_workflow()
    definition["outputs"] = definition["outputs"][:1]
    return definition


def chain(length: int = 500) -> dict[str, Any]:
    return chain_workflow(length)


def fan_out(width: int = 500) -> dict[str, Any]:
    return fan_out_workflow(width)


def main() -> None:
    snapshot = catalog()
    gc.freeze()  # as the server does once its catalog is loaded (registry.selectors.catalog)
    config = CompilerConfig()
    for label, definition, target in (
        ("compile, 1 classification step", one_step(), "<= 1"),
        ("compile, +500 steps in a chain", chain(), "<= 15"),
        ("compile, +500 steps in a fan-out", fan_out(), "<= 15"),
    ):
        result = _compile(definition, snapshot, config, "")
        assert result.valid, result.errors[:3]
        # `_compile` skips the cache: every repetition is a full, uncached compilation.
        report(label, measure_ms(partial(_compile, definition, snapshot, config, ""), repeat=30), "ms", target)


if __name__ == "__main__":
    main()
