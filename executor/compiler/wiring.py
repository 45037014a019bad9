"""Stages 4 to 7: references, kinds, the graph (cycles), batch and dimensionality, then the plan."""

from __future__ import annotations

from collections.abc import Mapping
from graphlib import CycleError, TopologicalSorter
from types import MappingProxyType

from blocks.connections import STEP_COMPATIBLE_ELEMENTS, kinds_compatible
from blocks.errors import ErrorCode
from blocks.selectors import INPUTS_PREFIX
from blocks.spec import PropertySpec
from executor.compiler.issues import IssueList, pointer, suggest
from executor.compiler.parse import ParsedDefinition
from executor.compiler.steps import ResolvedStep
from executor.plan import Binding, ExecutionPlan, InputPlan, StepPlan

INPUT_ELEMENTS = frozenset({"any_data", "workflow_parameter", "workflow_image", "workflow_video_metadata"})


def _expected_kinds(prop: PropertySpec, from_input: bool) -> tuple[str, ...] | None:
    # Step outputs may feed `batch` references too: Roboflow's connection discovery and the editor's
    # graph (blocks.connections) say so, and the compiler must not refuse a wire they offer.
    allowed = INPUT_ELEMENTS if from_input else STEP_COMPATIBLE_ELEMENTS
    kinds: dict[str, None] = {}
    matched = False
    for ref in prop.references:
        if ref.selected_element in allowed:
            matched = True
            kinds.update(dict.fromkeys(ref.kinds))
    return tuple(kinds) if matched else None


def wire(
    parsed: ParsedDefinition,
    steps: list[ResolvedStep],
    unresolved_names: set[str],
    issues: IssueList,
    also_used: frozenset[str] | set[str] = frozenset(),
) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Check every selector's target and kinds; return data and control predecessors per step.
    Inputs in `also_used` count as used (named by steps that could not be resolved)."""
    inputs = {i.name: i for i in parsed.inputs}
    by_name = {s.raw.name: s for s in steps if s.raw.name}
    all_step_names = set(by_name) | unresolved_names
    used_inputs: set[str] = set(also_used)
    data_preds: dict[str, set[str]] = {s.name: set() for s in steps}
    control_preds: dict[str, set[str]] = {s.name: set() for s in steps}

    for step in steps:
        for binding in step.bindings:
            prop = step.spec.properties[binding.property]
            selector = binding.selector
            fields = {"step": step.raw.name, "property": binding.property, "selector": selector.raw}
            if selector.source == "input":
                target_input = inputs.get(selector.name)
                if target_input is None:
                    issues.error(
                        ErrorCode.UNKNOWN_INPUT,
                        f"`{binding.property}` of step {step.raw.label} refers to `{selector.raw}`, "
                        "but the workflow has no such input.",
                        binding.pointer,
                        suggestions=suggest(selector.name, inputs),
                        **fields,
                    )
                    continue
                used_inputs.add(selector.name)
                _check_kinds(issues, prop, binding, target_input.kinds, True, fields, step.raw.label)
                continue
            target = by_name.get(selector.name)
            if target is None:
                if selector.name not in all_step_names:
                    issues.error(
                        ErrorCode.UNKNOWN_STEP,
                        f"`{binding.property}` of step {step.raw.label} refers to step `{selector.name}`, "
                        "which does not exist.",
                        binding.pointer,
                        suggestions=suggest(selector.name, all_step_names - {step.raw.name}),
                        **fields,
                    )
                continue
            data_preds[step.name].add(target.name)
            if selector.is_wildcard:
                issues.error(
                    ErrorCode.UNKNOWN_OUTPUT,
                    f"`{selector.raw}` (all outputs) can only be used in the workflow's outputs.",
                    binding.pointer,
                    **fields,
                )
                continue
            output = target.spec.output(selector.output or "")
            if output is None:
                issues.error(
                    ErrorCode.UNKNOWN_OUTPUT,
                    f"Step {target.raw.label} ({target.spec.type_identifier}) has no output `{selector.output}`.",
                    binding.pointer,
                    suggestions=suggest(selector.output or "", [o.name for o in target.spec.outputs]),
                    **fields,
                )
                continue
            _check_kinds(issues, prop, binding, output.kinds, False, fields, step.raw.label)
        for property_name, at, text in step.loose_references:
            _wire_loose(issues, step, property_name, at, text, inputs, by_name, all_step_names, control_preds)
            used_inputs.update(name[len(INPUTS_PREFIX) :] for name in [text] if name.startswith(INPUTS_PREFIX))
        for target_name, at in step.flow_targets:
            if target_name not in all_step_names:
                issues.error(
                    ErrorCode.UNKNOWN_STEP,
                    f"Step {step.raw.label} controls step `{target_name}`, which does not exist.",
                    at,
                    step=step.raw.name,
                    selector=f"$steps.{target_name}",
                    suggestions=suggest(target_name, all_step_names),
                )
            elif target_name in control_preds:
                control_preds[target_name].add(step.name)

    for index, out in enumerate(parsed.outputs):
        at = pointer("outputs", index, "selector")
        selector = out.selector
        fields = {"property": out.name, "selector": selector.raw}
        if selector.source == "input":
            if selector.name not in inputs:
                issues.error(
                    ErrorCode.UNKNOWN_INPUT,
                    f"Output `{out.name}` refers to `{selector.raw}`, but the workflow has no such input.",
                    at,
                    suggestions=suggest(selector.name, inputs),
                    **fields,
                )
            used_inputs.add(selector.name)
            continue
        target = by_name.get(selector.name)
        if target is None:
            if selector.name not in all_step_names:
                issues.error(
                    ErrorCode.UNKNOWN_STEP,
                    f"Output `{out.name}` refers to step `{selector.name}`, which does not exist.",
                    at,
                    suggestions=suggest(selector.name, all_step_names),
                    **fields,
                )
            continue
        if not selector.is_wildcard and target.spec.output(selector.output or "") is None:
            issues.error(
                ErrorCode.UNKNOWN_OUTPUT,
                f"Output `{out.name}` refers to `{selector.raw}`, but step {target.raw.label} has no output "
                f"`{selector.output}`.",
                at,
                suggestions=suggest(selector.output or "", [o.name for o in target.spec.outputs]),
                **fields,
            )

    for index, item in enumerate(parsed.inputs):
        if item.name not in used_inputs:
            issues.warning(
                ErrorCode.UNUSED_INPUT,
                f"Input `{item.name}` is not used by any step or output.",
                pointer("inputs", index),
                property=item.name,
            )
    return data_preds, control_preds


def _wire_loose(
    issues: IssueList,
    step: ResolvedStep,
    property_name: str,
    at: str,
    text: str,
    inputs: Mapping[str, InputPlan],
    by_name: Mapping[str, ResolvedStep],
    all_step_names: set[str],
    control_preds: dict[str, set[str]],
) -> None:
    """A `$` text that is no selector of ours, resolved as Roboflow's graph stage does: by the node
    its first two parts name, then as a step, an input or a step output."""
    fields = {"step": step.raw.name, "property": property_name, "selector": text}
    parts = text.split(".")
    source, name = parts[0], parts[1] if len(parts) > 1 else ""
    known = (source == "$inputs" and name in inputs) or (source == "$steps" and name in all_step_names)
    if not known:
        code = ErrorCode.UNKNOWN_INPUT if text.startswith("$inputs") else ErrorCode.UNKNOWN_STEP
        message = f"`{property_name}` of step {step.raw.label} refers to `{text}`: no such input or step."
        issues.error(code, message, at, **fields)
        return
    prop = step.spec.properties[property_name]
    if source == "$steps" and len(parts) == 2:
        if prop.takes_step_selector:
            if name in control_preds:
                control_preds[name].add(step.name)
        else:
            issues.error(
                ErrorCode.NOT_FLOW_CONTROL,
                f"`{property_name}` of step {step.raw.label} takes data, not the step `{text}` itself.",
                at,
                **fields,
            )
        return
    if source == "$inputs":
        actual = inputs[name].kinds
    else:
        target = by_name.get(name)
        output = target.spec.output(parts[-1]) if target else None
        if output is None:
            issues.error(
                ErrorCode.UNKNOWN_OUTPUT,
                f"`{property_name}` of step {step.raw.label} refers to `{text}`, but step `{name}` has no output "
                f"`{parts[-1]}`.",
                at,
                **fields,
            )
            return
        actual = output.kinds
    # A step selector (flow control) carries no data, so it accepts no kind.
    expected = tuple(dict.fromkeys(k for ref in prop.references if ref.selected_element != "step" for k in ref.kinds))
    if not kinds_compatible(actual, expected):
        issues.error(
            ErrorCode.KIND_MISMATCH,
            f"`{property_name}` of step {step.raw.label} accepts {_names(expected)}, but `{text}` is {_names(actual)}.",
            at,
            details={"expected_kinds": list(expected), "actual_kinds": list(actual)},
            **fields,
        )


def _check_kinds(
    issues: IssueList,
    prop: PropertySpec,
    binding: Binding,
    actual: tuple[str, ...],
    from_input: bool,
    fields: dict[str, str | None],
    step_label: str,
) -> None:
    expected = _expected_kinds(prop, from_input)
    if expected is None:
        source = "workflow inputs" if from_input else "step outputs"
        issues.error(
            ErrorCode.INVALID_SELECTOR,
            f"`{binding.property}` of step {step_label} does not accept {source}.",
            binding.pointer,
            **fields,
        )
        return
    if not kinds_compatible(actual, expected):
        issues.error(
            ErrorCode.KIND_MISMATCH,
            f"`{binding.property}` of step {step_label} accepts {_names(expected)}, but "
            f"`{binding.selector.raw}` is {_names(actual)}.",
            binding.pointer,
            details={"expected_kinds": list(expected), "actual_kinds": list(actual)},
            **fields,
        )


def _names(kinds: tuple[str, ...]) -> str:
    return " or ".join(f"`{kind}`" for kind in kinds) or "of no kind"


def order_steps(
    steps: list[ResolvedStep], data_preds: dict[str, set[str]], control_preds: dict[str, set[str]], issues: IssueList
) -> list[str] | None:
    """A topological order; None, with a `cycle` error naming the steps of one cycle, when there is none."""
    predecessors = {name: data_preds[name] | control_preds[name] for name in data_preds}
    try:
        return list(TopologicalSorter(predecessors).static_order())
    except CycleError as exc:
        stuck = sorted(set(exc.args[1]))
    first = next(s for s in steps if s.name == stuck[0])
    issues.error(
        ErrorCode.CYCLE,
        f"Steps {', '.join(f'`{n}`' for n in stuck)} depend on each other in a cycle.",
        pointer("steps", first.raw.index),
        step=first.raw.name,
        details={"steps": stuck},
    )
    return None


def _check_offsets(step: ResolvedStep, dims: dict[str, int], issues: IssueList) -> None:
    """A block that declares input offsets expects each batch input at the reference property's
    dimensionality plus the difference of their offsets; the first that is not, is reported."""
    offsets = step.spec.input_dimensionality_offsets
    reference = step.spec.dimensionality_reference_property or ""
    for property_name, actual in dims.items():
        expected = offsets.get(property_name, 0) - offsets.get(reference, 0) + dims[reference]
        if actual != expected:
            issues.error(
                ErrorCode.DIMENSIONALITY,
                f"`{property_name}` of step {step.raw.label} gets data nested {actual} deep where the block "
                f"expects {expected} (one level deeper than `{reference}` for each level of offset).",
                pointer("steps", step.raw.index, property_name),
                step=step.raw.name,
                property=property_name,
                details={"dimensionalities": [actual, expected]},
            )
            return


def plan_steps(
    parsed: ParsedDefinition,
    steps: list[ResolvedStep],
    order: list[str],
    data_preds: dict[str, set[str]],
    control_preds: dict[str, set[str]],
    issues: IssueList,
) -> tuple[dict[str, StepPlan], tuple[tuple[str, ...], ...]]:
    """Batch and dimensionality rules (spec 5.3), then layers by longest distance from the inputs."""
    inputs: Mapping[str, InputPlan] = {i.name: i for i in parsed.inputs}
    by_name = {s.name: s for s in steps}
    dimensionality: dict[str, int] = {}
    layer: dict[str, int] = {}
    plans: dict[str, StepPlan] = {}
    for name in order:
        step = by_name[name]
        batch_properties = step.spec.batch_properties
        input_dims: list[int] = []
        dims_by_property: dict[str, int] = {}
        for binding in step.bindings:
            selector = binding.selector
            if selector.source == "input":
                source = inputs.get(selector.name)
                dim = source.dimensionality if source else 0
            else:
                dim = dimensionality.get(selector.name, 0)
            if dim > 0:
                input_dims.append(dim)
                dims_by_property.setdefault(binding.property, dim)
                if batch_properties and binding.property not in batch_properties:
                    issues.error(
                        ErrorCode.BATCH_INTO_SCALAR,
                        f"`{binding.property}` of step {step.raw.label} takes one value for the whole batch, "
                        f"but `{selector.raw}` gives one value per image.",
                        binding.pointer,
                        step=step.raw.name,
                        property=binding.property,
                        selector=selector.raw,
                    )
        reference = step.spec.dimensionality_reference_property
        if reference in dims_by_property:
            _check_offsets(step, dims_by_property, issues)
        elif input_dims and max(input_dims) - min(input_dims) > 1:
            issues.error(
                ErrorCode.DIMENSIONALITY,
                f"Inputs of step {step.raw.label} come at nesting levels that differ by more than one "
                f"({', '.join(map(str, sorted(set(input_dims))))}).",
                pointer("steps", step.raw.index),
                step=step.raw.name,
                details={"dimensionalities": sorted(set(input_dims))},
            )
        if reference in dims_by_property:
            own = dims_by_property[reference] + step.spec.output_dimensionality_offset
        elif input_dims:
            own = max(input_dims) + step.spec.output_dimensionality_offset
        else:
            # A step fed only by flow control takes its controller's lineage (EE 1.8).
            own = max((dimensionality.get(c, 0) for c in control_preds[name]), default=0)
        dimensionality[name] = max(own, 0)
        preds = data_preds[name] | control_preds[name]
        layer[name] = 1 + max((layer[p] for p in preds), default=-1)
        plans[name] = StepPlan(
            name=name,
            index=step.raw.index,
            spec=step.spec,
            literals=MappingProxyType(step.literals),
            bindings=tuple(step.bindings),
            flow_targets=tuple(target for target, _ in step.flow_targets),
            data_predecessors=frozenset(data_preds[name]),
            control_predecessors=frozenset(control_preds[name]),
            dimensionality=dimensionality[name],
        )
    depth = max(layer.values(), default=-1) + 1
    layers: list[list[str]] = [[] for _ in range(depth)]
    for step in steps:
        layers[layer[step.name]].append(step.name)
    return plans, tuple(tuple(names) for names in layers)


__all__ = ["ExecutionPlan", "kinds_compatible", "order_steps", "plan_steps", "wire"]
