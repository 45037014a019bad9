"""A failed compilation as Roboflow's error response (spec section 5.4), for the compatible routes.

Upstream stops at its first error, so the first error in stage order picks the error type. Two
deliberate differences: every user mistake is a 400 (upstream answers 500 for some), and
`inner_error_type` / `inner_error_message` are real nulls instead of the string "None".
"""

from __future__ import annotations

from typing import Any

from executor.compiler import CompilationResult
from executor.compiler.issues import WorkflowIssue

PARSING = "workflow_compilation | workflow_definition_parsing"
SPECIFICATION = "workflow_compilation | specification_validation"
ENGINE = "workflow_compilation | engine_initialisation"
GRAPH = "workflow_compilation | execution_graph_construction"
DIMENSIONALITY = "workflow_compilation | execution_graph_construction | denoting_step_inputs_dimensionality"

# code -> (error_type, context, format): "A" carries blocks_errors, "B" does not.
ERROR_TYPES: dict[str, tuple[str, str, str]] = {
    "invalid_definition": ("WorkflowSyntaxError", PARSING, "A"),
    "missing_field": ("WorkflowSyntaxError", PARSING, "A"),
    "missing_property": ("WorkflowSyntaxError", PARSING, "A"),
    "invalid_value": ("WorkflowSyntaxError", PARSING, "A"),
    "invalid_selector": ("WorkflowSyntaxError", PARSING, "A"),
    "unknown_block_type": ("WorkflowSyntaxError", PARSING, "A"),
    "disabled_block": ("WorkflowSyntaxError", PARSING, "A"),
    "invalid_version": ("WorkflowDefinitionError", ENGINE, "B"),
    "unsupported_version": ("NotSupportedExecutionEngineError", ENGINE, "B"),
    "too_many_steps": ("WorkflowDefinitionError", PARSING, "B"),
    "duplicate_name": ("DuplicatedNameError", SPECIFICATION, "B"),
    "unknown_input": ("InvalidReferenceTargetError", GRAPH, "A"),
    "unknown_step": ("InvalidReferenceTargetError", GRAPH, "A"),
    "unknown_output": ("InvalidReferenceTargetError", GRAPH, "A"),
    "kind_mismatch": ("ReferenceTypeError", GRAPH, "B"),
    "cycle": ("ExecutionGraphStructureError", GRAPH, "A"),
    "batch_into_scalar": ("ExecutionGraphStructureError", GRAPH, "A"),
    "dimensionality": ("StepInputDimensionalityError", DIMENSIONALITY, "A"),
}
DEFAULT_ERROR = ("WorkflowDefinitionError", PARSING, "B")


def _block_error(issue: WorkflowIssue, step_types: dict[str, str]) -> dict[str, Any]:
    in_outputs = issue.pointer.startswith("/outputs/")
    return {
        "block_id": "$outputs" if in_outputs else issue.step,
        "block_type": None if in_outputs else step_types.get(issue.step or ""),
        "block_details": None,
        "property_name": issue.property if issue.property != "type" else None,
        "property_details": issue.message,
        "block_traceback": None,
    }


def roboflow_error(result: CompilationResult, definition: object) -> tuple[int, dict[str, Any]]:
    """Status and body of Roboflow's error response for a failed result."""
    first = result.errors[0]
    error_type, context, shape = ERROR_TYPES.get(first.code, DEFAULT_ERROR)
    # Upstream's step-property reference to a missing output is a graph-structure error.
    if first.code == "unknown_output" and first.pointer.startswith("/steps/"):
        error_type = "ExecutionGraphStructureError"
    body: dict[str, Any] = {
        "message": first.message,
        "error_type": error_type,
        "context": context,
        "inner_error_type": None,
        "inner_error_message": "; ".join(issue.message for issue in result.errors[1:]) or None,
    }
    if shape == "A":
        step_types = _step_types(definition)
        same_type = [issue for issue in result.errors if ERROR_TYPES.get(issue.code, DEFAULT_ERROR)[0] == error_type]
        seen: set[tuple[str | None, str | None]] = set()
        blocks_errors = []
        for issue in same_type:
            if issue.step is None and not issue.pointer.startswith("/outputs/"):
                continue
            key = (issue.step, issue.property)
            if key not in seen:
                seen.add(key)
                blocks_errors.append(_block_error(issue, step_types))
        body["blocks_errors"] = blocks_errors
        body["python_blocks_output_streams"] = None
        body["python_blocks_debug_traces"] = None
    return 400, body


def _step_types(definition: object) -> dict[str, str]:
    steps = definition.get("steps") if isinstance(definition, dict) else None
    types: dict[str, str] = {}
    for step in steps if isinstance(steps, list) else []:
        if isinstance(step, dict) and isinstance(step.get("name"), str) and isinstance(step.get("type"), str):
            types.setdefault(step["name"], step["type"])
    return types
