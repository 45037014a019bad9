"""Stage 0: workflows inside workflows, expanded into one flat workflow before anything else.

A composite step is a `roboflow_core/inner_workflow@v1` step (its child inline or a saved workflow
named by reference) or a step of a block version published from a saved workflow (its child is the
pinned revision the version carries). Each is checked (one source, embedded mode, nesting depth,
cycles, the child's own top level, bindings against the child's inputs), then its child, expanded
first, is inlined by Roboflow's rules (`executor.compiler.inline`). Problems are reported where they
are in the definition, inside children too: `/steps/2/workflow_definition/steps/0/...` (for a child
given by reference or by a published block, the same path into the child it stands for). A composite
with a problem is left out of the flat workflow, and so is everything above it, up to the top level.

Saved workflows are found through a `ChildResolver` the caller gives: the executor never reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from blocks.errors import ErrorCode
from blocks.spec import BlockSpec, CatalogSnapshot
from executor.compiler.inline import ChildRewriter, composite_patcher, inlined_name, map_strings
from executor.compiler.issues import IssueList, pointer
from executor.compiler.parse import parse_definition
from executor.compiler.steps import inputs_named_in

INNER_WORKFLOW_TYPE = "roboflow_core/inner_workflow@v1"
# Where a block version published from a saved workflow carries that workflow (in its description).
WORKFLOW_SOURCE_KEY = "blockwise_workflow"
EXECUTION_MODES = ("embedded", "remote_dispatch")
PARAMETER_TYPES = ("WorkflowParameter", "InferenceParameter")


@dataclass(frozen=True, slots=True)
class ChildWorkflow:
    """A saved workflow's revision as a child: its definition, an identity for cycle checks, and
    what a lockfile records to use the same revision again."""

    definition: Mapping[str, Any]
    key: str
    pin: Mapping[str, Any]


class ChildResolver(Protocol):
    """Finds saved workflows for references; None when there is no such workflow the caller may read."""

    @property
    def root_key(self) -> str | None: ...

    def resolve(self, *, path: str, workspace: str, workflow_id: str, version: str | None) -> ChildWorkflow | None: ...


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
    count: int = 0


@dataclass(frozen=True, slots=True)
class _Composite:
    """A composite step's child and bindings, whatever kind of step it is."""

    child: Mapping[str, Any]
    bindings: Mapping[str, Any]
    bindings_at: str  # pointer of the object whose keys are the child's input names
    key: str | None
    entry: dict[str, Any]


class _RefusedError(Exception):
    """A composite that cannot be expanded; its problems are already reported."""


@dataclass(slots=True)
class _Context:
    catalog: CatalogSnapshot
    resolver: ChildResolver | None
    max_depth: int
    max_count: int
    max_steps: int
    expansion: Expansion


def is_composite(step: object, catalog: CatalogSnapshot) -> bool:
    type_ = step.get("type") if type(step) is dict or isinstance(step, Mapping) else None
    if type(type_) is not str:
        return False
    if type_ == INNER_WORKFLOW_TYPE:
        return True
    spec = catalog.resolve(type_)
    return spec is not None and workflow_source(spec) is not None


def workflow_source(spec: BlockSpec) -> Mapping[str, Any] | None:
    """The saved workflow revision a block version was published from (`definition`, `workflow_id`,
    `revision`), or None for any other block version."""
    description = spec.extra.get("description")
    if description is None:
        return None
    source = description.get(WORKFLOW_SOURCE_KEY) if isinstance(description, Mapping) else None
    return source if isinstance(source, Mapping) and isinstance(source.get("definition"), Mapping) else None


def has_composites(definition: object, catalog: CatalogSnapshot) -> bool:
    steps = definition.get("steps") if isinstance(definition, Mapping) else None
    return isinstance(steps, list) and any(is_composite(step, catalog) for step in steps)


def has_saved_references(definition: object) -> bool:
    """Whether an inner workflow step, at any depth, names a saved workflow."""
    steps = definition.get("steps") if isinstance(definition, Mapping) else None
    for step in steps if isinstance(steps, list) else []:
        if not isinstance(step, Mapping) or step.get("type") != INNER_WORKFLOW_TYPE:
            continue
        if _text(step.get("workflow_workspace_id")) and _text(step.get("workflow_id")):
            return True
        if has_saved_references(step.get("workflow_definition")):
            return True
    return False


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
    context = _Context(catalog, resolver, max_depth, max_count, max_steps, expansion)
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
    taken = {s["name"] for s in steps if isinstance(s, Mapping) and isinstance(s.get("name"), str)}
    index = 0
    while index < len(steps):
        step = steps[index]
        if not is_composite(step, context.catalog):
            index += 1
            continue
        origin = origins[index]
        try:
            inlined, inlined_origins, bound, patch = _inline(steps[index], taken, origin, context, depth, stack)
        except _RefusedError:
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
        issues.error("missing_property", "The step has no `name`.", f"{origin.pointer}/name", property="name")
        raise _RefusedError
    composite = _composite(step, origin, context, depth, stack)
    child_at = f"{origin.pointer}/workflow_definition"
    parsed_issues = IssueList()
    parsed = parse_definition(composite.child, parsed_issues, max_steps=context.max_steps, check_version=False)
    # An output's selector is text that replaces the parent's references to that output (as upstream):
    # a bad one is found where the parent uses it, and one the parent does not use is harmless.
    problems = [
        issue
        for issue in parsed_issues.errors
        if not (issue.code == ErrorCode.INVALID_SELECTOR and issue.pointer.startswith("/outputs/"))
    ]
    for issue in problems:
        issues.errors.append(replace(issue, pointer=child_at + issue.pointer))
    if parsed is None or problems:
        raise _RefusedError
    if not parsed.steps:
        issues.error(
            ErrorCode.INNER_WORKFLOW_NO_STEPS,
            f"The child workflow of step `{name}` has no steps.",
            child_at + "/steps",
            step=name,
        )
        raise _RefusedError
    _check_bindings(composite, parsed.inputs, name, child_at, issues)
    child_key = (composite.key,) if composite.key else ()
    child, child_origins, whole = _expand_level(
        composite.child, context, at=child_at, prefix=origin.display + "/", depth=depth + 1, stack=stack + child_key
    )
    if not whole:
        raise _RefusedError
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
    for child_step, child_origin, (_, new_name) in zip(child["steps"], child_origins, renames, strict=True):
        bound = dict(child_origin.bound)

        def rewrite(text: str, path: tuple[str | int, ...], bound: dict[str, str] = bound) -> Any:
            value, binding = rewriter.rewrite(text)
            if binding is not None:
                bound[pointer(*path)] = composite.bindings_at + pointer(binding)
            return value

        rewriter.bound_something = False
        inlined.append({**map_strings(child_step, rewrite), "name": new_name})
        bound_into.append(rewriter.bound_something)
        inlined_origins.append(Origin(child_origin.pointer, child_origin.display, bound))
    outputs = {}
    for item in child.get("outputs") or []:
        if isinstance(item, Mapping) and isinstance(item.get("selector"), str):
            value, _ = rewriter.rewrite(item["selector"])
            outputs[item["name"]] = value if isinstance(value, str) else item["selector"]
    context.expansion.outputs_of[origin.display] = tuple(outputs)
    context.expansion.composites[origin.display] = composite.entry
    return inlined, inlined_origins, bound_into, (name, outputs, renames[0][1])


def _composite(
    step: Mapping[str, Any], origin: Origin, context: _Context, depth: int, stack: tuple[str, ...]
) -> _Composite:
    issues = context.expansion.issues
    name = step["name"]
    at = origin.pointer
    if step["type"] != INNER_WORKFLOW_TYPE:
        _count(name, at, context, depth)
        return _published(step, at, context)
    mode = step.get("execution_mode", "embedded")
    if mode not in EXECUTION_MODES:
        issues.error(
            "invalid_value",
            f"`execution_mode` of step `{name}` must be embedded or remote_dispatch.",
            f"{at}/execution_mode",
            step=name,
            property="execution_mode",
        )
        raise _RefusedError
    if mode == "remote_dispatch":
        issues.error(
            ErrorCode.INNER_WORKFLOW_REMOTE_DISPATCH,
            f"Step `{name}` asks for `remote_dispatch`, which this server does not support: inner workflows "
            "run embedded here (leave `execution_mode` out, or set it to `embedded`).",
            f"{at}/execution_mode",
            step=name,
            property="execution_mode",
        )
        raise _RefusedError
    bindings = step.get("parameter_bindings") or {}
    if not isinstance(bindings, Mapping):
        issues.error(
            "invalid_value",
            f"`parameter_bindings` of step `{name}` must be an object.",
            f"{at}/parameter_bindings",
            step=name,
            property="parameter_bindings",
        )
        raise _RefusedError
    raw_inline = step.get("workflow_definition")
    inline: Mapping[str, Any] = raw_inline if isinstance(raw_inline, Mapping) else {}
    has_inline = bool(inline)
    workspace, workflow_id = _text(step.get("workflow_workspace_id")), _text(step.get("workflow_id"))
    entry: dict[str, Any] = {"type_identifier": INNER_WORKFLOW_TYPE, "content_hash": _hash(context, step["type"])}
    if has_inline and workspace and workflow_id:
        issues.error(
            ErrorCode.INNER_WORKFLOW_TWO_SOURCES,
            f"Step `{name}` gives both `workflow_definition` and a saved workflow "
            "(`workflow_workspace_id`, `workflow_id`); give one of them.",
            at,
            step=name,
        )
        raise _RefusedError
    if has_inline:
        _count(name, at, context, depth)
        return _Composite(inline, dict(bindings), f"{at}/parameter_bindings", None, entry)
    if not (workspace and workflow_id):
        issues.error(
            ErrorCode.INNER_WORKFLOW_NO_SOURCE,
            f"Step `{name}` needs a non-empty `workflow_definition`, or both `workflow_workspace_id` and "
            "`workflow_id` of a saved workflow.",
            at,
            step=name,
        )
        raise _RefusedError
    _count(name, at, context, depth)
    version = _text(step.get("workflow_version_id")) or None
    child = (
        context.resolver.resolve(path=origin.display, workspace=workspace, workflow_id=workflow_id, version=version)
        if context.resolver is not None
        else None
    )
    if child is None:
        revision = f" revision {version}" if version else ""
        issues.error(
            ErrorCode.INNER_WORKFLOW_NOT_FOUND,
            f"Step `{name}` uses saved workflow {workflow_id!r}{revision}, which does not exist or which you "
            "may not read.",
            f"{at}/workflow_id",
            step=name,
            property="workflow_id",
        )
        raise _RefusedError
    if child.key in stack:
        cycle = [*stack[stack.index(child.key) :], child.key]
        issues.error(
            ErrorCode.INNER_WORKFLOW_CYCLE,
            f"Step `{name}` uses saved workflow {workflow_id!r}, which uses itself: {' -> '.join(cycle)}.",
            f"{at}/workflow_id",
            step=name,
            property="workflow_id",
            details={"cycle": cycle},
        )
        raise _RefusedError
    entry["workflow"] = dict(child.pin)
    return _Composite(child.definition, dict(bindings), f"{at}/parameter_bindings", child.key, entry)


def _count(name: str, at: str, context: _Context, depth: int) -> None:
    """Nesting depth and the number of composites in the whole tree are bounded, as upstream."""
    issues = context.expansion.issues
    if depth + 1 > context.max_depth:
        issues.error(
            ErrorCode.INNER_WORKFLOW_TOO_DEEP,
            f"Step `{name}` nests workflows {depth + 1} deep; the limit is {context.max_depth}.",
            at,
            step=name,
            details={"limit": context.max_depth, "depth": depth + 1},
        )
        raise _RefusedError
    context.expansion.count += 1
    if context.expansion.count > context.max_count:
        issues.error(
            ErrorCode.INNER_WORKFLOW_TOO_MANY,
            f"The workflow uses more than {context.max_count} inner workflows, counting nested ones.",
            at,
            step=name,
            details={"limit": context.max_count},
        )
        raise _RefusedError


def _published(step: Mapping[str, Any], at: str, context: _Context) -> _Composite:
    """A step of a block version published from a saved workflow: its properties bind the child."""
    spec = context.catalog.resolve(step["type"])
    source = workflow_source(spec) if spec is not None else None
    assert spec is not None and source is not None  # is_composite said so
    if spec.state == "deprecated":
        message = spec.deprecation_message or f"{spec.type_identifier} is deprecated."
        context.expansion.issues.warning(
            ErrorCode.DEPRECATED_BLOCK,
            f"Step `{step['name']}`: {message}",
            f"{at}/type",
            step=step["name"],
            details={"replacement": spec.replacement or None, "sunset_date": spec.sunset_date or None},
        )
    pin = {key: value for key, value in source.items() if key != "definition"}
    entry = {"type_identifier": spec.type_identifier, "content_hash": spec.content_hash, "workflow": pin}
    bindings = {key: value for key, value in step.items() if key not in ("type", "name")}
    key = f"block:{spec.type_identifier}"
    return _Composite(source["definition"], bindings, at, key, entry)


def _check_bindings(composite: _Composite, inputs: Any, name: str, child_at: str, issues: IssueList) -> None:
    declared = {item.name: item for item in inputs}
    failed = False
    for key in composite.bindings:
        if key not in declared:
            issues.error(
                ErrorCode.UNKNOWN_CHILD_INPUT,
                f"Step `{name}` binds `{key}`, which is not an input of its child workflow "
                f"(inputs: {', '.join(sorted(declared)) or 'none'}).",
                composite.bindings_at + pointer(key),
                step=name,
                property=key,
            )
            failed = True
    for index, (input_name, item) in enumerate(declared.items()):
        optional = item.type == "WorkflowParameter" and item.default_value is not None
        if not optional and input_name not in composite.bindings:
            issues.error(
                ErrorCode.UNBOUND_CHILD_INPUT,
                f"Step `{name}` does not bind `{input_name}`, an input of its child workflow without a default.",
                composite.bindings_at,
                step=name,
                property=input_name,
                details={"input": input_name, "child_pointer": f"{child_at}/inputs/{index}"},
            )
            failed = True
    if failed:
        raise _RefusedError


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value)


def _hash(context: _Context, identifier: str) -> str:
    spec = context.catalog.resolve(identifier)
    return spec.content_hash if spec is not None else ""
