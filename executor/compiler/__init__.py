"""The workflow compiler: definition -> every problem found, or an execution plan.

Stages run in order (parse, names, step manifests, references and kinds, graph, batch and
dimensionality, plan); each reports all the independent problems it finds, and a later stage runs
whenever what it needs is sound, so one pass reports as much as it can. Nothing is cached here: the
registry keeps compiled results by the catalog it serves (registry.selectors.workflows).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import Any

from blocks.spec import CatalogSnapshot
from executor.compiler.issues import IssueList, WorkflowIssue
from executor.compiler.nested import NestedView, compile_nested
from executor.compiler.nesting import ChildResolver, has_composites
from executor.compiler.parse import parse_definition
from executor.compiler.steps import inputs_named_in, resolve_steps
from executor.compiler.wiring import order_steps, plan_steps, wire
from executor.plan import ExecutionPlan

__all__ = [
    "ChildResolver",
    "CompilationResult",
    "CompilerConfig",
    "WorkflowIssue",
    "compile_workflow",
    "definition_hash",
]


@dataclass(frozen=True, slots=True)
class CompilerConfig:
    max_steps: int = 1000
    # Inner workflows: how deep they may nest and how many a workflow may hold, nested ones counted.
    max_nesting_depth: int = 4
    max_inner_workflows: int = 32


@dataclass(frozen=True)
class CompilationResult:
    errors: tuple[WorkflowIssue, ...]
    warnings: tuple[WorkflowIssue, ...]
    # The plan, or (a workflow with inner workflows) what builds it: a validate never needs the plan
    # named as written, so it is built on first use (a run, a save), once.
    plan_or_builder: ExecutionPlan | Callable[[], ExecutionPlan | None] | None
    # For a workflow with inner workflows: the flat workflow Roboflow would compile, and its findings.
    nested: NestedView | None = None

    @property
    def valid(self) -> bool:
        return not self.errors

    @cached_property
    def plan(self) -> ExecutionPlan | None:
        # Threads sharing a cached result may both build it: the same plan, and either one is kept.
        source = self.plan_or_builder
        return source() if callable(source) else source


def definition_hash(definition: object) -> str | None:
    """sha256 of the canonical JSON; None for values JSON cannot hold (then nothing is cached)."""
    try:
        canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def compile_workflow(
    definition: object,
    catalog: CatalogSnapshot,
    config: CompilerConfig = CompilerConfig(),
    *,
    digest: str | None = None,
    children: ChildResolver | None = None,
) -> CompilationResult:
    """Compile a definition. `digest` is its `definition_hash`, when the caller has it already;
    `children` finds the saved workflows that inner workflow steps name. Nothing is cached here: the
    registry keeps compiled workflows (registry.selectors.workflows)."""
    if digest is None:
        digest = definition_hash(definition) or ""
    if has_composites(definition, catalog):
        return _compile_nested(definition, catalog, config, children, digest)  # type: ignore[arg-type]
    return _compile(definition, catalog, config, digest)


def _compile_nested(
    definition: Mapping[str, Any],
    catalog: CatalogSnapshot,
    config: CompilerConfig,
    children: ChildResolver | None,
    digest: str,
) -> CompilationResult:
    # The plan is named by the definition as written (its steps are shown as `outer/inner`), not by
    # the flat one: hashing the flat definition again cost a tenth of a nested compile.
    nested = compile_nested(
        definition,
        catalog,
        children,
        lambda flat: _compile(flat, catalog, config, digest),
        max_depth=config.max_nesting_depth,
        max_count=config.max_inner_workflows,
        max_steps=config.max_steps,
    )
    return CompilationResult(nested.errors, nested.warnings, nested.plan, nested.view)


def _compile(definition: object, catalog: CatalogSnapshot, config: CompilerConfig, digest: str) -> CompilationResult:
    issues = IssueList()
    parsed = parse_definition(definition, issues, max_steps=config.max_steps)
    if parsed is None:
        return CompilationResult(tuple(issues.errors), tuple(issues.warnings), None)
    steps = resolve_steps(parsed.steps, catalog, issues)
    resolved_names = {s.raw.name for s in steps}
    unresolved = {s.name for s in parsed.steps if s.name and s.name not in resolved_names}
    # Duplicated names make references ambiguous: wire only the first of each name.
    seen: set[str] = set()
    unique_steps = []
    for step in steps:
        if step.raw.name and step.raw.name in seen:
            continue
        seen.add(step.name)
        unique_steps.append(step)
    # Inputs that steps without a block version name are used, whatever those steps turn out to be.
    resolved_indices = {s.raw.index for s in steps}
    named = {name for s in parsed.steps if s.index not in resolved_indices for name in inputs_named_in(s.body)}
    data_preds, control_preds = wire(parsed, unique_steps, unresolved, issues, also_used=named)
    order = order_steps(unique_steps, data_preds, control_preds, issues)
    if order is None:
        return CompilationResult(tuple(issues.errors), tuple(issues.warnings), None)
    step_plans, layers = plan_steps(parsed, unique_steps, order, data_preds, control_preds, issues)
    if issues.errors:
        return CompilationResult(tuple(issues.errors), tuple(issues.warnings), None)
    plan = ExecutionPlan(
        definition_hash=digest,
        inputs=parsed.inputs,
        steps=MappingProxyType(step_plans),
        layers=layers,
        outputs=parsed.outputs,
    )
    return CompilationResult((), tuple(issues.warnings), plan)
