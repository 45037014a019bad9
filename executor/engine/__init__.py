"""The engine: runs a compiled plan over a batch of inputs.

Steps run layer by layer (a layer's steps concurrently); a step that takes batches is called once
with the whole batch, any other once per element. Each input element gets its own result dict.
A `continue_if` that does not hold for an element leaves the steps it controls, and everything fed
by them, with null outputs for that element. A failing element or step is recorded and the rest
goes on, so the results of the other images are kept.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from blocks.catalog import BUILTIN_BY_IDENTIFIER
from blocks.errors import DomainError, ErrorCode, InternalError
from blocks.images import WorkflowImage
from blocks.ports import ClassificationModelPort, ModelError
from blocks.runtime import BlockRunContext, BlockRunError, FlowDecision
from executor.compiler.steps import check_literal
from executor.engine.step_results import step_results
from executor.images import ImageError
from executor.metrics import STEP_SECONDS
from executor.plan import Binding, ExecutionPlan, StepPlan

logger = logging.getLogger(__name__)

OMITTED_IMAGE = {"type": "image", "omitted": True}
RUN_TIMEOUT_MESSAGE = "the run ran out of time before it started."
# Threads that run the steps of a layer side by side; callers can tell them apart by this prefix.
STEP_THREAD_PREFIX = "blockwise-step"


@dataclass(frozen=True, slots=True)
class RunContext:
    model_port: ClassificationModelPort | None = None
    api_key: str | None = field(default=None, repr=False)
    max_concurrent_steps: int = 8
    # time.monotonic() past which no further step starts (model calls get the remaining time).
    deadline: float | None = None


class RuntimeInputError(DomainError):
    """The inputs do not fit the workflow: missing, mismatched batch sizes, out of bounds."""

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode,
        input_name: str | None = None,
        step: str | None = None,
        property_name: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.input_name = input_name
        self.step = step
        self.property_name = property_name


@dataclass(frozen=True, slots=True)
class StepError:
    """A step (or one element of it) that failed; `cause` is the domain error it failed with."""

    step: str
    code: ErrorCode
    message: str
    cause: DomainError
    element: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"step": self.step, "code": self.code, "message": self.message, "element": self.element}


@dataclass(slots=True)
class RunResult:
    outputs: list[dict[str, Any]]
    timings: dict[str, float]
    errors: list[StepError] = field(default_factory=list)
    # Per step, per input element: what it gave (step_results.py); for people looking at the run.
    steps: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return not self.errors


@dataclass(slots=True)
class _State:
    size: int
    inputs: dict[str, Any]
    batch_inputs: set[str]
    outputs: dict[str, list[dict[str, Any] | None]] = field(default_factory=dict)
    decisions: dict[str, list[bool]] = field(default_factory=dict)
    errors: list[StepError] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def assemble_inputs(plan: ExecutionPlan, supplied: Mapping[str, Any]) -> tuple[dict[str, Any], set[str], int]:
    """Values per input, the batch-oriented ones as lists, and the batch size (spec 1.2)."""
    values: dict[str, Any] = {}
    batch: set[str] = set()
    sizes: dict[str, int] = {}
    for item in plan.inputs:
        if item.is_batch:
            if item.name not in supplied or supplied[item.name] is None:
                raise RuntimeInputError(
                    f"Input `{item.name}` ({item.type}) needs a value and none was given.",
                    code=ErrorCode.MISSING_INPUT,
                    input_name=item.name,
                )
            value = supplied[item.name]
            elements = list(value) if isinstance(value, list) else [value]
            if not elements:
                raise RuntimeInputError(
                    f"Input `{item.name}` is an empty list.", code=ErrorCode.MISSING_INPUT, input_name=item.name
                )
            values[item.name] = elements
            batch.add(item.name)
            sizes[item.name] = len(elements)
        else:
            values[item.name] = supplied.get(item.name, item.default_value)
    distinct = set(sizes.values()) - {1}
    if len(distinct) > 1:
        detail = ", ".join(f"`{name}` has {size}" for name, size in sizes.items())
        raise RuntimeInputError(
            f"Batch inputs must have the same length, or length 1: {detail}.", code=ErrorCode.BATCH_LENGTH_MISMATCH
        )
    size = max(sizes.values(), default=1)
    for name in batch:
        if len(values[name]) == 1 and size > 1:
            values[name] = values[name] * size
    return values, batch, size


def check_parameters(plan: ExecutionPlan, values: Mapping[str, Any], batch: set[str]) -> None:
    """Parameter values bound into step properties must fit those properties (e.g. bounds)."""
    for step in plan.steps.values():
        for binding in step.bindings:
            selector = binding.selector
            if selector.source != "input" or selector.name in batch or binding.key is not None:
                continue
            value = values.get(selector.name)
            if isinstance(value, str) and value.startswith("$"):
                continue
            prop = step.spec.properties[binding.property]
            problem = check_literal(step.spec, prop, value) if prop.accepts_literals else None
            if problem is not None:
                raise RuntimeInputError(
                    f"Input `{selector.name}` = {value!r} does not fit `{binding.property}` of step "
                    f"`{step.name}`: it {problem}.",
                    code=ErrorCode.INVALID_INPUT,
                    input_name=selector.name,
                    step=step.name,
                    property_name=binding.property,
                )


def run_plan(
    plan: ExecutionPlan,
    supplied: Mapping[str, Any],
    context: RunContext,
    *,
    excluded_fields: Iterable[str] = (),
    include_images: bool = True,
    step_previews: bool = False,
) -> RunResult:
    values, batch, size = assemble_inputs(plan, supplied)
    check_parameters(plan, values, batch)
    state = _State(size=size, inputs=values, batch_inputs=batch)
    with ThreadPoolExecutor(
        max_workers=max(1, context.max_concurrent_steps), thread_name_prefix=STEP_THREAD_PREFIX
    ) as pool:
        for layer in plan.layers:
            if context.deadline is not None and time.monotonic() >= context.deadline:
                for name in layer:
                    _skip_step(plan.steps[name], state, DomainError(RUN_TIMEOUT_MESSAGE, code=ErrorCode.RUN_TIMEOUT))
                continue
            if len(layer) == 1:
                _run_step(plan.steps[layer[0]], state, context)
            else:
                list(pool.map(lambda name: _run_step(plan.steps[name], state, context), layer))
    excluded = set(excluded_fields)
    outputs = [
        {
            out.name: _serialise(_output_value(out.selector, index, state, plan), include_images)
            for out in plan.outputs
            if out.name not in excluded
        }
        for index in range(size)
    ]
    if not step_previews:
        return RunResult(outputs=outputs, timings=state.timings, errors=state.errors)
    failed: dict[str, set[int | None]] = {}
    for error in state.errors:
        failed.setdefault(error.step, set()).add(error.element)
    steps = step_results(
        steps=[(step.name, bool(step.flow_targets)) for step in plan.steps.values()],
        outputs=state.outputs,
        decisions=state.decisions,
        failed=failed,
    )
    return RunResult(outputs=outputs, timings=state.timings, errors=state.errors, steps=steps)


def _input_value(name: str, index: int, state: _State) -> Any:
    value = state.inputs.get(name)
    if name in state.batch_inputs:
        return value[index]  # type: ignore[index]
    return value


def _bound_value(binding: Binding, index: int, state: _State) -> Any:
    selector = binding.selector
    if selector.source == "input":
        return _input_value(selector.name, index, state)
    produced = state.outputs.get(selector.name)
    if produced is None:
        return None
    element = produced[index] if len(produced) > 1 else produced[0]
    return None if element is None else element.get(selector.output or "")


def _element_values(step: StepPlan, index: int, state: _State) -> dict[str, Any] | None:
    """The step's property values for one element; None when an input it needs is missing."""
    values: dict[str, Any] = dict(step.literals)
    for binding in step.bindings:
        value = _bound_value(binding, index, state)
        if binding.key is None:
            if value is None and binding.selector.source == "step":
                return None
            values[binding.property] = value
        else:
            container = values.get(binding.property)
            container = list(container) if isinstance(container, list) else dict(container or {})
            container[binding.key] = value  # type: ignore[index]
            values[binding.property] = container
    return values


def _active(step: StepPlan, index: int, state: _State) -> bool:
    for controller in step.control_predecessors:
        decisions = state.decisions.get(controller)
        if decisions is None or not (decisions[index] if len(decisions) > 1 else decisions[0]):
            return False
    return True


def _skip_step(step: StepPlan, state: _State, reason: DomainError) -> None:
    elements = state.size if step.dimensionality > 0 else 1
    state.errors.append(StepError(step.name, reason.code, f"Step `{step.name}`: {reason.message}", reason))
    state.outputs[step.name] = [None] * elements
    state.decisions[step.name] = [False] * elements


def _run_step(step: StepPlan, state: _State, context: RunContext) -> None:
    started = time.perf_counter()
    definition = BUILTIN_BY_IDENTIFIER.get(step.spec.type_identifier)
    elements = state.size if step.dimensionality > 0 else 1
    results: list[dict[str, Any] | None] = [None] * elements
    decisions: list[bool] = [False] * elements
    block_context = BlockRunContext(step_name=step.name, model_port=context.model_port, api_key=context.api_key)
    try:
        if definition is None or definition.run is None or step.spec.source != "builtin":
            raise BlockRunError(
                f"Step `{step.name}` uses {step.spec.type_identifier}, which has no implementation here.",
                code=ErrorCode.NOT_EXECUTABLE,
            )
        prepared = [
            (index, values)
            for index in range(elements)
            if _active(step, index, state) and (values := _element_values(step, index, state)) is not None
        ]
        if prepared and definition.batch_properties:
            batch_values = dict(prepared[0][1])
            for name in definition.batch_properties:
                batch_values[name] = [values[name] for _, values in prepared]
            outcomes: Sequence[Any] = definition.run(batch_values, block_context)
        else:
            outcomes = [_call(definition.run, values, block_context) for _, values in prepared]
        for (index, _), outcome in zip(prepared, outcomes, strict=True):
            _record(step, index, outcome, results, decisions, state)
    except (BlockRunError, ModelError, ImageError) as exc:
        state.errors.append(StepError(step.name, exc.code, exc.message, exc))
    except Exception:
        logger.exception("Step %s (%s) failed unexpectedly", step.name, step.spec.type_identifier)
        state.errors.append(_unexpected(step, f"Step `{step.name}` failed unexpectedly."))
    state.outputs[step.name] = results
    state.decisions[step.name] = decisions
    elapsed = time.perf_counter() - started
    state.timings[step.name] = round(elapsed * 1000, 3)
    STEP_SECONDS.labels(step.spec.type_identifier).observe(elapsed)


def _call(run: Any, values: dict[str, Any], context: BlockRunContext) -> Any:
    try:
        return run(values, context)
    except (BlockRunError, ModelError, ImageError) as exc:
        return exc


def _record(
    step: StepPlan,
    index: int,
    outcome: Any,
    results: list[dict[str, Any] | None],
    decisions: list[bool],
    state: _State,
) -> None:
    if isinstance(outcome, FlowDecision):
        decisions[index] = outcome.proceed
        results[index] = {}
    elif isinstance(outcome, BlockRunError | ModelError | ImageError):
        state.errors.append(StepError(step.name, outcome.code, outcome.message, outcome, element=index))
    elif isinstance(outcome, Exception):
        logger.error(
            "Step %s (%s) failed unexpectedly on element %d",
            step.name,
            step.spec.type_identifier,
            index,
            exc_info=outcome,
        )
        state.errors.append(_unexpected(step, f"Step `{step.name}` failed.", element=index))
    else:
        results[index] = outcome


def _unexpected(step: StepPlan, message: str, *, element: int | None = None) -> StepError:
    cause = InternalError(message, code=ErrorCode.STEP_FAILED)
    return StepError(step.name, cause.code, message, cause, element=element)


def _output_value(selector: Any, index: int, state: _State, plan: ExecutionPlan) -> Any:
    if selector.source == "input":
        return _input_value(selector.name, index, state)
    produced = state.outputs.get(selector.name) or [None]
    element = produced[index] if len(produced) > 1 else produced[0]
    if selector.is_wildcard:
        names = [out.name for out in plan.steps[selector.name].spec.outputs]
        return {name: (element or {}).get(name) for name in names}
    return None if element is None else element.get(selector.output)


def _serialise(value: Any, include_images: bool) -> Any:
    if isinstance(value, WorkflowImage):
        return value.serialise() if include_images else dict(OMITTED_IMAGE)
    if isinstance(value, dict):
        return {key: _serialise(item, include_images) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_serialise(item, include_images) for item in value]
    return value
