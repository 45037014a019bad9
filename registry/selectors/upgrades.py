"""Plans of workflow upgrades: which steps move to which versions, what changes, what it gives.

A plan is a read: the steps moved (with the target's declared migrations applied), the semantic
changes per step, an RFC 6902 patch from the old definition to the new, and the new definition's
validation. `registry.services.upgrades` writes it as a revision; the usages selector reuses it to
tell which saved workflows a version change would break.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import jsonpatch

from blocks.compatibility.diff import diff_descriptions
from blocks.compatibility.migrations import migrate_step
from blocks.errors import DomainError, ErrorCode
from blocks.spec import CatalogSnapshot
from executor.compiler import ChildResolver, compile_workflow
from registry.models import CATALOG_STATES_VALUES, BlockVersion
from registry.selectors.catalog import block_spec_from_row, catalog_snapshot
from registry.selectors.workflows import compiler_config


@dataclass
class VersionIndex:
    """Every registered version by identifier and alias, and each family's versions: loaded once."""

    by_identifier: dict[str, BlockVersion] = field(default_factory=dict)
    families: dict[str, list[BlockVersion]] = field(default_factory=dict)
    # Checking many workflows against one move diffs the same pair and builds the same catalog.
    _diffs: dict[tuple[int, int], list[dict[str, Any]]] = field(default_factory=dict)
    _catalogs: dict[frozenset[int], CatalogSnapshot] = field(default_factory=dict)

    @classmethod
    def load(cls) -> VersionIndex:
        index = cls()
        for row in BlockVersion.objects.select_related("block_type__default_version"):
            index.families.setdefault(row.block_type.family, []).append(row)
            for identifier in (row.type_identifier, *row.aliases):
                index.by_identifier.setdefault(identifier, row)
        for row in list(index.by_identifier.values()):
            index.by_identifier[row.type_identifier] = row
        return index

    def target(self, current: BlockVersion, label: str) -> BlockVersion | None:
        identifier = label if "@" in label else f"{current.block_type.family}@{label}"
        return self.by_identifier.get(identifier)

    def changes(self, current: BlockVersion, target: BlockVersion) -> list[dict[str, Any]]:
        key = (current.pk, target.pk)
        if key not in self._diffs:
            self._diffs[key] = [c.as_dict() for c in diff_descriptions(current.description, target.description)]
        return copy.deepcopy(self._diffs[key])

    def catalog_with(self, targets: list[BlockVersion]) -> CatalogSnapshot:
        """The catalog, plus targets outside it (a draft being tried) so that steps resolve them."""
        extra = {row.pk: row for row in targets if row.state not in CATALOG_STATES_VALUES}
        key = frozenset(extra)
        if key not in self._catalogs:
            catalog = catalog_snapshot()
            if extra:
                specs = [*catalog.blocks.values(), *(block_spec_from_row(row) for row in extra.values())]
                names = "+".join(sorted(row.type_identifier for row in extra.values()))
                catalog = CatalogSnapshot.build(specs, version=f"{catalog.version}+{names}")
            self._catalogs[key] = catalog
        return self._catalogs[key]


@dataclass(frozen=True, slots=True)
class UpgradePlan:
    steps: list[dict[str, Any]]
    specification: Any
    patch: list[dict[str, Any]]
    validation: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "steps": self.steps,
            "patch": self.patch,
            "specification": self.specification,
            "validation": self.validation,
        }


def _step_error(name: str, code: ErrorCode, message: str) -> DomainError:
    return DomainError(message, code=code, details=[{"path": f"/steps/{name}", "code": code, "message": message}])


def upgrade_targets(
    definition: Any, *, index: VersionIndex, targets: Mapping[str, str] | None = None, to_default: bool = False
) -> dict[str, tuple[BlockVersion, BlockVersion]]:
    """Step name -> (current version, target version); only steps that actually move."""
    steps: dict[str, dict[str, Any]] = {s["name"]: s for s in _steps(definition)}
    moves: dict[str, tuple[BlockVersion, BlockVersion]] = {}
    for name, label in (targets or {}).items():
        step = steps.get(name)
        current = index.by_identifier.get(str(step.get("type"))) if step is not None else None
        if step is None or current is None:
            raise _step_error(
                name, ErrorCode.UNKNOWN_STEP, f"The workflow has no step `{name}` of a registered block type."
            )
        target = index.target(current, label)
        if target is None or target.block_type_id != current.block_type_id:
            raise _step_error(
                name,
                ErrorCode.UNKNOWN_TARGET,
                f"{label!r} is not a version of {current.block_type.family} (step `{name}`).",
            )
        if target.pk != current.pk:
            moves[name] = (current, target)
    if to_default:
        for step_name, step in steps.items():
            current = index.by_identifier.get(str(step.get("type")))
            default = current.block_type.default_version if current is not None else None
            if current is not None and default is not None and default.pk != current.pk and step_name not in moves:
                moves[step_name] = (current, default)
    return moves


def _steps(definition: Any) -> list[dict[str, Any]]:
    steps = definition.get("steps") if isinstance(definition, Mapping) else None
    return (
        [s for s in steps if isinstance(s, dict) and isinstance(s.get("name"), str)] if isinstance(steps, list) else []
    )


def upgrade_plan(
    definition: Any,
    moves: Mapping[str, tuple[BlockVersion, BlockVersion]],
    *,
    index: VersionIndex,
    children: ChildResolver | None = None,
) -> UpgradePlan:
    """`children` finds the saved workflows inner workflow steps name (none found without it)."""
    upgraded = copy.deepcopy(definition)
    report = []
    for position, step in enumerate(upgraded.get("steps", []) if isinstance(upgraded, dict) else []):
        name = step.get("name") if isinstance(step, dict) else None
        if not isinstance(name, str) or name not in moves:
            continue
        current, target = moves[name]
        family = [row.description for row in index.families[current.block_type.family]]
        moved, applied = migrate_step(
            {**step, "type": current.type_identifier}, target=target.type_identifier, versions=family
        )
        upgraded["steps"][position] = moved
        report.append(
            {
                "step": name,
                "from": current.type_identifier,
                "to": target.type_identifier,
                "changes": index.changes(current, target),
                "migrations": applied,
            }
        )
    catalog = index.catalog_with([target for _, target in moves.values()])
    result = compile_workflow(upgraded, catalog, compiler_config(), children=children)
    return UpgradePlan(
        steps=report,
        specification=upgraded,
        patch=jsonpatch.make_patch(definition, upgraded).patch,
        validation={
            "valid": result.valid,
            "errors": [issue.as_dict() for issue in result.errors],
            "warnings": [issue.as_dict() for issue in result.warnings],
        },
    )


def workflow_upgrade_preview(
    *, definition: Any, targets: Mapping[str, str] | None = None, to_default: bool = False
) -> UpgradePlan:
    index = VersionIndex.load()
    return upgrade_plan(
        definition, upgrade_targets(definition, index=index, targets=targets, to_default=to_default), index=index
    )
