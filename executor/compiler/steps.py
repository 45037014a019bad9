"""Stage 3: each step against its block version's manifest.

The type is resolved by identifier or alias; every property value is sorted into a literal (checked
against the property's schema) or a selector (checked for syntax here, for its target and kinds in
the wiring stage).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from blocks.errors import ErrorCode
from blocks.spec import BlockSpec, CatalogSnapshot, PropertySpec
from executor.compiler.issues import IssueList, pointer, suggest
from executor.compiler.literals import LiteralValidator
from executor.compiler.parse import RawStep, parse_selector
from executor.plan import Binding

IGNORED_KEYS = frozenset({"type", "name"})
# Roboflow's image fields also accept `image` for `images`.
PROPERTY_ALIASES = {"image": "images"}

_validators: dict[int, tuple[BlockSpec, LiteralValidator]] = {}
_reference_flags: dict[int, tuple[PropertySpec, bool]] = {}


_container_results: dict[tuple[int, str], str | None] = {}


def check_literal(spec: BlockSpec, prop: PropertySpec, value: Any) -> str | None:
    """The literal's problem, or None. Results for lists and dicts (query-language operations,
    mostly) are remembered by their text, since large workflows repeat the same ones step after step."""
    checker = _validator(spec).checker(prop.schema)
    if not isinstance(value, list | dict):
        return checker(value)
    key = (id(checker), repr(value))
    if key in _container_results:
        return _container_results[key]
    problem = checker(value)
    if len(_container_results) > 16384:
        _container_results.clear()
    _container_results[key] = problem
    return problem


def _takes_reference(prop: PropertySpec) -> bool:
    cached = _reference_flags.get(id(prop))
    if cached is None or cached[0] is not prop:
        if len(_reference_flags) > 65536:
            _reference_flags.clear()
        cached = (prop, prop.takes_reference)
        _reference_flags[id(prop)] = cached
    return cached[1]


def _validator(spec: BlockSpec) -> LiteralValidator:
    cached = _validators.get(id(spec))
    if cached is None or cached[0] is not spec:
        if len(_validators) > 4096:
            _validators.clear()
            # Remembered results are keyed by checker identity, which dies with the validators.
            _container_results.clear()
        cached = (spec, LiteralValidator(spec.schema))
        _validators[id(spec)] = cached
    return cached[1]


@dataclass
class ResolvedStep:
    raw: RawStep
    spec: BlockSpec
    literals: dict[str, Any] = field(default_factory=dict)
    bindings: list[Binding] = field(default_factory=list)
    flow_targets: list[tuple[str, str]] = field(default_factory=list)  # (step name, pointer)
    # Texts that start with `$` but are no selector of ours, in properties whose schema lets them
    # through: Roboflow resolves them in its graph stage, and so does the wiring stage here.
    loose_references: list[tuple[str, str, str]] = field(default_factory=list)  # (property, pointer, text)

    @property
    def name(self) -> str:
        return self.raw.name or f"#{self.raw.index}"


def resolve_steps(steps: tuple[RawStep, ...], catalog: CatalogSnapshot, issues: IssueList) -> list[ResolvedStep]:
    resolved = []
    for raw in steps:
        type_ = raw.body.get("type")
        at = pointer("steps", raw.index, "type")
        if not isinstance(type_, str) or not type_:
            issues.error(ErrorCode.MISSING_PROPERTY, "The step has no `type`.", at, step=raw.name, property="type")
            continue
        spec = catalog.resolve(type_)
        if spec is None and type_ in catalog.disabled:
            _disabled_error(raw, catalog.disabled[type_], catalog, issues)
            continue
        if spec is None:
            issues.error(
                ErrorCode.UNKNOWN_BLOCK_TYPE,
                f"Step {raw.label} uses unknown block type {type_!r}.",
                at,
                step=raw.name,
                property="type",
                suggestions=suggest(type_, catalog.lookup),
            )
            continue
        if spec.state == "deprecated":
            replacement = f" Use {spec.replacement} instead." if spec.replacement else ""
            sunset = f" It will be disabled on {spec.sunset_date}." if spec.sunset_date else ""
            message = spec.deprecation_message or f"{spec.type_identifier} is deprecated."
            issues.warning(
                ErrorCode.DEPRECATED_BLOCK,
                f"Step {raw.label}: {message}{sunset}{replacement}",
                at,
                step=raw.name,
                details={"replacement": spec.replacement or None, "sunset_date": spec.sunset_date or None},
            )
        if not spec.executable:
            issues.warning(
                ErrorCode.NOT_EXECUTABLE,
                f"Step {raw.label} uses {spec.type_identifier}, which is registered here but has no "
                "implementation that runs it; the workflow validates but cannot run here.",
                at,
                step=raw.name,
            )
        resolved.append(_resolve_properties(raw, spec, issues))
    return resolved


def _disabled_error(raw: RawStep, spec: BlockSpec, catalog: CatalogSnapshot, issues: IssueList) -> None:
    replacement = catalog.replacement_of(spec)
    instead = f" Use {replacement.type_identifier} instead." if replacement else ""
    issues.error(
        ErrorCode.DISABLED_BLOCK,
        f"Step {raw.label} uses {spec.type_identifier}, which is disabled.{instead}",
        pointer("steps", raw.index, "type"),
        step=raw.name,
        property="type",
        details={"replacement": replacement.type_identifier if replacement else None},
    )


def inputs_named_in(value: Any) -> Iterator[str]:
    """Names of the inputs that selectors anywhere in `value` point at."""
    if isinstance(value, str):
        selector = parse_selector(value) if value.startswith("$inputs.") else None
        if selector is not None:
            yield selector.name
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from inputs_named_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from inputs_named_in(item)


def _resolve_properties(raw: RawStep, spec: BlockSpec, issues: IssueList) -> ResolvedStep:
    step = ResolvedStep(raw=raw, spec=spec)
    values: dict[str, tuple[str, Any]] = {}
    for key, value in raw.body.items():
        if key in IGNORED_KEYS:
            continue
        name = key if key in spec.properties else PROPERTY_ALIASES.get(key, key)
        if name in spec.properties and name not in values:
            values[name] = (key, value)
    for name, prop in spec.properties.items():
        if name in IGNORED_KEYS:
            continue
        if name not in values:
            if prop.required:
                issues.error(
                    ErrorCode.MISSING_PROPERTY,
                    f"Step {raw.label} needs `{name}`.",
                    pointer("steps", raw.index, name),
                    step=raw.name,
                    property=name,
                )
            elif prop.has_default:
                step.literals[name] = prop.default
            continue
        key, value = values[name]
        _resolve_value(step, prop, key, value, issues)
    return step


def _resolve_value(step: ResolvedStep, prop: PropertySpec, key: str, value: Any, issues: IssueList) -> None:
    at = pointer("steps", step.raw.index, key)
    if prop.references:
        if isinstance(value, str) and value.startswith("$"):
            _bind(step, prop, at, value, None, issues)
            return
        if prop.is_list_element and isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, str) and item.startswith("$"):
                    _bind(step, prop, pointer("steps", step.raw.index, key, index), item, index, issues)
            step.literals[prop.name] = value
            value = [item for item in value if not (isinstance(item, str) and item.startswith("$"))]
            if not prop.accepts_literals:
                _refuse_literals(step, prop, at, value, issues)
                return
        elif prop.is_dict_element and isinstance(value, Mapping):
            for item_key, item in value.items():
                if isinstance(item, str) and item.startswith("$"):
                    _bind(step, prop, pointer("steps", step.raw.index, key, item_key), item, str(item_key), issues)
            step.literals[prop.name] = dict(value)
            _refuse_literals(step, prop, at, [v for v in value.values() if not str(v).startswith("$")], issues)
            return
    elif isinstance(value, str) and parse_selector(value) is not None:
        issues.error(
            ErrorCode.INVALID_VALUE,
            f"`{prop.name}` of step {step.raw.label} takes a literal value, not a selector.",
            at,
            step=step.raw.name,
            property=prop.name,
            selector=value,
        )
        return
    problem = check_literal(step.spec, prop, value)
    if problem is not None:
        issues.error(
            ErrorCode.INVALID_VALUE,
            f"`{prop.name}` of step {step.raw.label} {problem}.",
            at,
            step=step.raw.name,
            property=prop.name,
        )
        return
    if prop.name not in step.literals:
        step.literals[prop.name] = value


def _refuse_literals(step: ResolvedStep, prop: PropertySpec, at: str, literals: list[Any], issues: IssueList) -> None:
    """Items of a list or dict property that takes only selectors must all be selectors."""
    if literals:
        issues.error(
            ErrorCode.INVALID_VALUE,
            f"`{prop.name}` of step {step.raw.label} takes selectors only, not {literals[0]!r}.",
            at,
            step=step.raw.name,
            property=prop.name,
        )


_patterns: dict[int, tuple[Mapping[str, Any], tuple[re.Pattern[str], ...]]] = {}


def _reference_patterns(prop: PropertySpec) -> tuple[re.Pattern[str], ...]:
    """The patterns of the property's selector branches (in lists and dicts too)."""
    cached = _patterns.get(id(prop.schema))
    if cached is None or cached[0] is not prop.schema:
        found: list[re.Pattern[str]] = []
        pending: list[Any] = [prop.schema]
        while pending:
            fragment = pending.pop()
            if isinstance(fragment, Mapping):
                if fragment.get("reference") is True and isinstance(fragment.get("pattern"), str):
                    found.append(re.compile(fragment["pattern"]))
                pending.extend(fragment.values())
            elif isinstance(fragment, list):
                pending.extend(fragment)
        cached = (prop.schema, tuple(found))
        _patterns[id(prop.schema)] = cached
    return cached[1]


def _loose(step: ResolvedStep, prop: PropertySpec, at: str, value: str, key: int | str | None) -> bool:
    """Keep `value` for the wiring stage when the property's schema accepts it as it is."""
    fits = any(p.search(value) for p in _reference_patterns(prop))
    if not fits and key is None:
        fits = check_literal(step.spec, prop, value) is None
    if fits:
        step.loose_references.append((prop.name, at, value))
    return fits


def _bind(
    step: ResolvedStep, prop: PropertySpec, at: str, value: str, key: int | str | None, issues: IssueList
) -> None:
    selector = parse_selector(value)
    bare_step = selector is not None and selector.source == "step" and selector.output is None
    misfit = (
        selector is None
        or (bare_step and not prop.takes_step_selector)
        or (not bare_step and not _takes_reference(prop))
    )
    if misfit and _loose(step, prop, at, value, key):
        return
    if selector is None:
        issues.error(
            ErrorCode.INVALID_SELECTOR,
            f"{value!r} in `{prop.name}` of step {step.raw.label} is not a selector; use `$inputs.name`, "
            "`$steps.step.output`" + (" or `$steps.step`" if prop.takes_step_selector else "") + ".",
            at,
            step=step.raw.name,
            property=prop.name,
            selector=value,
        )
        return
    if selector.source == "step" and selector.output is None:
        if prop.takes_step_selector:
            step.flow_targets.append((selector.name, at))
        else:
            issues.error(
                ErrorCode.INVALID_SELECTOR,
                f"`{prop.name}` of step {step.raw.label} needs a step output (`$steps.{selector.name}.<output>`), "
                f"not the step `{value}` itself.",
                at,
                step=step.raw.name,
                property=prop.name,
                selector=value,
            )
        return
    if not _takes_reference(prop):
        issues.error(
            ErrorCode.INVALID_SELECTOR,
            f"`{prop.name}` of step {step.raw.label} takes step selectors (`$steps.step`), not {value!r}.",
            at,
            step=step.raw.name,
            property=prop.name,
            selector=value,
        )
        return
    step.bindings.append(Binding(property=prop.name, selector=selector, key=key, pointer=at))
