"""Stage 1 and 2: the definition's top level, its inputs and outputs, and unique names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from blocks.errors import ErrorCode
from blocks.selectors import INPUT_SELECTOR, STEP_OUTPUT_SELECTOR, STEP_SELECTOR
from executor.compiler.issues import IssueList, pointer
from executor.plan import InputPlan, InputType, OutputPlan, Selector

# The engine version we implement, as `/workflows/execution_engine/versions` announces it.
ENGINE_VERSION = Version("1.15.0")
INPUT_TYPES: dict[str, tuple[InputType, tuple[str, ...], int]] = {
    # type or alias -> (canonical type, default kinds, default dimensionality)
    "WorkflowImage": ("WorkflowImage", ("image",), 1),
    "InferenceImage": ("WorkflowImage", ("image",), 1),
    "WorkflowParameter": ("WorkflowParameter", ("*",), 0),
    "InferenceParameter": ("WorkflowParameter", ("*",), 0),
    "WorkflowBatchInput": ("WorkflowBatchInput", ("*",), 1),
    "WorkflowVideoMetadata": ("WorkflowVideoMetadata", ("video_metadata",), 1),
}


def parse_selector(value: str) -> Selector | None:
    """`$inputs.x`, `$steps.s.o` or `$steps.s`; None when the text is none of them."""
    if match := INPUT_SELECTOR.match(value):
        return Selector(raw=value, source="input", name=match.group(1))
    if match := STEP_OUTPUT_SELECTOR.match(value):
        return Selector(raw=value, source="step", name=match.group(1), output=match.group(2))
    if match := STEP_SELECTOR.match(value):
        return Selector(raw=value, source="step", name=match.group(1))
    return None


COORDINATES_SYSTEMS = ("own", "parent")


def lax_int(value: Any) -> int | None:
    """The whole number a JSON value stands for, as Roboflow's models read it (pydantic's lax mode:
    booleans, integral floats and numeric strings count), or None."""
    if isinstance(value, bool | int):
        return int(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


@dataclass(frozen=True, slots=True)
class RawStep:
    index: int
    name: str | None
    body: Mapping[str, Any]

    @property
    def label(self) -> str:
        """How messages name the step: by its name, or by its index when it has none."""
        return f"`{self.name}`" if self.name else f"#{self.index}"


@dataclass(frozen=True, slots=True)
class ParsedDefinition:
    inputs: tuple[InputPlan, ...]
    steps: tuple[RawStep, ...]
    outputs: tuple[OutputPlan, ...]


def _kinds(value: Any) -> tuple[str, ...] | None:
    if not isinstance(value, list):
        return None
    names = []
    for kind in value:
        name = kind.get("name") if isinstance(kind, Mapping) else kind
        if not isinstance(name, str):
            return None
        names.append(name)
    return tuple(names)


def parse_definition(
    definition: object, issues: IssueList, *, max_steps: int, check_version: bool = True
) -> ParsedDefinition | None:
    """`check_version=False` for a child workflow: only the top-level workflow picks the engine."""
    if not isinstance(definition, Mapping):
        issues.error(ErrorCode.INVALID_DEFINITION, "A workflow definition is a JSON object.", "")
        return None
    if check_version:
        _check_version(definition.get("version"), issues)
    for key, kind in (("version", str), ("inputs", list), ("steps", list), ("outputs", list)):
        if key not in definition:
            issues.error(ErrorCode.MISSING_FIELD, f"The definition has no `{key}`.", pointer(key), property=key)
        elif not isinstance(definition[key], kind) and not (key == "version" and definition[key]):
            wanted = "a string" if kind is str else "a list"
            issues.error(ErrorCode.INVALID_VALUE, f"`{key}` must be {wanted}.", pointer(key), property=key)
    steps = definition.get("steps")
    if isinstance(steps, list) and len(steps) > max_steps:
        issues.error(
            ErrorCode.TOO_MANY_STEPS,
            f"The workflow has {len(steps)} steps; the limit is {max_steps}.",
            pointer("steps"),
            details={"limit": max_steps, "count": len(steps)},
        )
        return None
    inputs = _parse_inputs(definition.get("inputs"), issues)
    raw_steps = _parse_steps(steps if isinstance(steps, list) else [], issues)
    outputs = _parse_outputs(definition.get("outputs"), issues)
    if definition.get("outputs") == []:
        issues.warning(
            ErrorCode.NO_OUTPUTS, "The workflow has no outputs, so a run returns nothing.", pointer("outputs")
        )
    _check_unique(issues, "input", "inputs", [(i.name, n) for n, i in enumerate(inputs)])
    _check_unique(issues, "step", "steps", [(s.name, s.index) for s in raw_steps if s.name])
    _check_unique(issues, "output", "outputs", [(o.name, n) for n, o in enumerate(outputs)])
    return ParsedDefinition(inputs=tuple(inputs), steps=tuple(raw_steps), outputs=tuple(outputs))


def _check_version(version: object, issues: IssueList) -> None:
    """Roboflow picks the engine before it parses anything: a version that is there must be a
    PEP 440 version whose major release the engine serves, no newer than the engine."""
    if not version:
        return
    try:
        requested = Version(version) if isinstance(version, str) else None
    except InvalidVersion:
        requested = None
    if requested is None:
        issues.error(
            ErrorCode.INVALID_VERSION, f'`version` {version!r} is not a version number like "1.0".', pointer("version")
        )
    elif ENGINE_VERSION not in SpecifierSet(f">={requested},<{requested.major + 1}.0.0"):
        issues.error(
            ErrorCode.UNSUPPORTED_VERSION,
            f"Execution engine version {version} is not supported; this server runs {ENGINE_VERSION}.",
            pointer("version"),
        )


def _parse_inputs(value: Any, issues: IssueList) -> list[InputPlan]:
    inputs = []
    for index, item in enumerate(value if isinstance(value, list) else []):
        at = pointer("inputs", index)
        if not isinstance(item, Mapping):
            issues.error(ErrorCode.INVALID_VALUE, "An input is an object with `type` and `name`.", at)
            continue
        name, type_ = item.get("name"), item.get("type")
        if not isinstance(name, str) or not name:
            issues.error(ErrorCode.MISSING_PROPERTY, "The input has no `name`.", pointer("inputs", index, "name"))
            continue
        known = INPUT_TYPES.get(type_) if isinstance(type_, str) else None
        if known is None:
            issues.error(
                ErrorCode.INVALID_VALUE,
                f"Input `{name}` has unknown type {type_!r}; use one of WorkflowImage, WorkflowParameter, "
                "WorkflowBatchInput, WorkflowVideoMetadata.",
                pointer("inputs", index, "type"),
                property="type",
            )
            continue
        canonical, default_kinds, dimensionality = known
        kinds = default_kinds
        if "kind" in item and canonical in ("WorkflowParameter", "WorkflowBatchInput"):
            declared = _kinds(item["kind"])
            if declared is None:
                issues.error(
                    ErrorCode.INVALID_VALUE,
                    f"Input `{name}` has a malformed `kind` list.",
                    pointer("inputs", index, "kind"),
                )
            elif declared:
                kinds = declared
        if "dimensionality" in item:
            declared_dim = lax_int(item["dimensionality"])
            if declared_dim is None or (canonical != "WorkflowBatchInput" and declared_dim != dimensionality):
                wanted = "a whole number" if canonical == "WorkflowBatchInput" else str(dimensionality)
                issues.error(
                    ErrorCode.INVALID_VALUE,
                    f"The dimensionality of input `{name}` must be {wanted}.",
                    pointer("inputs", index, "dimensionality"),
                    property="dimensionality",
                )
                continue
            if declared_dim < 1:
                issues.error(
                    ErrorCode.BATCH_DIMENSIONALITY,
                    f"Batch input `{name}` needs a dimensionality of 1 or more.",
                    pointer("inputs", index, "dimensionality"),
                )
            dimensionality = declared_dim
        inputs.append(
            InputPlan(
                name=name,
                type=canonical,
                kinds=kinds,
                dimensionality=dimensionality,
                default_value=item.get("default_value"),
            )
        )
    return inputs


def _parse_steps(value: list[Any], issues: IssueList) -> list[RawStep]:
    steps = []
    for index, item in enumerate(value):
        if not isinstance(item, Mapping):
            issues.error(
                ErrorCode.INVALID_VALUE, "A step is an object with `type` and `name`.", pointer("steps", index)
            )
            continue
        name = item.get("name")
        if not isinstance(name, str) or not name:
            issues.error(
                ErrorCode.MISSING_PROPERTY, "The step has no `name`.", pointer("steps", index, "name"), property="name"
            )
            name = None
        steps.append(RawStep(index=index, name=name, body=item))
    return steps


def _parse_outputs(value: Any, issues: IssueList) -> list[OutputPlan]:
    outputs = []
    for index, item in enumerate(value if isinstance(value, list) else []):
        if not isinstance(item, Mapping):
            issues.error(
                ErrorCode.INVALID_VALUE, "An output is an object with `name` and `selector`.", pointer("outputs", index)
            )
            continue
        name, raw = item.get("name"), item.get("selector")
        if not isinstance(name, str) or not name:
            issues.error(ErrorCode.MISSING_PROPERTY, "The output has no `name`.", pointer("outputs", index, "name"))
            continue
        if item.get("type") != "JsonField":
            code = ErrorCode.MISSING_PROPERTY if "type" not in item else ErrorCode.INVALID_VALUE
            issues.error(code, f'Output `{name}` needs `"type": "JsonField"`.', pointer("outputs", index, "type"))
            continue
        if item.get("coordinates_system", "parent") not in COORDINATES_SYSTEMS:
            issues.error(
                ErrorCode.INVALID_VALUE,
                f"`coordinates_system` of output `{name}` must be one of {', '.join(COORDINATES_SYSTEMS)}.",
                pointer("outputs", index, "coordinates_system"),
            )
            continue
        selector = parse_selector(raw) if isinstance(raw, str) else None
        if selector is None or (selector.source == "step" and selector.output is None):
            issues.error(
                ErrorCode.INVALID_SELECTOR,
                f"Output `{name}` needs a selector like `$steps.step.output`, `$steps.step.*` or `$inputs.name`.",
                pointer("outputs", index, "selector"),
                property=name,
                selector=raw if isinstance(raw, str) else None,
            )
            continue
        outputs.append(OutputPlan(name=name, selector=selector))
    return outputs


def _check_unique(issues: IssueList, what: str, section: str, names: list[tuple[str | None, int]]) -> None:
    seen: set[str] = set()
    for name, index in names:
        if name is None:
            continue
        if name in seen:
            issues.error(
                ErrorCode.DUPLICATE_NAME,
                f"Two {what}s are named `{name}`; {what} names must be unique.",
                pointer(section, index, "name"),
                details={"kind_of_name": what},
                **({"step": name} if what == "step" else {}),
            )
        seen.add(name)


def definition_shape_ok(definition: object) -> bool:
    return isinstance(definition, Mapping) and all(
        isinstance(cast(Mapping[str, Any], definition).get(key), list) for key in ("inputs", "steps", "outputs")
    )
