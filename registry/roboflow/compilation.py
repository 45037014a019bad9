"""A failed compilation as Roboflow's error body (spec section 5.4), for the compatible routes.

Our compiler reports every problem it finds; Roboflow stops at the first stage that fails, so the
answer is built from the problems of the earliest failing stage, in Roboflow's stage order: engine
version, step entries, syntax (pydantic), names, graph (inputs, then each step's selectors, then the
outputs), cycles, batch and dimensionality. `blocks_errors` follow Roboflow's rules: syntax errors
name the step by its index in the raw definition (`block_id` null when it has no name), other
stages report the one problem that stopped them. `make conformance` checks all this against
Roboflow itself. Deliberate differences: every user mistake is a 400 (upstream answers 500 for
some, and crashes on others), and `inner_error_type` / `inner_error_message` are real nulls
instead of the string "None".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from blocks.errors import ErrorCode
from executor.compiler import CompilationResult
from executor.compiler.issues import WorkflowIssue, pointer_parts

PARSING = "workflow_compilation | workflow_definition_parsing"
SPECIFICATION = "workflow_compilation | specification_validation"
ENGINE = "workflow_compilation | engine_initialisation"
COMPOSITION = "workflow_compilation | inner_workflow | composition"
GRAPH = "workflow_compilation | execution_graph_construction"
DIMENSIONALITY = "workflow_compilation | execution_graph_construction | denoting_step_inputs_dimensionality"

# Stages in Roboflow's order; the graph stage walks inputs, then steps, then outputs.
VERSION, ENTRIES, SYNTAX, NAMES, GRAPH_INPUTS, GRAPH_STEPS, GRAPH_OUTPUTS, CYCLES, BATCHES = range(9)

Stage = tuple[int, str, str, str]  # (rank, error_type, context, "A" with blocks_errors or "B" without)

SYNTAX_CODES = frozenset(
    {
        ErrorCode.INVALID_DEFINITION,
        ErrorCode.MISSING_FIELD,
        ErrorCode.MISSING_PROPERTY,
        ErrorCode.INVALID_VALUE,
        ErrorCode.INVALID_SELECTOR,
        ErrorCode.UNKNOWN_BLOCK_TYPE,
        ErrorCode.DISABLED_BLOCK,
        ErrorCode.TOO_MANY_STEPS,
    }
)
TYPE_CODES = frozenset({ErrorCode.UNKNOWN_BLOCK_TYPE, ErrorCode.DISABLED_BLOCK})
STAGES: dict[ErrorCode, Stage] = {
    ErrorCode.INVALID_VERSION: (VERSION, "WorkflowDefinitionError", ENGINE, "B"),
    ErrorCode.UNSUPPORTED_VERSION: (VERSION, "NotSupportedExecutionEngineError", ENGINE, "B"),
    ErrorCode.DUPLICATE_NAME: (NAMES, "DuplicatedNameError", SPECIFICATION, "B"),
    ErrorCode.BATCH_DIMENSIONALITY: (GRAPH_INPUTS, "ExecutionGraphStructureError", GRAPH, "A"),
    ErrorCode.UNKNOWN_INPUT: (GRAPH_STEPS, "InvalidReferenceTargetError", GRAPH, "A"),
    ErrorCode.UNKNOWN_STEP: (GRAPH_STEPS, "InvalidReferenceTargetError", GRAPH, "A"),
    ErrorCode.UNKNOWN_OUTPUT: (GRAPH_STEPS, "ExecutionGraphStructureError", GRAPH, "A"),
    ErrorCode.NOT_FLOW_CONTROL: (GRAPH_STEPS, "ExecutionGraphStructureError", GRAPH, "A"),
    ErrorCode.KIND_MISMATCH: (GRAPH_STEPS, "ReferenceTypeError", GRAPH, "B"),
    ErrorCode.CYCLE: (CYCLES, "ExecutionGraphStructureError", GRAPH, "A"),
    ErrorCode.BATCH_INTO_SCALAR: (BATCHES, "ExecutionGraphStructureError", GRAPH, "A"),
    ErrorCode.DIMENSIONALITY: (BATCHES, "StepInputDimensionalityError", DIMENSIONALITY, "A"),
}
SYNTAX_STAGE: Stage = (SYNTAX, "WorkflowSyntaxError", PARSING, "A")
OUTPUT_REFERENCE: Stage = (GRAPH_OUTPUTS, "InvalidReferenceTargetError", GRAPH, "A")


def stage_of(issue: WorkflowIssue) -> Stage:
    if issue.pointer.startswith("/outputs/") and issue.code in {
        ErrorCode.UNKNOWN_INPUT,
        ErrorCode.UNKNOWN_STEP,
        ErrorCode.UNKNOWN_OUTPUT,
    }:
        return OUTPUT_REFERENCE
    if (
        issue.code == ErrorCode.INVALID_SELECTOR
        and issue.pointer.startswith("/outputs/")
        and issue.selector is not None
    ):
        # Roboflow takes any string as an output's selector and fails when it finds no such node.
        return OUTPUT_REFERENCE
    if issue.code in SYNTAX_CODES:
        return SYNTAX_STAGE
    return STAGES.get(issue.code, SYNTAX_STAGE)


def syntax_error_body(message: str) -> dict[str, Any]:
    """A definition that could not be read at all (not JSON)."""
    return error_body(message, "WorkflowSyntaxError", PARSING, [])


def roboflow_error(result: CompilationResult, definition: object) -> dict[str, Any]:
    """The body of Roboflow's error response for a failed result (always a 400 here)."""
    raw = definition if isinstance(definition, Mapping) else {}
    entry = _invalid_step_entry(raw)
    staged = [(stage_of(issue), issue) for issue in result.errors]
    first_rank = min(stage[0] for stage, _ in staged)
    if entry is not None and first_rank > VERSION:
        index, type_name = entry
        message = f"Step {index} of the workflow is a {type_name}, not an object."
        return error_body(message, "InnerWorkflowInvalidStepEntryError", COMPOSITION)
    (rank, error_type, context, shape), first = next((s, i) for s, i in staged if s[0] == first_rank)
    if rank == SYNTAX:
        syntax = [i for s, i in staged if s[0] == SYNTAX]
        body = error_body(first.message, error_type, context, _syntax_blocks_errors(syntax, raw))
        # Like pydantic's report upstream, the inner message lists every problem of the stage.
        body["inner_error_message"] = "; ".join(issue.message for issue in syntax[1:]) or None
        return body
    # Past parsing, Roboflow raises at the first problem: only it is reported.
    entry_of_first = _first_block_error(first, raw)
    blocks = ([entry_of_first] if entry_of_first else []) if shape == "A" else None
    return error_body(first.message, error_type, context, blocks)


def error_body(
    message: str, error_type: str, context: str, blocks_errors: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Roboflow's workflow error body: with `blocks_errors` (and the debug fields) when given."""
    body: dict[str, Any] = {
        "message": message,
        "error_type": error_type,
        "context": context,
        "inner_error_type": None,
        "inner_error_message": None,
    }
    if blocks_errors is not None:
        body["blocks_errors"] = blocks_errors
        body["python_blocks_output_streams"] = None
        body["python_blocks_debug_traces"] = None
    return body


def _invalid_step_entry(definition: Mapping[str, Any]) -> tuple[int, str] | None:
    """Roboflow walks the steps for nested workflows before parsing: the first entry that is not an
    object stops it (a string or an object in place of the list is walked too)."""
    steps = definition.get("steps")
    if not isinstance(steps, list | str | dict):
        return None
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            return index, _JSON_NAMES.get(type(step), type(step).__name__)
    return None


_JSON_NAMES = {str: "string", int: "number", float: "number", bool: "boolean", list: "list", type(None): "null"}


def _step_at(definition: Mapping[str, Any], at: str) -> tuple[dict[str, Any], list[str]] | None:
    parts = pointer_parts(at)
    steps = definition.get("steps")
    if len(parts) < 2 or parts[0] != "steps" or not parts[1].isdigit() or not isinstance(steps, list):
        return None
    index = int(parts[1])
    step = steps[index] if index < len(steps) else None
    return (step, parts[2:]) if isinstance(step, dict) else None


def _syntax_blocks_errors(issues: list[WorkflowIssue], definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Roboflow's mapping of pydantic errors: steps only; a step whose type is missing or unknown
    has that one error; one entry per step name and property, the first kept."""
    located = [(issue, _step_at(definition, issue.pointer)) for issue in issues]
    untyped = {id(step) for issue, (step, _) in _pairs(located) if issue.code in TYPE_CODES or _type_missing(issue)}
    entries: dict[str, dict[str, Any]] = {}
    for issue, (step, rest) in _pairs(located):
        about_type = issue.code in TYPE_CODES or _type_missing(issue)
        if id(step) in untyped and not about_type:
            continue
        name, type_ = step.get("name"), step.get("type")
        property_name = None if about_type or not rest else rest[0]
        key = repr((name, property_name) if property_name and name else (name, None))
        entries.setdefault(key, block_error(name, type_, property_name, issue.message))
    return list(entries.values())


def _pairs(
    located: list[tuple[WorkflowIssue, tuple[dict[str, Any], list[str]] | None]],
) -> list[tuple[WorkflowIssue, tuple[dict[str, Any], list[str]]]]:
    return [(issue, where) for issue, where in located if where is not None]


def _type_missing(issue: WorkflowIssue) -> bool:
    return issue.code == ErrorCode.MISSING_PROPERTY and issue.property == "type" and issue.pointer.startswith("/steps/")


def block_error(
    block_id: Any, block_type: Any = None, property_name: str | None = None, details: str | None = None
) -> dict[str, Any]:
    """One entry of `blocks_errors`."""
    return {
        "block_id": block_id,
        "block_type": block_type,
        "block_details": None,
        "property_name": property_name,
        "property_details": details,
        "block_traceback": None,
    }


def _first_block_error(issue: WorkflowIssue, definition: Mapping[str, Any]) -> dict[str, Any] | None:
    if issue.pointer.startswith("/outputs/"):
        return block_error("$outputs", None, issue.property, issue.message)
    located = _step_at(definition, issue.pointer)
    if located is None or issue.code in {ErrorCode.CYCLE, ErrorCode.BATCH_DIMENSIONALITY, ErrorCode.NOT_FLOW_CONTROL}:
        return None
    step, _ = located
    property_name = issue.property
    if issue.code in {ErrorCode.UNKNOWN_INPUT, ErrorCode.UNKNOWN_STEP, ErrorCode.UNKNOWN_OUTPUT}:
        # Roboflow names the first of the step's text fields that contains the missing reference.
        selector = issue.selector or ""
        missing = (
            selector.rsplit(".", 1)[-1] if issue.code == ErrorCode.UNKNOWN_OUTPUT else ".".join(selector.split(".")[:2])
        )
        property_name = next((key for key, value in step.items() if isinstance(value, str) and missing in value), None)
    return block_error(step.get("name"), step.get("type"), property_name, issue.message)
