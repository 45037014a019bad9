"""Writes to the block catalog: sync of the built-ins, imports, uploads and state changes.

Each service is one transaction that ends by rebuilding the catalog snapshot when anything changed.
Content under an existing version never changes silently: a built-in's new manifest becomes a new
revision (the old one stays in the history); an imported or uploaded version with different content
is a conflict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db import IntegrityError, transaction

from blocks.catalog import BUILTIN_BLOCKS, builtin_descriptions
from blocks.compatibility.migrations import migration_problems
from blocks.errors import ConflictError, DomainError, ErrorCode
from blocks.kinds import ALL_KINDS
from blocks.spec import BlockSpec
from blocks.validation import canonical_description, content_hash, family_and_version, validate_description
from registry.models import AuditAction, BlockType, BlockVersion, BlockVersionRevision, Kind, Source, State
from registry.selectors.compatibility import compatibility_check
from registry.services.audit import audit_record, version_state
from registry.services.catalog_snapshot import catalog_snapshot_rebuild
from registry.services.compatibility import publish_audit_records

User = AbstractBaseUser | AnonymousUser | None


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


class DryRunRollbackError(Exception):
    """Raised inside a dry run's transaction to undo it after the report is complete."""


def _user_or_none(user: User) -> AuthUser | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user  # type: ignore[return-value]


def _search_text(description: Mapping[str, Any]) -> str:
    schema = description.get("block_schema", {})
    parts = [
        description.get("manifest_type_identifier", ""),
        *description.get("manifest_type_identifier_aliases", []),
        description.get("human_friendly_block_name") or schema.get("name", ""),
        schema.get("block_type", ""),
        *schema.get("search_keywords", []),
    ]
    return " ".join(str(part) for part in parts if part).lower()


def _block_type_for(description: Mapping[str, Any]) -> BlockType:
    family, _ = family_and_version(description["manifest_type_identifier"])
    schema = description.get("block_schema", {})
    block_type, _ = BlockType.objects.get_or_create(
        family=family,
        defaults={
            "human_name": description.get("human_friendly_block_name") or schema.get("name", ""),
            "category": schema.get("block_type", ""),
        },
    )
    return block_type


def _apply_description(row: BlockVersion, description: Mapping[str, Any]) -> None:
    schema = description.get("block_schema", {})
    _, version = family_and_version(description["manifest_type_identifier"])
    row.description = dict(description)
    row.content_hash = content_hash(description)
    row.version = schema.get("version") or version
    row.aliases = list(description.get("manifest_type_identifier_aliases", []))
    row.human_name = description.get("human_friendly_block_name") or schema.get("name", "")
    row.category = schema.get("block_type", "")
    row.short_description = schema.get("short_description", "")
    row.search_text = _search_text(description)


def _create_version(
    description: Mapping[str, Any],
    *,
    source: str,
    state: str,
    executable: bool,
    user: User,
    release_notes: str = "",
) -> BlockVersion:
    row = BlockVersion(
        block_type=_block_type_for(description),
        type_identifier=description["manifest_type_identifier"],
        state=state,
        executable=executable,
        source=source,
        release_notes=release_notes,
        changed_by=_user_or_none(user),
    )
    _apply_description(row, description)
    row.save()
    BlockVersionRevision.objects.create(
        block_version=row,
        number=1,
        description=row.description,
        content_hash=row.content_hash,
        note="registered",
        changed_by=_user_or_none(user),
    )
    return row


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
            _create_version(description, source=Source.BUILTIN, state=State.PUBLISHED, executable=executable, user=None)
            report.created.append(identifier)
            continue
        if row.source != Source.BUILTIN:
            # An import got there first; the built-in implementation takes the identifier over.
            row.source = Source.BUILTIN
        if row.content_hash != content_hash(description):
            _apply_description(row, description)
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
            _create_version(description, source=Source.IMPORTED, state=State.PUBLISHED, executable=False, user=user)
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


def block_version_register(
    *,
    description: Mapping[str, Any],
    user: User,
    release_notes: str = "",
    dry_run: bool = False,
) -> tuple[BlockVersion, bool]:
    """Register an uploaded manifest as a draft; returns the version and whether it was created.

    Identical content under an existing identifier is a no-op; different content is a 409.
    """
    problems = validate_description(description)
    description = canonical_description(description)
    if problems:
        raise DomainError(
            "The block description is not valid.",
            code=ErrorCode.INVALID_MANIFEST,
            details=[{"path": p.pointer, "code": p.code, "message": p.message} for p in problems],
        )
    bad_migrations = migration_problems(description)
    if bad_migrations:
        raise DomainError(
            "The block description is not valid.",
            code=ErrorCode.INVALID_MANIFEST,
            details=[
                {"path": "/block_schema/migrations", "code": ErrorCode.INVALID_MIGRATION, "message": e}
                for e in bad_migrations
            ],
        )
    _check_kinds_exist(description)
    existing = _registered_same(description)
    if existing is not None:
        return existing, False
    identifier = description["manifest_type_identifier"]
    report = compatibility_check(description=description)
    if not report.is_compatible:
        body = report.as_dict()
        raise ConflictError(
            f"{identifier} breaks the {report.compatibility.value} compatibility policy of its family; "
            "nothing was registered.",
            code=ErrorCode.INCOMPATIBLE_VERSION,
            details=[{"path": c["pointer"], **c} for c in body["changes"] if c["violates_policy"]],
            extra={key: body[key] for key in ("is_compatible", "compatibility", "compared_with", "changes")},
        )
    try:
        with transaction.atomic():
            row = _create_version(
                description,
                source=Source.UPLOADED,
                state=State.DRAFT,
                executable=False,
                user=user,
                release_notes=release_notes,
            )
            audit_record(
                action=AuditAction.PUBLISH,
                subject=identifier,
                user=user,
                after={"state": row.state, "content_hash": row.content_hash, "source": row.source},
                details={"compatibility": report.as_dict()},
            )
            if dry_run:
                raise DryRunRollbackError
    except DryRunRollbackError:
        row.pk = None
        return row, True
    except IntegrityError:
        # Another request registered the identifier between our check and our insert.
        existing = _registered_same(description)
        if existing is None:
            raise
        return existing, False
    return row, True


def _registered_same(description: Mapping[str, Any]) -> BlockVersion | None:
    """The stored version with this identifier and content; a 409 if its content differs."""
    identifier = description["manifest_type_identifier"]
    existing = BlockVersion.objects.filter(type_identifier=identifier).first()
    if existing is None:
        return None
    if existing.content_hash == content_hash(description):
        return existing
    raise ConflictError(
        f"{identifier} is already registered with different content; register a new version instead.",
        code=ErrorCode.CONTENT_CONFLICT,
        details=[{"path": "/manifest_type_identifier", "code": ErrorCode.CONTENT_CONFLICT, "message": identifier}],
    )


def _check_kinds_exist(description: Mapping[str, Any]) -> None:
    known = set(Kind.objects.values_list("name", flat=True))
    spec = BlockSpec.from_description(description)
    details = []
    for prop in spec.selector_properties():
        for kind in prop.kinds:
            if kind not in known:
                details.append(
                    {
                        "path": f"/block_schema/properties/{prop.name}",
                        "code": ErrorCode.UNKNOWN_KIND,
                        "message": f"Unknown kind {kind!r}.",
                    }
                )
    for index, output in enumerate(spec.outputs):
        for kind in output.kinds:
            if kind not in known:
                details.append(
                    {
                        "path": f"/outputs_manifest/{index}/kind",
                        "code": ErrorCode.UNKNOWN_KIND,
                        "message": f"Unknown kind {kind!r}.",
                    }
                )
    if details:
        raise DomainError(
            "The block description uses kinds that are not registered.",
            code=ErrorCode.INVALID_MANIFEST,
            details=details,
        )


STATE_ACTIONS = ("publish", "deprecate", "disable", "make_default")


@transaction.atomic
def block_version_change_state(
    *,
    block_version: BlockVersion,
    action: str,
    user: User,
    message: str = "",
    replacement: str = "",
    sunset_date: date | None = None,
) -> BlockVersion:
    row = BlockVersion.objects.select_for_update().select_related("block_type").get(pk=block_version.pk)
    before = version_state(row)
    if action == "publish":
        row.state = State.PUBLISHED
        row.deprecation_message = ""
        row.replacement = ""
        row.sunset_date = None
    elif action == "deprecate":
        if replacement and not BlockVersion.objects.filter(type_identifier=replacement).exists():
            raise DomainError(
                f"The replacement {replacement!r} is not a registered block version.",
                code=ErrorCode.UNKNOWN_REPLACEMENT,
                details=[{"path": "/replacement", "code": ErrorCode.UNKNOWN_BLOCK_TYPE, "message": replacement}],
            )
        row.state = State.DEPRECATED
        row.deprecation_message = message
        row.replacement = replacement
        row.sunset_date = sunset_date
    elif action == "disable":
        row.state = State.DISABLED
        if row.block_type.default_version_id == row.pk:
            row.block_type.default_version = None
            row.block_type.save(update_fields=["default_version", "updated_at"])
    elif action == "make_default":
        if row.state != State.PUBLISHED:
            raise DomainError("Only a published version can be the default.", code=ErrorCode.NOT_PUBLISHED)
        row.block_type.default_version = row
        row.block_type.save(update_fields=["default_version", "updated_at"])
    else:
        raise DomainError(f"Unknown action {action!r}.", code=ErrorCode.INVALID_ACTION)
    row.changed_by = _user_or_none(user)
    row.save()
    audit_record(
        action=AuditAction.STATE,
        subject=row.type_identifier,
        user=user,
        before=before,
        after=version_state(row),
        details={"action": action},
    )
    catalog_snapshot_rebuild()
    return row
