"""The semantic diff of two versions of a block, computed from their ``BlockDescription`` dicts.

A step written for version A keeps working on version B when every property value A accepted, B
accepts, and every output A produced, B produces with kinds its consumers still accept. Each change
says whether it breaks a step that moves from A to B (``backward``) or from B to A (``forward``),
so ``diff(b, a)`` lists the mirror changes of ``diff(a, b)`` with the two directions swapped.

By that definition a property a version adds breaks ``forward`` even when it is optional: a step
written for B that sets it loses the value on A. Changing a default breaks neither direction (every
value is still accepted) but is reported, since steps that leave the property out behave
differently.

Pointers address B's description, or A's for what B no longer has.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from blocks.compatibility.facts import (
    PropertyFacts,
    kinds_cover,
    lower_key,
    property_facts,
    types_cover,
    upper_key,
)
from blocks.json_pointer import pointer
from blocks.spec import BlockSpec, PropertySpec

BACKWARD = "backward"
FORWARD = "forward"
BOTH = (BACKWARD, FORWARD)
# Step properties every block has; the `type` literal differs between versions by design.
SKIPPED_PROPERTIES = frozenset({"type", "name"})
DIMENSIONALITY_KEYS = (
    "input_dimensionality_offsets",
    "dimensionality_reference_property",
    "output_dimensionality_offset",
)


class ChangeCode(StrEnum):
    PROPERTY_ADDED_OPTIONAL = "PROPERTY_ADDED_OPTIONAL"
    PROPERTY_ADDED_REQUIRED = "PROPERTY_ADDED_REQUIRED"
    PROPERTY_REMOVED = "PROPERTY_REMOVED"
    PROPERTY_MADE_REQUIRED = "PROPERTY_MADE_REQUIRED"
    PROPERTY_MADE_OPTIONAL = "PROPERTY_MADE_OPTIONAL"
    PROPERTY_TYPE_CHANGED = "PROPERTY_TYPE_CHANGED"
    ENUM_VALUES_ADDED = "ENUM_VALUES_ADDED"
    ENUM_VALUES_REMOVED = "ENUM_VALUES_REMOVED"
    RANGE_NARROWED = "RANGE_NARROWED"
    RANGE_WIDENED = "RANGE_WIDENED"
    DEFAULT_CHANGED = "DEFAULT_CHANGED"
    INPUT_KINDS_ADDED = "INPUT_KINDS_ADDED"
    INPUT_KINDS_REMOVED = "INPUT_KINDS_REMOVED"
    REFERENCE_ADDED = "REFERENCE_ADDED"
    REFERENCE_REMOVED = "REFERENCE_REMOVED"
    OUTPUT_ADDED = "OUTPUT_ADDED"
    OUTPUT_REMOVED = "OUTPUT_REMOVED"
    OUTPUT_KINDS_CHANGED = "OUTPUT_KINDS_CHANGED"
    DIMENSIONALITY_CHANGED = "DIMENSIONALITY_CHANGED"


@dataclass(frozen=True, slots=True)
class Change:
    code: ChangeCode
    pointer: str
    message: str
    breaks: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code.value, "pointer": self.pointer, "message": self.message, "breaks": list(self.breaks)}


def diff_descriptions(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[Change, ...]:
    """The changes from block description ``old`` (A) to ``new`` (B)."""
    return diff_specs(BlockSpec.from_description(old), BlockSpec.from_description(new))


def diff_specs(old: BlockSpec, new: BlockSpec) -> tuple[Change, ...]:
    return (*_property_changes(old, new), *_output_changes(old, new), *_dimensionality_changes(old, new))


def _prop_at(name: str, *rest: str | int) -> str:
    return pointer("block_schema", "properties", name, *rest)


def _needs_value(prop: PropertySpec) -> bool:
    return prop.required and not prop.has_default


def _property_changes(old: BlockSpec, new: BlockSpec) -> Iterator[Change]:
    for name, before in old.properties.items():
        if name in SKIPPED_PROPERTIES:
            continue
        after = new.properties.get(name)
        if after is None:
            breaks = BOTH if _needs_value(before) else (BACKWARD,)
            yield Change(
                ChangeCode.PROPERTY_REMOVED,
                _prop_at(name),
                f"`{name}` was removed: steps that set it lose the value.",
                breaks,
            )
            continue
        yield from _changed_property(old, new, before, after)
    for name, after in new.properties.items():
        if name in SKIPPED_PROPERTIES or name in old.properties:
            continue
        if _needs_value(after):
            yield Change(
                ChangeCode.PROPERTY_ADDED_REQUIRED,
                _prop_at(name),
                f"`{name}` was added and is required: steps without it no longer validate.",
                BOTH,
            )
        else:
            yield Change(
                ChangeCode.PROPERTY_ADDED_OPTIONAL,
                _prop_at(name),
                f"`{name}` was added as an optional property.",
                (FORWARD,),
            )


def _changed_property(old: BlockSpec, new: BlockSpec, before: PropertySpec, after: PropertySpec) -> Iterator[Change]:
    name = before.name
    if _needs_value(after) and not _needs_value(before):
        yield Change(ChangeCode.PROPERTY_MADE_REQUIRED, _prop_at(name), f"`{name}` is now required.", (BACKWARD,))
    elif _needs_value(before) and not _needs_value(after):
        yield Change(ChangeCode.PROPERTY_MADE_OPTIONAL, _prop_at(name), f"`{name}` is now optional.", (FORWARD,))
    a = property_facts(before.schema, old.schema.get("$defs", {}))
    b = property_facts(after.schema, new.schema.get("$defs", {}))
    yield from _type_change(name, a, b)
    yield from _enum_changes(name, a, b)
    yield from _range_changes(name, a, b)
    if before.has_default and after.has_default and before.default != after.default:
        yield Change(
            ChangeCode.DEFAULT_CHANGED,
            _prop_at(name, "default"),
            f"The default of `{name}` changed from {before.default!r} to {after.default!r}: "
            "steps that leave it out behave differently.",
        )
    yield from _reference_changes(before, after, a, b)


def _type_change(name: str, a: PropertyFacts, b: PropertyFacts) -> Iterator[Change]:
    breaks = _breaks(backward=not types_cover(b.types, a.types), forward=not types_cover(a.types, b.types))
    if breaks:
        yield Change(
            ChangeCode.PROPERTY_TYPE_CHANGED,
            _prop_at(name, *b.types_path),
            f"`{name}` took literal values of type {_listed(a.types)}; it now takes {_listed(b.types)}.",
            breaks,
        )


def _enum_changes(name: str, a: PropertyFacts, b: PropertyFacts) -> Iterator[Change]:
    if a.enum is None and b.enum is None:
        return
    at = _prop_at(name, *(b.enum_path if b.enum is not None else a.enum_path))
    if a.enum is None and b.enum is not None:
        yield Change(ChangeCode.ENUM_VALUES_REMOVED, at, f"`{name}` now only accepts {_values(b.enum)}.", (BACKWARD,))
        return
    if b.enum is None:
        yield Change(ChangeCode.ENUM_VALUES_ADDED, at, f"`{name}` now accepts any value of its type.", (FORWARD,))
        return
    assert a.enum is not None
    removed = [value for value in a.enum if value not in b.enum]
    added = [value for value in b.enum if value not in a.enum]
    if removed:
        yield Change(ChangeCode.ENUM_VALUES_REMOVED, at, f"`{name}` no longer accepts {_values(removed)}.", (BACKWARD,))
    if added:
        yield Change(ChangeCode.ENUM_VALUES_ADDED, at, f"`{name}` now also accepts {_values(added)}.", (FORWARD,))


def _range_changes(name: str, a: PropertyFacts, b: PropertyFacts) -> Iterator[Change]:
    sides = (
        ("minimum", lower_key(a.lower), lower_key(b.lower), b.lower_path or a.lower_path, 1),
        ("maximum", upper_key(a.upper), upper_key(b.upper), b.upper_path or a.upper_path, -1),
    )
    for label, before, after, path, stricter in sides:
        if before == after:
            continue
        narrowed = (after > before) if stricter == 1 else (after < before)
        yield Change(
            ChangeCode.RANGE_NARROWED if narrowed else ChangeCode.RANGE_WIDENED,
            _prop_at(name, *path),
            f"The {label} of `{name}` changed from {_bound_text(before)} to {_bound_text(after)}.",
            (BACKWARD,) if narrowed else (FORWARD,),
        )


def _reference_changes(
    before: PropertySpec, after: PropertySpec, a: PropertyFacts, b: PropertyFacts
) -> Iterator[Change]:
    name = before.name
    for what, had, has, path in (
        (
            "a selector (`$inputs.x`, `$steps.s.o`)",
            before.takes_reference,
            after.takes_reference,
            b.data_reference_path or a.data_reference_path,
        ),
        (
            "a step selector (`$steps.s`)",
            before.takes_step_selector,
            after.takes_step_selector,
            b.step_reference_path or a.step_reference_path,
        ),
    ):
        if has and not had:
            yield Change(
                ChangeCode.REFERENCE_ADDED, _prop_at(name, *(path or ())), f"`{name}` now takes {what}.", (FORWARD,)
            )
        elif had and not has:
            yield Change(
                ChangeCode.REFERENCE_REMOVED,
                _prop_at(name, *(path or ())),
                f"`{name}` no longer takes {what}.",
                (BACKWARD,),
            )
    if not (before.takes_reference and after.takes_reference):
        return
    old_kinds, new_kinds = before.kinds, after.kinds
    at = _prop_at(name, *(b.data_reference_path or ()), "kind")
    removed = [k for k in old_kinds if k not in new_kinds] if "*" not in new_kinds else []
    added = [k for k in new_kinds if k not in old_kinds] if "*" not in old_kinds else []
    if removed:
        yield Change(
            ChangeCode.INPUT_KINDS_REMOVED,
            at,
            f"`{name}` no longer accepts selectors of kind {_listed(removed)}.",
            (BACKWARD,),
        )
    if added:
        yield Change(ChangeCode.INPUT_KINDS_ADDED, at, f"`{name}` now also accepts kind {_listed(added)}.", (FORWARD,))


def _output_changes(old: BlockSpec, new: BlockSpec) -> Iterator[Change]:
    new_index = {out.name: index for index, out in enumerate(new.outputs)}
    old_names = {out.name for out in old.outputs}
    for index, out in enumerate(old.outputs):
        if out.name not in new_index:
            yield Change(
                ChangeCode.OUTPUT_REMOVED,
                pointer("outputs_manifest", index),
                f"The output `{out.name}` was removed: selectors of it no longer resolve.",
                (BACKWARD,),
            )
            continue
        after = new.outputs[new_index[out.name]]
        if set(out.kinds) != set(after.kinds):
            breaks = _breaks(
                backward=not kinds_cover(after.kinds, out.kinds), forward=not kinds_cover(out.kinds, after.kinds)
            )
            yield Change(
                ChangeCode.OUTPUT_KINDS_CHANGED,
                pointer("outputs_manifest", new_index[out.name], "kind"),
                f"The output `{out.name}` was of kind {_listed(out.kinds)}; it is now {_listed(after.kinds)}.",
                breaks,
            )
    for index, out in enumerate(new.outputs):
        if out.name not in old_names:
            yield Change(
                ChangeCode.OUTPUT_ADDED,
                pointer("outputs_manifest", index),
                f"The output `{out.name}` was added.",
                (FORWARD,),
            )


def _dimensionality_changes(old: BlockSpec, new: BlockSpec) -> Iterator[Change]:
    values = {
        "input_dimensionality_offsets": (
            dict(old.input_dimensionality_offsets),
            dict(new.input_dimensionality_offsets),
        ),
        "dimensionality_reference_property": (
            old.dimensionality_reference_property,
            new.dimensionality_reference_property,
        ),
        "output_dimensionality_offset": (old.output_dimensionality_offset, new.output_dimensionality_offset),
    }
    for key in DIMENSIONALITY_KEYS:
        before, after = values[key]
        if before != after:
            yield Change(
                ChangeCode.DIMENSIONALITY_CHANGED,
                pointer(key),
                f"`{key}` changed from {before!r} to {after!r}: steps are fed and produce batches of another depth.",
                BOTH,
            )


def _breaks(*, backward: bool, forward: bool) -> tuple[str, ...]:
    return tuple(direction for direction, flag in ((BACKWARD, backward), (FORWARD, forward)) if flag)


def _listed(values: Any) -> str:
    items = sorted(values) if isinstance(values, set) else list(values)
    return ", ".join(f"`{item}`" for item in items) or "none"


def _values(values: list[Any]) -> str:
    return ", ".join(repr(value) for value in values)


def _bound_text(key: tuple[float, int]) -> str:
    value, flag = key
    if value in (float("inf"), float("-inf")):
        return "none"
    number = int(value) if value == int(value) else value
    return f"{number} (exclusive)" if flag else str(number)
