"""Step migrations declared as data by a block version: how a step written for an earlier version
becomes a step for this one.

A version lists them in its schema's ``migrations`` (a keyword Roboflow's describe does not use):

    {"from": "acme/thing@v2", "operations": [
        {"op": "rename", "from": "old_name", "to": "new_name"},
        {"op": "map_values", "property": "mode", "values": [{"from": "fast", "to": "quick"}]},
        {"op": "set", "property": "flag", "value": true}]}

Operations run in order on the step's properties; each one reports what it did.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from blocks.compatibility.policy import version_number

MIGRATIONS_KEY = "migrations"


class _Rename(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    op: Literal["rename"]
    source: str = Field(alias="from", min_length=1)
    target: str = Field(alias="to", min_length=1)


class _ValueMapping(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    source: Any = Field(alias="from")
    target: Any = Field(alias="to")


class _MapValues(BaseModel):
    model_config = ConfigDict(extra="forbid")
    op: Literal["map_values"]
    property: str = Field(min_length=1)
    values: list[_ValueMapping]


class _Set(BaseModel):
    model_config = ConfigDict(extra="forbid")
    op: Literal["set"]
    property: str = Field(min_length=1)
    value: Any


Operation = Annotated[_Rename | _MapValues | _Set, Field(discriminator="op")]


class StepMigration(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)
    source: str = Field(alias="from", min_length=1)
    operations: list[Operation]


_MIGRATIONS = TypeAdapter(list[StepMigration])
PROTECTED = frozenset({"type", "name"})


def declared_migrations(description: Mapping[str, Any]) -> list[StepMigration]:
    """The migrations a description declares; raises ``ValueError`` when they are malformed."""
    raw = description.get("block_schema", {}).get(MIGRATIONS_KEY, [])
    try:
        migrations = _MIGRATIONS.validate_python(raw)
    except ValidationError as exc:
        raise ValueError(f"`block_schema.migrations` is malformed: {exc.errors()[0]['msg']}") from exc
    for migration in migrations:
        for operation in migration.operations:
            touched = {getattr(operation, name, None) for name in ("source", "target", "property")}
            if touched & PROTECTED:
                raise ValueError("A migration may not change a step's `type` or `name`.")
    return migrations


def migration_problems(description: Mapping[str, Any]) -> list[str]:
    try:
        declared_migrations(description)
    except ValueError as exc:
        return [str(exc)]
    return []


def migrate_step(
    step: Mapping[str, Any], *, target: str, versions: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The step moved to version ``target``, with the migrations declared along the way applied.

    ``versions`` are the family's descriptions. A target that declares a migration straight from the
    step's version uses it; otherwise each version between the two applies its migration from the one
    before. Moving to an older version applies none.
    """
    moved = copy.deepcopy(dict(step))
    current = str(step.get("type", ""))
    by_id = {d["manifest_type_identifier"]: d for d in versions}
    applied: list[dict[str, Any]] = []
    if target in by_id and version_number(target) > version_number(current):
        direct = _migration_from(by_id[target], current)
        if direct is not None:
            applied.extend(_apply(moved, direct))
        else:
            low, high = version_number(current), version_number(target)
            between = sorted(
                (d for d in versions if low < version_number(d["manifest_type_identifier"]) <= high),
                key=lambda d: version_number(d["manifest_type_identifier"]),
            )
            for description in between:
                migration = _migration_from(description, current)
                if migration is not None:
                    applied.extend(_apply(moved, migration))
                current = description["manifest_type_identifier"]
    moved["type"] = target
    return moved, applied


def _migration_from(description: Mapping[str, Any], source: str) -> StepMigration | None:
    return next((m for m in declared_migrations(description) if m.source == source), None)


def _apply(step: dict[str, Any], migration: StepMigration) -> list[dict[str, Any]]:
    applied: list[dict[str, Any]] = []
    for operation in migration.operations:
        if isinstance(operation, _Rename):
            if operation.source in step:
                step[operation.target] = step.pop(operation.source)
                applied.append({"op": "rename", "from": operation.source, "to": operation.target})
        elif isinstance(operation, _MapValues):
            value = step.get(operation.property)
            mapping = next((m for m in operation.values if operation.property in step and m.source == value), None)
            if mapping is not None:
                step[operation.property] = copy.deepcopy(mapping.target)
                applied.append(
                    {"op": "map_values", "property": operation.property, "from": value, "to": mapping.target}
                )
        elif step.get(operation.property, _MISSING) != operation.value:
            step[operation.property] = copy.deepcopy(operation.value)
            applied.append({"op": "set", "property": operation.property, "value": operation.value})
    return applied


_MISSING = object()
