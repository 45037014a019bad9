"""Writes to block versions: uploads (drafts), and the state changes, one service per action.

Each service is one transaction that ends by rebuilding the catalog snapshot when anything changed.
Content under an existing version never changes silently: an uploaded version with different content
is a conflict. Syncing the built-ins and importing Roboflow's catalog are in `catalog_sync`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.models import User as AuthUser
from django.db import IntegrityError, transaction

from blocks.compatibility.migrations import migration_problems
from blocks.errors import ConflictError, DomainError, ErrorCode
from blocks.spec import BlockSpec
from blocks.validation import canonical_description, content_hash, family_and_version, validate_description
from registry.models import AuditAction, BlockType, BlockVersion, BlockVersionRevision, Kind, Source, State
from registry.selectors.compatibility import compatibility_check
from registry.services.audit import audit_record, version_state
from registry.services.catalog_snapshot import catalog_snapshot_rebuild

User = AbstractBaseUser | AnonymousUser | None


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


def block_version_describe(*, row: BlockVersion, description: Mapping[str, Any]) -> None:
    """Write a description's content and the fields read from it onto a version row (not saved)."""
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


def block_version_create(
    *,
    description: Mapping[str, Any],
    source: str,
    state: str,
    executable: bool,
    user: User,
    release_notes: str = "",
) -> BlockVersion:
    """A new version row with its first revision."""
    row = BlockVersion(
        block_type=_block_type_for(description),
        type_identifier=description["manifest_type_identifier"],
        state=state,
        executable=executable,
        source=source,
        release_notes=release_notes,
        changed_by=_user_or_none(user),
    )
    block_version_describe(row=row, description=description)
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
            row = block_version_create(
                description=description,
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


def _state_change(
    block_version: BlockVersion, *, action: str, user: User, change: Callable[[BlockVersion], None]
) -> BlockVersion:
    """Lock the version, apply `change`, save, audit the before and after, and rebuild the snapshot."""
    row = BlockVersion.objects.select_for_update().select_related("block_type").get(pk=block_version.pk)
    before = version_state(row)
    change(row)
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


@transaction.atomic
def block_version_publish(*, block_version: BlockVersion, user: User) -> BlockVersion:
    def publish(row: BlockVersion) -> None:
        row.state = State.PUBLISHED
        row.deprecation_message = ""
        row.replacement = ""
        row.sunset_date = None

    return _state_change(block_version, action="publish", user=user, change=publish)


@transaction.atomic
def block_version_deprecate(
    *,
    block_version: BlockVersion,
    user: User,
    message: str = "",
    replacement: str = "",
    sunset_date: date | None = None,
) -> BlockVersion:
    if replacement and not BlockVersion.objects.filter(type_identifier=replacement).exists():
        raise DomainError(
            f"The replacement {replacement!r} is not a registered block version.",
            code=ErrorCode.UNKNOWN_REPLACEMENT,
            details=[{"path": "/replacement", "code": ErrorCode.UNKNOWN_BLOCK_TYPE, "message": replacement}],
        )

    def deprecate(row: BlockVersion) -> None:
        row.state = State.DEPRECATED
        row.deprecation_message = message
        row.replacement = replacement
        row.sunset_date = sunset_date

    return _state_change(block_version, action="deprecate", user=user, change=deprecate)


@transaction.atomic
def block_version_disable(*, block_version: BlockVersion, user: User) -> BlockVersion:
    def disable(row: BlockVersion) -> None:
        row.state = State.DISABLED
        if row.block_type.default_version_id == row.pk:
            row.block_type.default_version = None
            row.block_type.save(update_fields=["default_version", "updated_at"])

    return _state_change(block_version, action="disable", user=user, change=disable)


@transaction.atomic
def block_version_make_default(*, block_version: BlockVersion, user: User) -> BlockVersion:
    def make_default(row: BlockVersion) -> None:
        if row.state != State.PUBLISHED:
            raise DomainError("Only a published version can be the default.", code=ErrorCode.NOT_PUBLISHED)
        row.block_type.default_version = row
        row.block_type.save(update_fields=["default_version", "updated_at"])

    return _state_change(block_version, action="make_default", user=user, change=make_default)
