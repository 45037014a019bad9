"""Writes to the block catalog as a whole: the built-ins' sync and imports of Roboflow's catalog.

Each service is one transaction that ends by rebuilding the catalog snapshot when anything changed.
A built-in's new manifest becomes a new revision (the old one stays in the history); an imported
version with different content is a conflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction

from blocks.catalog import BUILTIN_BLOCKS, builtin_descriptions
from blocks.errors import ConflictError, DomainError, ErrorCode
from blocks.kinds import ALL_KINDS
from blocks.validation import canonical_description, content_hash, validate_description
from registry.models import BlockType, BlockVersion, BlockVersionRevision, Kind, Source, State
from registry.services.block_versions import DryRunRollbackError, User, block_version_create, block_version_describe
from registry.services.catalog_snapshot import catalog_snapshot_rebuild
from registry.services.compatibility import publish_audit_records


@dataclass
class CatalogChangeReport:
    created: list[str] = field(default_factory=list)
    revised: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_builtin: list[str] = field(default_factory=list)
    kinds_created: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.revised or self.kinds_created)


def _ensure_default_versions() -> None:
    """Each family without a default gets its newest published version as the default."""
    for block_type in BlockType.objects.filter(default_version__isnull=True):
        published = [v for v in block_type.versions.all() if v.state == State.PUBLISHED]
        if published:
            newest = max(published, key=lambda v: (len(v.version), v.version))
            block_type.default_version = newest
            block_type.save(update_fields=["default_version", "updated_at"])


def _kinds_sync(kinds: Iterable[Mapping[str, Any]], *, source: str) -> list[str]:
    existing = set(Kind.objects.values_list("name", flat=True))
    created = []
    for kind in kinds:
        name = kind.get("name")
        if not isinstance(name, str) or not name or name in existing:
            continue
        Kind.objects.create(
            name=name,
            description=str(kind.get("description") or ""),
            serialised_data_type=str(kind.get("serialised_data_type") or ""),
            internal_data_type=str(kind.get("internal_data_type") or ""),
            source=source,
        )
        existing.add(name)
        created.append(name)
    return created


@transaction.atomic
def builtin_catalog_sync() -> CatalogChangeReport:
    """Publish the built-in catalog; running it again changes nothing."""
    report = CatalogChangeReport()
    report.kinds_created = _kinds_sync((kind.as_dict() for kind in ALL_KINDS), source=Source.BUILTIN)
    executable_by_id = {definition.type_identifier: definition.run is not None for definition in BUILTIN_BLOCKS}
    metadata_changed = False
    for description in builtin_descriptions():
        identifier = description["manifest_type_identifier"]
        row = BlockVersion.objects.filter(type_identifier=identifier).first()
        executable = executable_by_id[identifier]
        if row is None:
            block_version_create(
                description=description, source=Source.BUILTIN, state=State.PUBLISHED, executable=executable, user=None
            )
            report.created.append(identifier)
            continue
        if row.source != Source.BUILTIN:
            # An import got there first; the built-in implementation takes the identifier over.
            row.source = Source.BUILTIN
        if row.content_hash != content_hash(description):
            block_version_describe(row=row, description=description)
            row.revision += 1
            BlockVersionRevision.objects.create(
                block_version=row,
                number=row.revision,
                description=row.description,
                content_hash=row.content_hash,
                note="manifest changed in code; synced",
            )
            report.revised.append(identifier)
        else:
            report.unchanged.append(identifier)
        if row.executable != executable:
            row.executable = executable
            metadata_changed = True
        row.save()
    _ensure_default_versions()
    publish_audit_records([*report.created, *report.revised], source=Source.BUILTIN, user=None)
    if report.changed or metadata_changed:
        catalog_snapshot_rebuild()
    return report


def blocks_import(payload: Mapping[str, Any], *, dry_run: bool = False, user: User = None) -> CatalogChangeReport:
    """Import a Roboflow describe payload: new versions are added, identical ones left alone.

    Built-in versions keep their implementation. A version whose stored content differs from the
    payload's is a conflict: nothing is written and every conflicting identifier is listed.
    """
    blocks = payload.get("blocks")
    if isinstance(blocks, list):
        blocks = [canonical_description(block) for block in blocks]
    if not isinstance(blocks, list):
        raise DomainError("A describe payload has a `blocks` list.", code=ErrorCode.INVALID_PAYLOAD)
    problems = []
    for index, description in enumerate(blocks):
        for problem in validate_description(description):
            problems.append(
                {"path": f"/blocks/{index}{problem.pointer}", "code": problem.code, "message": problem.message}
            )
    if problems:
        raise DomainError(
            "The payload has block descriptions that are not valid.", code=ErrorCode.INVALID_MANIFEST, details=problems
        )
    try:
        with transaction.atomic():
            report = _import_blocks(payload, blocks, user=user)
            if dry_run:
                raise DryRunRollbackError
    except DryRunRollbackError:
        pass
    except IntegrityError as exc:
        raise ConflictError(
            "Another request registered some of these block versions at the same time; import again.",
            code=ErrorCode.CATALOG_CHANGED,
        ) from exc
    return report


def _import_blocks(payload: Mapping[str, Any], blocks: list[Mapping[str, Any]], *, user: User) -> CatalogChangeReport:
    report = CatalogChangeReport()
    declared = payload.get("declared_kinds") or []
    report.kinds_created = _kinds_sync(declared if isinstance(declared, list) else [], source=Source.IMPORTED)
    stored = {row.type_identifier: row for row in BlockVersion.objects.all()}
    conflicts = []
    for description in blocks:
        identifier = description["manifest_type_identifier"]
        row = stored.get(identifier)
        if row is None:
            block_version_create(
                description=description, source=Source.IMPORTED, state=State.PUBLISHED, executable=False, user=user
            )
            report.created.append(identifier)
        elif row.source == Source.BUILTIN:
            report.kept_builtin.append(identifier)
        elif row.content_hash == content_hash(description):
            report.unchanged.append(identifier)
        else:
            conflicts.append({"path": identifier, "code": ErrorCode.CONTENT_CONFLICT, "message": "different content"})
    if conflicts:
        raise ConflictError(
            f"{len(conflicts)} block versions are registered with different content; nothing was imported.",
            code=ErrorCode.CONTENT_CONFLICT,
            details=conflicts,
        )
    _ensure_default_versions()
    # Upstream's versions are facts: their compatibility report is recorded, never enforced.
    publish_audit_records(report.created, source=Source.IMPORTED, user=user)
    if report.changed:
        catalog_snapshot_rebuild()
    return report
