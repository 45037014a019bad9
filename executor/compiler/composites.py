"""Composite steps (inner workflows and published workflow blocks): what they are, and the checks
each passes before its child is inlined (embedded mode, one source, nesting depth and count, the
saved workflow found and not using itself, bindings against the child's inputs).

Saved workflows are found through a `ChildResolver` the caller gives: the executor never reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from blocks.errors import ErrorCode
from blocks.spec import BlockSpec, CatalogSnapshot
from executor.compiler.issues import IssueList, pointer

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

    def adopt_pins(self, *, path: str, lockfile: Mapping[str, Any]) -> None:
        """The lockfile that pins the children of the composite at `path` (a published workflow
        block's revision): references inside it resolve to the revisions it names."""


@dataclass(frozen=True, slots=True)
class Composite:
    """A composite step's child and bindings, whatever kind of step it is."""

    child: Mapping[str, Any]
    bindings: Mapping[str, Any]
    bindings_at: str  # pointer of the object whose keys are the child's input names
    key: str | None
    entry: dict[str, Any]
    # The lockfile of the revision a published workflow block carries: its own children's pins.
    pins: Mapping[str, Any] | None = None


class RefusedError(Exception):
    """A composite that cannot be expanded; its problems are already reported."""


@dataclass(slots=True)
class CompositeContext:
    catalog: CatalogSnapshot
    resolver: ChildResolver | None
    max_depth: int
    max_count: int
    max_steps: int
    issues: IssueList = field(default_factory=IssueList)
    count: int = 0


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


def has_saved_references(
    definition: object, catalog: CatalogSnapshot | None = None, _within: frozenset[str] = frozenset()
) -> bool:
    """Whether an inner workflow step, at any depth, names a saved workflow. Given the `catalog`, the
    revisions that steps of published workflow blocks stand for count as depths too: what such a step
    compiles to then follows the saved workflows its caller may read, as a reference of its own does."""
    steps = definition.get("steps") if isinstance(definition, Mapping) else None
    for step in steps if isinstance(steps, list) else []:
        type_ = step.get("type") if isinstance(step, Mapping) else None
        if type_ == INNER_WORKFLOW_TYPE:
            if _text(step.get("workflow_workspace_id")) and _text(step.get("workflow_id")):
                return True
            if has_saved_references(step.get("workflow_definition"), catalog, _within):
                return True
            continue
        spec = catalog.resolve(type_) if catalog is not None and isinstance(type_, str) else None
        source = workflow_source(spec) if spec is not None else None
        # `_within`: a block's own revision cannot name the block, but a catalog need not be built that way.
        if source is None or spec is None or spec.type_identifier in _within:
            continue
        if has_saved_references(source["definition"], catalog, _within | {spec.type_identifier}):
            return True
    return False


def composite_of(
    step: Mapping[str, Any], at: str, path: str, context: CompositeContext, depth: int, stack: tuple[str, ...]
) -> Composite:
    """The step's child and bindings; `at` is the step's pointer, `path` its display path."""
    issues = context.issues
    name = step["name"]
    if step["type"] != INNER_WORKFLOW_TYPE:
        _count(name, at, context, depth)
        return _published(step, at, context)
    mode = step.get("execution_mode", "embedded")
    if mode not in EXECUTION_MODES:
        issues.error(
            ErrorCode.INVALID_VALUE,
            f"`execution_mode` of step `{name}` must be embedded or remote_dispatch.",
            f"{at}/execution_mode",
            step=name,
            property="execution_mode",
        )
        raise RefusedError
    if mode == "remote_dispatch":
        issues.error(
            ErrorCode.INNER_WORKFLOW_REMOTE_DISPATCH,
            f"Step `{name}` asks for `remote_dispatch`, which this server does not support: inner workflows "
            "run embedded here (leave `execution_mode` out, or set it to `embedded`).",
            f"{at}/execution_mode",
            step=name,
            property="execution_mode",
        )
        raise RefusedError
    bindings = step.get("parameter_bindings") or {}
    if not isinstance(bindings, Mapping):
        issues.error(
            ErrorCode.INVALID_VALUE,
            f"`parameter_bindings` of step `{name}` must be an object.",
            f"{at}/parameter_bindings",
            step=name,
            property="parameter_bindings",
        )
        raise RefusedError
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
        raise RefusedError
    if has_inline:
        _count(name, at, context, depth)
        return Composite(inline, dict(bindings), f"{at}/parameter_bindings", None, entry)
    if not (workspace and workflow_id):
        issues.error(
            ErrorCode.INNER_WORKFLOW_NO_SOURCE,
            f"Step `{name}` needs a non-empty `workflow_definition`, or both `workflow_workspace_id` and "
            "`workflow_id` of a saved workflow.",
            at,
            step=name,
        )
        raise RefusedError
    _count(name, at, context, depth)
    version = _text(step.get("workflow_version_id")) or None
    child = (
        context.resolver.resolve(path=path, workspace=workspace, workflow_id=workflow_id, version=version)
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
        raise RefusedError
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
        raise RefusedError
    entry["workflow"] = dict(child.pin)
    return Composite(child.definition, dict(bindings), f"{at}/parameter_bindings", child.key, entry)


def _count(name: str, at: str, context: CompositeContext, depth: int) -> None:
    """Nesting depth and the number of composites in the whole tree are bounded, as upstream."""
    issues = context.issues
    if depth + 1 > context.max_depth:
        issues.error(
            ErrorCode.INNER_WORKFLOW_TOO_DEEP,
            f"Step `{name}` nests workflows {depth + 1} deep; the limit is {context.max_depth}.",
            at,
            step=name,
            details={"limit": context.max_depth, "depth": depth + 1},
        )
        raise RefusedError
    context.count += 1
    if context.count > context.max_count:
        issues.error(
            ErrorCode.INNER_WORKFLOW_TOO_MANY,
            f"The workflow uses more than {context.max_count} inner workflows, counting nested ones.",
            at,
            step=name,
            details={"limit": context.max_count},
        )
        raise RefusedError


def _published(step: Mapping[str, Any], at: str, context: CompositeContext) -> Composite:
    """A step of a block version published from a saved workflow: its properties bind the child."""
    spec = context.catalog.resolve(step["type"])
    source = workflow_source(spec) if spec is not None else None
    assert spec is not None and source is not None  # is_composite said so
    if spec.state == "deprecated":
        message = spec.deprecation_message or f"{spec.type_identifier} is deprecated."
        context.issues.warning(
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
    lockfile = source.get("lockfile")
    pins = lockfile if isinstance(lockfile, Mapping) else None
    return Composite(source["definition"], bindings, at, key, entry, pins)


def check_bindings(composite: Composite, inputs: Any, name: str, child_at: str, issues: IssueList) -> None:
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
        raise RefusedError


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else str(value)


def _hash(context: CompositeContext, identifier: str) -> str:
    spec = context.catalog.resolve(identifier)
    return spec.content_hash if spec is not None else ""
