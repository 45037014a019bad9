"""Reads for the registry's lifecycle: a family's policy, its versions, diffs and compatibility checks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from blocks.compatibility.diff import Change, diff_descriptions
from blocks.compatibility.policy import (
    DEFAULT_COMPATIBILITY,
    Compatibility,
    CompatibilityReport,
    check_compatibility,
    version_number,
)
from blocks.errors import DomainError, ErrorCode, NotFoundError
from blocks.validation import family_and_version
from registry.models import CATALOG_STATES_VALUES, BlockType, BlockVersion, CompatibilityPolicy

GLOBAL = ""


def compatibility_get(*, family: str = GLOBAL) -> tuple[Compatibility, str]:
    """The mode that applies to ``family`` (or the global default) and where it is set."""
    rows = dict(CompatibilityPolicy.objects.filter(family__in={family, GLOBAL}).values_list("family", "compatibility"))
    if family and family in rows:
        return Compatibility(rows[family]), "family"
    if GLOBAL in rows:
        return Compatibility(rows[GLOBAL]), "global"
    return DEFAULT_COMPATIBILITY, "default"


def block_type_get(family: str) -> BlockType:
    block_type = BlockType.objects.filter(family=family).first()
    if block_type is None:
        raise NotFoundError(f"No block family is registered as {family!r}.", code=ErrorCode.UNKNOWN_FAMILY)
    return block_type


def family_versions(family: str) -> list[BlockVersion]:
    """The family's versions, oldest first by version number."""
    rows = BlockVersion.objects.filter(block_type__family=family).select_related("block_type")
    return sorted(rows, key=lambda row: version_number(row.type_identifier))


def family_version_get(family: str, label: str) -> BlockVersion:
    """A version of the family by its label (`v2`) or its full identifier."""
    identifier = label if "@" in label else f"{family}@{label}"
    row = BlockVersion.objects.filter(type_identifier=identifier, block_type__family=family).first()
    if row is None:
        raise NotFoundError(f"{family} has no version {label!r}.", code=ErrorCode.UNKNOWN_BLOCK_TYPE)
    return row


def family_diff(*, family: str, old: str, new: str) -> tuple[BlockVersion, BlockVersion, tuple[Change, ...]]:
    before, after = family_version_get(family, old), family_version_get(family, new)
    return before, after, diff_descriptions(before.description, after.description)


def compatibility_check(*, description: Mapping[str, Any], family: str | None = None) -> CompatibilityReport:
    """``description`` against the published versions of its family numbered below it."""
    candidate_family, _ = family_and_version(str(description.get("manifest_type_identifier", "")))
    if family is not None and family != candidate_family:
        raise DomainError(
            f"The description is a version of {candidate_family!r}, not of {family!r}.",
            code=ErrorCode.FAMILY_MISMATCH,
            details=[
                {"path": "/manifest_type_identifier", "code": ErrorCode.FAMILY_MISMATCH, "message": candidate_family}
            ],
        )
    number = version_number(description["manifest_type_identifier"])
    existing = [
        row.description
        for row in family_versions(candidate_family)
        if row.state in CATALOG_STATES_VALUES
        and row.type_identifier != description["manifest_type_identifier"]
        and version_number(row.type_identifier) < number
    ]
    mode, _ = compatibility_get(family=candidate_family)
    return check_compatibility(description, existing, mode)
