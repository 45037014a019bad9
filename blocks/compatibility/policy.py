"""Compatibility policies: Confluent Schema Registry's seven modes, applied to block families.

A mode names the directions a new version must not break (see ``diff``) and whether it is checked
against the latest version only or against every earlier one (transitive).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from blocks.compatibility.diff import BACKWARD, FORWARD, Change, diff_specs
from blocks.spec import BlockSpec
from blocks.validation import family_and_version


class Compatibility(StrEnum):
    BACKWARD = "BACKWARD"
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"
    FORWARD = "FORWARD"
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"
    FULL = "FULL"
    FULL_TRANSITIVE = "FULL_TRANSITIVE"
    NONE = "NONE"

    @property
    def directions(self) -> frozenset[str]:
        base = self.value.removesuffix("_TRANSITIVE")
        return {
            "BACKWARD": frozenset({BACKWARD}),
            "FORWARD": frozenset({FORWARD}),
            "FULL": frozenset({BACKWARD, FORWARD}),
        }.get(base, frozenset())

    @property
    def transitive(self) -> bool:
        return self.value.endswith("_TRANSITIVE")


DEFAULT_COMPATIBILITY = Compatibility.BACKWARD


@dataclass(frozen=True, slots=True)
class ComparedChange:
    against: str
    change: Change
    violates: bool

    def as_dict(self) -> dict[str, Any]:
        return {**self.change.as_dict(), "against": self.against, "violates_policy": self.violates}


@dataclass(frozen=True, slots=True)
class CompatibilityReport:
    compatibility: Compatibility
    compared_with: tuple[str, ...]
    changes: tuple[ComparedChange, ...]

    @property
    def is_compatible(self) -> bool:
        return not any(item.violates for item in self.changes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "is_compatible": self.is_compatible,
            "compatibility": self.compatibility.value,
            "compared_with": list(self.compared_with),
            "changes": [item.as_dict() for item in self.changes],
        }


def version_number(identifier: str) -> int:
    """`family@v12` -> 12; an identifier without a version suffix counts as version 0."""
    _, label = family_and_version(identifier)
    return int(label[1:]) if label else 0


def check_compatibility(
    candidate: Mapping[str, Any], existing: Sequence[Mapping[str, Any]], compatibility: Compatibility
) -> CompatibilityReport:
    """``candidate`` (a description) against the family's ``existing`` descriptions, in any order.

    Non-transitive modes (and NONE, which only reports) compare with the latest version only.
    """
    ordered = sorted(existing, key=lambda d: version_number(d["manifest_type_identifier"]))
    compared = ordered if compatibility.transitive else ordered[-1:]
    new = BlockSpec.from_description(candidate)
    directions = compatibility.directions
    changes = []
    for old_description in reversed(compared):
        against = old_description["manifest_type_identifier"]
        for change in diff_specs(BlockSpec.from_description(old_description), new):
            changes.append(ComparedChange(against, change, violates=bool(directions.intersection(change.breaks))))
    return CompatibilityReport(
        compatibility=compatibility,
        compared_with=tuple(d["manifest_type_identifier"] for d in reversed(compared)),
        changes=tuple(changes),
    )
