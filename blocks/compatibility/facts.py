"""What a property's schema fragment accepts, read once for the diff.

A Roboflow property is a union (`anyOf`) of literal branches (typed values, enums, bounded numbers)
and selector branches (`reference: true` with kinds). The diff compares these facts, not the raw
JSON Schema text, so that a rewording or a reordering of branches is no change at all.
Each fact keeps the path of the branch it came from, for the change's JSON Pointer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

ANY_TYPE = "any"
Path = tuple[str | int, ...]
# A numeric bound: the value and whether it is exclusive.
Bound = tuple[float, bool]
_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}


@dataclass(slots=True)
class PropertyFacts:
    types: set[str] = field(default_factory=set)
    types_path: Path = ()
    enum: list[Any] | None = None
    enum_path: Path = ()
    lower: Bound | None = None
    lower_path: Path = ()
    upper: Bound | None = None
    upper_path: Path = ()
    data_reference_path: Path | None = None
    step_reference_path: Path | None = None
    # A numeric branch without a bound on that side makes the property unbounded there.
    unbounded_below: bool = False
    unbounded_above: bool = False


def property_facts(fragment: Mapping[str, Any], definitions: Mapping[str, Any]) -> PropertyFacts:
    facts = PropertyFacts()
    _walk(fragment, (), facts, definitions, depth=0)
    if facts.unbounded_below:
        facts.lower = None
    if facts.unbounded_above:
        facts.upper = None
    return facts


def _resolve(fragment: Mapping[str, Any], definitions: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = fragment.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        target = definitions.get(ref[len("#/$defs/") :])
        if isinstance(target, Mapping):
            return {**target, **{k: v for k, v in fragment.items() if k != "$ref"}}
    return fragment


def _walk(
    fragment: Mapping[str, Any], path: Path, facts: PropertyFacts, definitions: Mapping[str, Any], depth: int
) -> None:
    if depth > 8:
        return
    fragment = _resolve(fragment, definitions)
    if fragment.get("reference") is True:
        if fragment.get("selected_element") == "step":
            facts.step_reference_path = facts.step_reference_path or path
        elif facts.data_reference_path is None:
            facts.data_reference_path = path
        return
    branches = fragment.get("anyOf") or fragment.get("oneOf")
    if isinstance(branches, list):
        key = "anyOf" if "anyOf" in fragment else "oneOf"
        for index, branch in enumerate(branches):
            if isinstance(branch, Mapping):
                _walk(branch, (*path, key, index), facts, definitions, depth + 1)
        return
    if not facts.types:
        facts.types_path = path
    branch_types = _types_of(fragment)
    facts.types.update(branch_types)
    values = _enum_of(fragment)
    if values is not None:
        if facts.enum is None:
            facts.enum, facts.enum_path = [], (*path, "enum" if "enum" in fragment else "const")
        facts.enum.extend(value for value in values if value not in facts.enum)
    if branch_types & {"number", "integer"}:
        _bounds(fragment, path, facts)


def _types_of(fragment: Mapping[str, Any]) -> set[str]:
    declared = fragment.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return {str(item) for item in declared}
    values = _enum_of(fragment)
    if values is not None:
        return {_JSON_TYPES.get(type(value), "object") for value in values}
    if "$ref" in fragment:
        return {"object"}
    return {ANY_TYPE}


def _enum_of(fragment: Mapping[str, Any]) -> list[Any] | None:
    if isinstance(fragment.get("enum"), list):
        return list(fragment["enum"])
    if "const" in fragment:
        return [fragment["const"]]
    return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _bounds(fragment: Mapping[str, Any], path: Path, facts: PropertyFacts) -> None:
    lower = _bound(fragment, "minimum", "exclusiveMinimum")
    if lower is None:
        facts.unbounded_below = True
    elif facts.lower is None or lower[1] < lower_key(facts.lower):
        facts.lower, facts.lower_path = lower[0], (*path, lower[2])
    upper = _bound(fragment, "maximum", "exclusiveMaximum")
    if upper is None:
        facts.unbounded_above = True
    elif facts.upper is None or upper[1] > upper_key(facts.upper):
        facts.upper, facts.upper_path = upper[0], (*path, upper[2])


def _bound(fragment: Mapping[str, Any], inclusive: str, exclusive: str) -> tuple[Bound, tuple[float, int], str] | None:
    candidates = []
    if (value := _number(fragment.get(inclusive))) is not None:
        candidates.append(((value, False), inclusive))
    if (value := _number(fragment.get(exclusive))) is not None:
        candidates.append(((value, True), exclusive))
    if not candidates:
        return None
    # With both given, the stricter one is the bound (the larger minimum, the smaller maximum).
    is_lower = inclusive == "minimum"
    key = lower_key if is_lower else upper_key
    bound, name = (max if is_lower else min)(candidates, key=lambda c: key(c[0]))
    return bound, key(bound), name


def lower_key(bound: Bound | None) -> tuple[float, int]:
    """Larger is stricter; no bound is the loosest."""
    if bound is None:
        return (float("-inf"), 0)
    return (bound[0], 1 if bound[1] else 0)


def upper_key(bound: Bound | None) -> tuple[float, int]:
    """Smaller is stricter; no bound is the loosest."""
    if bound is None:
        return (float("inf"), 0)
    return (bound[0], -1 if bound[1] else 0)


def types_cover(wide: set[str], narrow: set[str]) -> bool:
    """Every literal type in ``narrow`` is accepted by ``wide`` (an integer is a number)."""
    if ANY_TYPE in wide:
        return True
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def kinds_cover(wide: tuple[str, ...], narrow: tuple[str, ...]) -> bool:
    """Every consumer that accepted an output of ``narrow`` kinds accepts one of ``wide`` kinds."""
    if "*" in wide:
        return True
    return "*" not in narrow and set(narrow) <= set(wide)
