"""Roboflow's answer for a workflow with inner workflows, which it compiles in this order: reference
fields (both or neither source), composition (cycles, depth, count), then each inner workflow from
the innermost: the child parsed on its own (its steps named as the child names them), its bindings
checked, and only then the flat workflow (steps named `outer__inner`), parsed and wired as usual.

`roboflow_answer` is what the Roboflow-compatible routes call for any failed result: for a flat
workflow it is `registry.roboflow.compilation.roboflow_error`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from blocks.errors import ErrorCode
from executor.compiler import CompilationResult
from executor.compiler.issues import WorkflowIssue, pointer_parts
from executor.compiler.nested import NestedView
from executor.compiler.nesting import has_saved_references
from registry.roboflow.compilation import (
    PARSING,
    SYNTAX,
    block_error,
    error_body,
    roboflow_error,
    stage_of,
)

RESOLUTION = "workflow_compilation | inner_workflow_spec_resolution"
COMPOSITION = "workflow_compilation | inner_workflow | composition"
BINDINGS = "workflow_compilation | inner_workflow | parameter_bindings"

# code -> (rank: Roboflow's order of checks, error type, context)
COMPOSITION_TYPES: dict[str, tuple[int, str, str]] = {
    ErrorCode.INNER_WORKFLOW_TWO_SOURCES: (0, "WorkflowDefinitionError", RESOLUTION),
    ErrorCode.INNER_WORKFLOW_NOT_FOUND: (0, "WorkflowDefinitionError", RESOLUTION),
    ErrorCode.INNER_WORKFLOW_REMOTE_DISPATCH: (0, "WorkflowDefinitionError", RESOLUTION),
    ErrorCode.INNER_WORKFLOW_CYCLE: (1, "InnerWorkflowCompositionCycleError", COMPOSITION),
    ErrorCode.INNER_WORKFLOW_TOO_DEEP: (1, "InnerWorkflowNestingDepthError", COMPOSITION),
    ErrorCode.INNER_WORKFLOW_TOO_MANY: (1, "InnerWorkflowTotalCountError", COMPOSITION),
    ErrorCode.INNER_WORKFLOW_NO_STEPS: (2, "InnerWorkflowInvalidStepEntryError", COMPOSITION),
    ErrorCode.UNKNOWN_CHILD_INPUT: (2, "InnerWorkflowParameterBindingsUnknownInputError", BINDINGS),
    ErrorCode.UNBOUND_CHILD_INPUT: (2, "InnerWorkflowParameterBindingsMissingRequiredError", BINDINGS),
}


def roboflow_answer(result: CompilationResult, definition: object) -> dict[str, Any]:
    """The body of Roboflow's error answer (a 400) for a failed result, nested or not."""
    if result.nested is None:
        return roboflow_error(result, definition)
    view = result.nested
    if view.composition_errors:
        return _composition_body(view.composition_errors, definition)
    child_parse = _first_child_parse(view)
    if child_parse:
        first = child_parse[0][0]
        blocks = [block_error(name, type_, _property(issue), issue.message) for issue, name, type_ in child_parse]
        return error_body(first.message, "WorkflowSyntaxError", PARSING, blocks)
    flat = CompilationResult(view.flat_errors, (), None)
    return roboflow_error(flat, view.flat_definition)


def _composition_body(issues: tuple[WorkflowIssue, ...], definition: object) -> dict[str, Any]:
    def rank(issue: WorkflowIssue) -> int:
        if issue.code == ErrorCode.INNER_WORKFLOW_NO_SOURCE:
            # Upstream's reference pass refuses it only when some step has a reference to resolve;
            # otherwise its inliner finds no steps in the child.
            return 0 if has_saved_references(definition) else 2
        return COMPOSITION_TYPES.get(issue.code, (2, "", ""))[0]

    first = min(issues, key=rank)
    if first.code == ErrorCode.INNER_WORKFLOW_NO_SOURCE:
        error_type, context = (
            ("WorkflowDefinitionError", RESOLUTION)
            if rank(first) == 0
            else ("InnerWorkflowInvalidStepEntryError", COMPOSITION)
        )
        return error_body(first.message, error_type, context)
    if first.code in COMPOSITION_TYPES:
        _, error_type, context = COMPOSITION_TYPES[first.code]
        return error_body(first.message, error_type, context)
    if first.code in (ErrorCode.MISSING_PROPERTY, ErrorCode.INVALID_VALUE) and first.property in (
        "name",
        "parameter_bindings",
    ):
        return error_body(first.message, "InnerWorkflowInvalidStepEntryError", COMPOSITION)
    if first.code == ErrorCode.INVALID_VALUE and first.property == "execution_mode":
        # Upstream leaves a step in another mode alone, and its manifest then refuses the value.
        step = _composite_at(definition, first.pointer)
        block = block_error(step.get("name"), step.get("type"), "execution_mode", first.message)
        return error_body(first.message, "WorkflowSyntaxError", PARSING, [block])
    # The child's own top level (inputs, outputs, a step entry), refused when the child is parsed.
    _, error_type, context, shape = stage_of(first)
    return error_body(first.message, error_type, context, [] if shape == "A" else None)


def _first_child_parse(view: NestedView) -> list[tuple[WorkflowIssue, Any, Any]]:
    """Syntax problems of inlined steps, as the parse of the first failing child reports them (its
    steps by their own names); values that bindings put in are seen only later, in the flat parse."""
    steps = view.flat_definition.get("steps") or []
    found: list[tuple[WorkflowIssue, Any, Any]] = []
    group: str | None = None
    for issue in view.flat_errors:
        parts = pointer_parts(issue.pointer)
        if stage_of(issue)[0] != SYNTAX or len(parts) < 2 or parts[0] != "steps" or not parts[1].isdigit():
            continue
        index = int(parts[1])
        origin = view.origins[index] if index < len(view.origins) else None
        if origin is None or "/" not in origin.display:
            continue
        rest = "".join("/" + part for part in parts[2:])
        if any(rest == at or rest.startswith(at + "/") for at in origin.bound):
            continue
        parent, _, own = origin.display.rpartition("/")
        if group is None:
            group = parent
        if parent == group:
            step = steps[index] if isinstance(steps[index], Mapping) else {}
            found.append((issue, own, step.get("type")))
    return found


def _property(issue: WorkflowIssue) -> str | None:
    parts = pointer_parts(issue.pointer)
    if issue.code in (ErrorCode.UNKNOWN_BLOCK_TYPE, ErrorCode.DISABLED_BLOCK) or len(parts) < 3:
        return None
    return None if issue.property == "type" else parts[2]


def _composite_at(definition: object, at: str) -> Mapping[str, Any]:
    node: Any = definition
    for part in pointer_parts(at)[:-1]:
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, Mapping):
            node = node.get(part)
    return node if isinstance(node, Mapping) else {}
