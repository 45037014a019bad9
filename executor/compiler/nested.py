"""Compiling a workflow that contains workflows: expand, compile the flat result, then speak of the
steps as the author wrote them.

The flat workflow is compiled like any other (and cached by its content). Its findings are then
moved back where they are in the definition (`executor.compiler.nesting.Origin`), nested steps are
named `outer/inner`, a value a binding put into a child step is reported at that binding, a parent's
reference to an output its composite does not have is an `unknown_output`, and references to a
composite that could not be expanded are left unsaid (its own problem is reported). The plan's steps
are renamed the same way, so results, timings and errors of a run name `outer/inner` too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from functools import partial
from types import MappingProxyType
from typing import Any

from blocks.errors import ErrorCode
from blocks.spec import CatalogSnapshot
from executor.compiler.issues import WorkflowIssue, pointer_parts, suggest
from executor.compiler.nesting import ChildResolver, Expansion, Origin, expand
from executor.plan import Binding, ExecutionPlan, OutputPlan, Selector, StepPlan

_STEP_REFERENCE = re.compile(r"\$steps\.([A-Za-z_\-0-9]+)")


@dataclass(frozen=True, slots=True)
class NestedView:
    """What Roboflow would have compiled: the flat definition and its findings, plus the findings
    about composition that come before it."""

    flat_definition: Mapping[str, Any]
    flat_errors: tuple[WorkflowIssue, ...]
    composition_errors: tuple[WorkflowIssue, ...]
    origins: tuple[Origin, ...] = ()


@dataclass(frozen=True, slots=True)
class NestedCompilation:
    errors: tuple[WorkflowIssue, ...]
    warnings: tuple[WorkflowIssue, ...]
    # Builds the plan named as written (`outer/inner`); None when there are errors.
    plan: Callable[[], ExecutionPlan] | None
    view: NestedView


FlatCompile = Callable[[dict[str, Any]], Any]  # -> CompilationResult (typed loosely: no import cycle)


def compile_nested(
    definition: Mapping[str, Any],
    catalog: CatalogSnapshot,
    resolver: ChildResolver | None,
    compile_flat: FlatCompile,
    *,
    max_depth: int,
    max_count: int,
    max_steps: int,
) -> NestedCompilation:
    expansion = expand(definition, catalog, resolver, max_depth=max_depth, max_count=max_count, max_steps=max_steps)
    flat = compile_flat(expansion.definition)
    mapper = _IssueMapper(expansion)
    errors = [*expansion.issues.errors, *mapper.map_all(flat.errors)]
    warnings = [*expansion.issues.warnings, *mapper.map_all(flat.warnings)]
    plan = None
    if not errors and flat.plan is not None:
        plan = partial(_renamed, flat.plan, mapper.display, expansion.composites)
    view = NestedView(
        expansion.definition, tuple(flat.errors), tuple(expansion.issues.errors), tuple(expansion.origins)
    )
    return NestedCompilation(tuple(errors), tuple(warnings), plan, view)


class _IssueMapper:
    def __init__(self, expansion: Expansion) -> None:
        self._expansion = expansion
        steps = expansion.definition.get("steps") or []
        self._origins: list[Origin] = expansion.origins
        self.display: dict[str, str] = {
            step["name"]: origin.display
            for step, origin in zip(steps, expansion.origins, strict=True)
            if isinstance(step, Mapping) and isinstance(step.get("name"), str)
        }
        self._renamed_sorted: list[tuple[str, str]] | None = None
        self._left_out_inputs = expansion.left_out_inputs

    def map_all(self, issues: tuple[WorkflowIssue, ...] | list[WorkflowIssue]) -> list[WorkflowIssue]:
        mapped = (self._map(issue) for issue in issues)
        return [issue for issue in mapped if issue is not None]

    def _map(self, issue: WorkflowIssue) -> WorkflowIssue | None:
        parts = pointer_parts(issue.pointer)
        origin: Origin | None = None
        pointer = issue.pointer
        if len(parts) >= 2 and parts[0] == "steps" and parts[1].isdigit() and int(parts[1]) < len(self._origins):
            origin = self._origins[int(parts[1])]
            rest = "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts[2:])
            pointer = origin.pointer + rest
            binding = _bound_at(origin, rest)
            if binding is not None:
                code = ErrorCode.BINDING_KIND_MISMATCH if issue.code == ErrorCode.KIND_MISMATCH else issue.code
                details = {**issue.details, "child_pointer": pointer}
                issue = replace(issue, code=code, details=MappingProxyType(details))
                pointer = binding
        target = _target(issue)
        if target is not None and issue.code in (ErrorCode.UNKNOWN_STEP, ErrorCode.INVALID_SELECTOR):
            path = _sibling_path(origin, target)
            if path in self._expansion.left_out:
                return None
            if path in self._expansion.outputs_of and issue.code == ErrorCode.UNKNOWN_STEP:
                return self._missing_output(issue, pointer, path)
        if issue.code == ErrorCode.UNUSED_INPUT and issue.property in self._left_out_inputs:
            return None
        return replace(
            issue,
            pointer=pointer,
            step=self.display.get(issue.step, issue.step) if issue.step else issue.step,
            message=self._shown(issue.message),
            selector=self._shown(issue.selector) if issue.selector else issue.selector,
        )

    def _missing_output(self, issue: WorkflowIssue, pointer: str, path: str) -> WorkflowIssue:
        outputs = self._expansion.outputs_of[path]
        wanted = (issue.selector or "").split(".")[2] if (issue.selector or "").count(".") >= 2 else ""
        return replace(
            issue,
            code=ErrorCode.UNKNOWN_OUTPUT,
            pointer=pointer,
            step=self.display.get(issue.step, issue.step) if issue.step else issue.step,
            message=f"`{issue.selector}` names no output of the inner workflow `{path}`; its outputs are "
            f"{', '.join(f'`{o}`' for o in outputs) or 'none'}.",
            suggestions=suggest(wanted, outputs),
        )

    @property
    def _renamed(self) -> list[tuple[str, str]]:
        """Flat names that differ from what they are shown as, longest first for text replacement
        (sorted when an issue first needs them: most compilations have none)."""
        if self._renamed_sorted is None:
            renamed = ((flat, shown) for flat, shown in self.display.items() if flat != shown)
            self._renamed_sorted = sorted(renamed, key=lambda p: -len(p[0]))
        return self._renamed_sorted

    def _shown(self, text: str) -> str:
        for flat, shown in self._renamed:
            if flat in text:
                text = text.replace(f"`{flat}`", f"`{shown}`").replace(f"$steps.{flat}", f"$steps.{shown}")
        return text


def _bound_at(origin: Origin, rest: str) -> str | None:
    """The binding whose value sits at `rest` in the step (or encloses it)."""
    while True:
        if rest in origin.bound:
            return origin.bound[rest]
        if not rest:
            return None
        rest = rest.rsplit("/", 1)[0]


def _target(issue: WorkflowIssue) -> str | None:
    match = _STEP_REFERENCE.match(issue.selector or "")
    return match.group(1) if match else None


def _sibling_path(origin: Origin | None, name: str) -> str:
    """The display path of a step named `name` at the level of the step an issue is about."""
    if origin is None or "/" not in origin.display:
        return name
    return origin.display.rsplit("/", 1)[0] + "/" + name


def _renamed(plan: ExecutionPlan, display: Mapping[str, str], composites: Mapping[str, Any]) -> ExecutionPlan:
    shown_names = {flat: flat for flat in plan.steps} | dict(display)
    name = shown_names.__getitem__

    # By the raw text, which names one step selector (and hashes faster than the dataclass).
    renamed_selectors: dict[str, Selector] = {}

    def selector(s: Selector) -> Selector:
        if s.source != "step" or s.name not in changed:
            return s
        found = renamed_selectors.get(s.raw)
        if found is None:
            shown = display[s.name]
            found = renamed_selectors[s.raw] = Selector(_shown_selector(s, shown), s.source, shown, s.output)
        return found

    def bindings(step: StepPlan) -> tuple[Binding, ...]:
        if changed.isdisjoint(step.data_predecessors):
            return step.bindings
        return tuple(
            [
                Binding(b.property, selector(b.selector), b.key, b.pointer) if b.selector.name in changed else b
                for b in step.bindings
            ]
        )

    changed = {flat for flat, shown in display.items() if flat != shown}

    def untouched(step: StepPlan) -> bool:
        return (
            step.name not in changed
            and changed.isdisjoint(step.data_predecessors)
            and changed.isdisjoint(step.control_predecessors)
            and changed.isdisjoint(step.flow_targets)
        )

    steps = {
        name(flat): step
        if untouched(step)
        else StepPlan(
            name=name(flat),
            index=step.index,
            spec=step.spec,
            literals=step.literals,
            bindings=bindings(step),
            flow_targets=tuple(map(name, step.flow_targets)),
            data_predecessors=frozenset(map(name, step.data_predecessors)),
            control_predecessors=frozenset(map(name, step.control_predecessors)),
            dimensionality=step.dimensionality,
        )
        for flat, step in plan.steps.items()
    }
    return replace(
        plan,
        steps=MappingProxyType(steps),
        layers=tuple(tuple(name(n) for n in layer) for layer in plan.layers),
        outputs=tuple(OutputPlan(o.name, selector(o.selector)) for o in plan.outputs),
        composites=MappingProxyType(dict(composites)),
    )


def _shown_selector(selector: Selector, shown: str) -> str:
    return f"$steps.{shown}" + (f".{selector.output}" if selector.output is not None else "")


__all__ = ["NestedCompilation", "NestedView", "compile_nested"]
