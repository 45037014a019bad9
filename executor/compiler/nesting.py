"""Stage 0: workflows inside workflows, expanded into one flat workflow before anything else.

Each composite step (`executor.compiler.composites`) is checked, then its child, expanded first, is
inlined by Roboflow's rules (`executor.compiler.inline`). Problems are reported where they are in
the definition, inside children too: `/steps/2/workflow_definition/steps/0/...` (for a child given
by reference or by a published block, the same path into the child it stands for). A composite with
a problem is left out of the flat workflow, and so is everything above it, up to the top level.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from blocks.errors import ErrorCode
from blocks.spec import CatalogSnapshot
from executor.compiler.composites import (
    INNER_WORKFLOW_TYPE,
    PARAMETER_TYPES,
    WORKFLOW_SOURCE_KEY,
    ChildResolver,
    ChildWorkflow,
    CompositeContext,
    RefusedError,
    check_bindings,
    composite_of,
    has_composites,
    has_saved_references,
    is_composite,
    workflow_source,
)
from executor.compiler.inline import ChildRewriter, composite_patcher, inlined_name, map_strings
from executor.compiler.issues import IssueList, WorkflowIssue, pointer
from executor.compiler.parse import ParsedDefinition, parse_definition
from executor.compiler.steps import inputs_named_in

__all__ = [
    "INNER_WORKFLOW_TYPE",
    "PARAMETER_TYPES",
    "WORKFLOW_SOURCE_KEY",
    "ChildResolver",
    "ChildWorkflow",
    "Expansion",
    "Origin",
    "expand",
    "has_composites",
    "has_saved_references",
    "is_composite",
    "workflow_source",
]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a flat step comes from: its pointer in the definition, the name runs show it by
    (`outer/inner`), and which of its values a composite's binding put there (value pointer inside
    the step -> the binding's pointer)."""

    pointer: str
    display: str
    bound: Mapping[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Expansion:
    definition: dict[str, Any]
    origins: list[Origin]
    issues: IssueList = field(default_factory=IssueList)
    # Composites, by display path: their output names (expanded) or nothing (left out).
    outputs_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    left_out: set[str] = field(default_factory=set)
    # Inputs that composites left out name: not "unused", only not reached.
    left_out_inputs: set[str] = field(default_factory=set)
    # Display path -> the lockfile entry of a composite (with its `workflow` pin when it has one).
    composites: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(slots=True)
class _Context(CompositeContext):
    expansion: Expansion = field(default_factory=lambda: Expansion(definition={}, origins=[]))
    # id(child) -> (child, parsed, problems): see `_parsed_child`.
    parsed_children: dict[int, tuple[Mapping[str, Any], ParsedDefinition | None, list[WorkflowIssue]]] = field(
        default_factory=dict
    )


def expand(
    definition: Mapping[str, Any],
    catalog: CatalogSnapshot,
    resolver: ChildResolver | None,
    *,
    max_depth: int,
    max_count: int,
    max_steps: int,
) -> Expansion:
    expansion = Expansion(definition={}, origins=[])
    context = _Context(catalog, resolver, max_depth, max_count, max_steps, expansion.issues, expansion=expansion)
    root = (resolver.root_key,) if resolver is not None and resolver.root_key else ()
    level, origins, _ = _expand_level(definition, context, at="", prefix="", depth=0, stack=root)
    expansion.definition, expansion.origins = level, origins
    return expansion


def _expand_level(
    definition: Mapping[str, Any], context: _Context, *, at: str, prefix: str, depth: int, stack: tuple[str, ...]
) -> tuple[dict[str, Any], list[Origin], bool]:
    """The level with its composites inlined, its steps' origins, and whether every composite was."""
    level = dict(definition)
    steps = list(level.get("steps") or [])
    origins = [Origin(f"{at}/steps/{index}", prefix + _label(step, index)) for index, step in enumerate(steps)]
    whole = True
    patches: list[tuple[str, dict[str, str], str]] = []
    # Steps that may name this level's composites: its own, and inlined ones a binding went into.
    # None: patched for every composite; a name: for every other composite; False: not at all.
    patched_for: list[str | bool | None] = [None] * len(steps)
    # Names at this level, which inlined names must not take (upstream's rule, kept as steps come).
    taken = {s["name"] for s in steps if (type(s) is dict or isinstance(s, Mapping)) and type(s.get("name")) is str}
    index = 0
    while index < len(steps):
        step = steps[index]
        if not is_composite(step, context.catalog):
            index += 1
            continue
        origin = origins[index]
        try:
            inlined, inlined_origins, bound, patch = _inline(steps[index], taken, origin, context, depth, stack)
        except RefusedError:
            context.expansion.left_out.add(origin.display)
            context.expansion.left_out_inputs.update(inputs_named_in(step))
            del steps[index], origins[index], patched_for[index]
            whole = False
            continue
        steps[index : index + 1] = inlined
        origins[index : index + 1] = inlined_origins
        patched_for[index : index + 1] = [patch[0] if into else False for into in bound]
        patches.append(patch)
        index += len(inlined)
    if patches:
        patcher = composite_patcher(patches)
        steps = [
            s if skip is False else patcher(s, skip)  # type: ignore[arg-type]
            for s, skip in zip(steps, patched_for, strict=True)
        ]
        level["outputs"] = patcher(level.get("outputs"), None)
    level["steps"] = steps
    return level, origins, whole


def _label(step: object, index: int) -> str:
    name = step.get("name") if type(step) is dict or isinstance(step, Mapping) else None
    return name if isinstance(name, str) and name else f"#{index}"


def _parsed_child(child: Mapping[str, Any], context: _Context) -> tuple[ParsedDefinition | None, list[WorkflowIssue]]:
    """The child parsed, and its problems (pointers inside the child); parsed once per expansion when
    several steps use the same object (a published workflow block's revision, a saved workflow the
    resolver gives again). The cache holds the child itself, so its id names no other object."""
    cached = context.parsed_children.get(id(child))
    if cached is not None and cached[0] is child:
        return cached[1], cached[2]
    parsed_issues = IssueList()
    parsed = parse_definition(child, parsed_issues, max_steps=context.max_steps, check_version=False)
    # An output's selector is text that replaces the parent's references to that output (as upstream):
    # a bad one is found where the parent uses it, and one the parent does not use is harmless.
    problems = [
        issue
        for issue in parsed_issues.errors
        if not (issue.code == ErrorCode.INVALID_SELECTOR and issue.pointer.startswith("/outputs/"))
    ]
    context.parsed_children[id(child)] = (child, parsed, problems)
    return parsed, problems


def _inline(
    step: Mapping[str, Any],
    taken: set[str],
    origin: Origin,
    context: _Context,
    depth: int,
    stack: tuple[str, ...],
) -> tuple[list[dict[str, Any]], list[Origin], list[bool], tuple[str, dict[str, str], str]]:
    issues = context.expansion.issues
    name = step.get("name")
    if not isinstance(name, str) or not name:
        issues.error(ErrorCode.MISSING_PROPERTY, "The step has no `name`.", f"{origin.pointer}/name", property="name")
        raise RefusedError
    composite = composite_of(step, origin.pointer, origin.display, context, depth, stack)
    if composite.pins is not None and context.resolver is not None:
        context.resolver.adopt_pins(path=origin.display, lockfile=composite.pins)
    child_at = f"{origin.pointer}/workflow_definition"
    parsed, problems = _parsed_child(composite.child, context)
    for issue in problems:
        issues.errors.append(replace(issue, pointer=child_at + issue.pointer))
    if parsed is None or problems:
        raise RefusedError
    if not parsed.steps:
        issues.error(
            ErrorCode.INNER_WORKFLOW_NO_STEPS,
            f"The child workflow of step `{name}` has no steps.",
            child_at + "/steps",
            step=name,
        )
        raise RefusedError
    check_bindings(composite, parsed.inputs, name, child_at, issues)
    child_key = (composite.key,) if composite.key else ()
    child, child_origins, whole = _expand_level(
        composite.child, context, at=child_at, prefix=origin.display + "/", depth=depth + 1, stack=stack + child_key
    )
    if not whole:
        raise RefusedError
    defaults = {
        item["name"]: item["default_value"]
        for item in composite.child.get("inputs") or []
        if isinstance(item, Mapping)
        and item.get("type") in PARAMETER_TYPES
        and item.get("name") not in composite.bindings
        and item.get("default_value") is not None
    }
    taken.discard(name)
    renames = [(s["name"], inlined_name(name, s["name"], taken)) for s in child["steps"]]
    rewriter = ChildRewriter(renames, composite.bindings, defaults)
    inlined: list[dict[str, Any]] = []
    inlined_origins: list[Origin] = []
    bound_into: list[bool] = []
    bound: dict[str, str] = {}  # the values bindings put into the step being rewritten

    def rewrite(text: str, path: tuple[str | int, ...]) -> Any:
        value, binding = rewriter.rewrite(text)
        if binding is not None:
            bound[pointer(*path)] = composite.bindings_at + pointer(binding)
        return value

    for child_step, child_origin, (_, new_name) in zip(child["steps"], child_origins, renames, strict=True):
        bound = {}
        rewriter.bound_something = False
        inlined.append({**map_strings(child_step, rewrite), "name": new_name})
        bound_into.append(rewriter.bound_something)
        inlined_origins.append(_with_bound(child_origin, bound))
    outputs = {}
    for item in child.get("outputs") or []:
        if isinstance(item, Mapping) and isinstance(item.get("selector"), str):
            value, _ = rewriter.rewrite(item["selector"])
            outputs[item["name"]] = value if isinstance(value, str) else item["selector"]
    context.expansion.outputs_of[origin.display] = tuple(outputs)
    context.expansion.composites[origin.display] = composite.entry
    return inlined, inlined_origins, bound_into, (name, outputs, renames[0][1])


def _with_bound(origin: Origin, bound: dict[str, str]) -> Origin:
    """The origin with the values bindings put into its step; origins are never changed, so one that
    no binding went into is the child level's own."""
    return Origin(origin.pointer, origin.display, {**origin.bound, **bound}) if bound else origin
