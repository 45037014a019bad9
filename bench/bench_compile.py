"""Uncached compile time: 1 classification step, +500 chained steps, +500 fanned-out steps; and a
50-step workflow whose 10 inner workflow steps name saved children of 20 steps each, beside the same
240 steps written inline (target: within 1.5x).

Run: .venv/bin/python -m bench.bench_compile
With valgrind installed, `--instructions` adds both validates' instruction counts (callgrind), which
the other processes on a shared machine do not move at all.
"""

from __future__ import annotations

import functools
import gc
import gzip
import json
import re
import shutil
import subprocess
import sys
import time
from functools import partial
from typing import Any

from bench._support import ROBOFLOW_DESCRIBE, last_best, measure_ms, report
from blocks.spec import CatalogSnapshot
from executor.compiler import CompilerConfig, _compile, compile_workflow
from executor.compiler.nesting import expand
from tests.conftest import load_roboflow_describe
from tests.executor.conftest import chain_workflow, classification_workflow, fan_out_workflow
from tests.executor.nested_builders import SavedWorkflows, inner_step
from tests.support.catalogs import payload_catalog


def catalog() -> CatalogSnapshot:
    if not ROBOFLOW_DESCRIBE.is_file():
        # A checkout without ../shared/ (a worktree): the payload the test suite uses.
        return payload_catalog(load_roboflow_describe(), version="bench")
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


def child_of_20() -> dict[str, Any]:
    """Classify, then 19 steps that each read the step before."""
    child = chain_workflow(19)
    child["inputs"][1] = {"type": "WorkflowParameter", "name": "model_id"}
    child["outputs"] = [{"type": "JsonField", "name": "top", "selector": "$steps.p18.output"}]
    return child


def with_references(children: int = 10, own_steps: int = 40) -> tuple[dict[str, Any], SavedWorkflows]:
    """40 steps of its own (a classifier and a chain), then 10 inner workflow steps, one per saved child."""
    parent = chain_workflow(own_steps - 1)
    parent["steps"] += [
        inner_step(
            f"child{n}",
            workflow_workspace_id="bench",
            workflow_id=str(n),
            bindings={"image": "$inputs.image", "model_id": "$inputs.model_id"},
        )
        for n in range(children)
    ]
    parent["outputs"] = [
        {"type": "JsonField", "name": f"top{n}", "selector": f"$steps.child{n}.top"} for n in range(children)
    ]
    return parent, SavedWorkflows({str(n): child_of_20() for n in range(children)})


def compare_references(snapshot: CatalogSnapshot, config: CompilerConfig) -> None:
    parent, inline, saved = _references_and_inline(snapshot)
    assert len(parent["steps"]) == 50
    # The same steps written inline: the 240-step workflow the references stand for.
    assert len(inline["steps"]) == 240
    for definition in (parent, inline):
        result = compile_workflow(definition, snapshot, config, children=saved)
        assert result.valid, [e.as_dict() for e in result.errors[:3]]
    # Both in the CPU time of this thread, which other processes on a shared machine disturb less
    # than wall time (the figures above are wall time).
    cpu = time.thread_time
    inline_ms = measure_ms(partial(compile_workflow, inline, snapshot, config), repeat=40, clock=cpu)
    inline_best = last_best()
    report("validate, 240 steps written inline (CPU)", inline_ms, "ms", "(reference)")
    nested_ms = measure_ms(partial(compile_workflow, parent, snapshot, config, children=saved), repeat=40, clock=cpu)
    nested_best = last_best()
    report("validate, 50 steps, 10 references x 20 steps (CPU)", nested_ms, "ms", f"<= {1.5 * inline_ms:.2f}")
    report("  ratio of medians (references / inline)", nested_ms / inline_ms, "x", "<= 1.5", timed=False)
    report("  ratio of best runs (references / inline)", nested_best / inline_best, "x", "<= 1.5", timed=False)


def _references_and_inline(snapshot: CatalogSnapshot) -> tuple[dict[str, Any], dict[str, Any], SavedWorkflows]:
    parent, saved = with_references()
    inline = expand(parent, snapshot, saved, max_depth=4, max_count=32, max_steps=1000).definition
    return parent, inline, saved


def count_instructions() -> None:
    """Instructions of one validate of each, counted by callgrind in a process of its own."""
    if shutil.which("valgrind") is None:
        print("instruction counts: valgrind is not installed", flush=True)
        return
    counts = {}
    for which in ("inline", "references"):
        # Collected only inside functools.reduce, which runs nothing but the validates.
        command = [
            "valgrind",
            "--tool=callgrind",
            "--toggle-collect=functools_reduce",
            "--callgrind-out-file=/dev/null",
        ]
        command += [sys.executable, "-m", "bench.bench_compile", "--count-one", which]
        finished = subprocess.run(command, capture_output=True, text=True, check=True)
        collected = re.search(r"Collected : (\d+)", finished.stderr)
        assert collected is not None, finished.stderr[-2000:]
        counts[which] = int(collected.group(1)) / _COUNTED_RUNS / 1e6
    report("validate, 240 steps written inline (instructions)", counts["inline"], "M", "(reference)", timed=False)
    report("validate, 50 steps, 10 references (instructions)", counts["references"], "M", "", timed=False)
    report("  ratio (references / inline)", counts["references"] / counts["inline"], "x", "<= 1.5", timed=False)


_COUNTED_RUNS = 3


def _count_one(which: str) -> None:
    """Run under callgrind by `count_instructions`: warm up, then validate inside functools.reduce."""
    snapshot = catalog()
    gc.freeze()
    config = CompilerConfig()
    parent, inline, saved = _references_and_inline(snapshot)
    definition = inline if which == "inline" else parent
    validate = partial(compile_workflow, definition, snapshot, config, children=saved)
    validate(), validate()
    functools.reduce(lambda _, __: validate(), range(_COUNTED_RUNS), None)


def main() -> None:
    if sys.argv[1:2] == ["--count-one"]:
        _count_one(sys.argv[2])
        return
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
    compare_references(snapshot, config)
    if "--instructions" in sys.argv[1:]:
        count_instructions()


if __name__ == "__main__":
    main()
