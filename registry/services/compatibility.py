"""Writes to compatibility policies: the global default and per-family overrides, each audited."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db import transaction

from blocks.compatibility.policy import DEFAULT_COMPATIBILITY, Compatibility, check_compatibility, version_number
from registry.models import CATALOG_STATES_VALUES, AuditAction, AuditRecord, BlockVersion, CompatibilityPolicy
from registry.selectors.compatibility import GLOBAL, block_type_get, compatibility_get
from registry.services.audit import User, actor_of, audit_record


def _subject(family: str) -> str:
    return family or "(global default)"


@transaction.atomic
def compatibility_set(*, compatibility: Compatibility, user: User, family: str = GLOBAL) -> Compatibility:
    if family:
        block_type_get(family)
    row = CompatibilityPolicy.objects.select_for_update().filter(family=family).first()
    before = row.compatibility if row is not None else None
    if row is None:
        row = CompatibilityPolicy(family=family)
    row.compatibility = compatibility.value
    row.changed_by = actor_of(user)
    row.save()
    if before != compatibility.value:
        audit_record(
            action=AuditAction.POLICY,
            subject=_subject(family),
            user=user,
            before={"compatibility": before},
            after={"compatibility": compatibility.value},
        )
    return compatibility


@transaction.atomic
def compatibility_delete(*, family: str, user: User) -> Compatibility:
    """Drop a family's override; the global default applies again. Returns the mode now in force."""
    block_type_get(family)
    row = CompatibilityPolicy.objects.select_for_update().filter(family=family).first()
    if row is not None:
        row.delete()
        audit_record(
            action=AuditAction.POLICY,
            subject=_subject(family),
            user=user,
            before={"compatibility": row.compatibility},
            after={"compatibility": None},
        )
    return compatibility_get(family=family)[0]


def publish_audit_records(identifiers: Sequence[str], *, source: str, user: User) -> None:
    """One audit record per version published by a sync or an import, with its compatibility report
    against the earlier versions of its family (recorded, not enforced: these are upstream facts)."""
    if not identifiers:
        return
    rows = {row.type_identifier: row for row in BlockVersion.objects.filter(type_identifier__in=identifiers)}
    families = {row.block_type_id for row in rows.values()}
    siblings: dict[int, list[BlockVersion]] = defaultdict(list)
    for sibling in BlockVersion.objects.filter(block_type_id__in=families, state__in=CATALOG_STATES_VALUES):
        siblings[sibling.block_type_id].append(sibling)
    modes = dict(CompatibilityPolicy.objects.values_list("family", "compatibility"))
    actor = actor_of(user)
    records = []
    for identifier in identifiers:
        row = rows[identifier]
        number = version_number(identifier)
        earlier = [s.description for s in siblings[row.block_type_id] if version_number(s.type_identifier) < number]
        family = identifier.split("@", 1)[0]
        mode = Compatibility(modes.get(family) or modes.get(GLOBAL) or DEFAULT_COMPATIBILITY)
        report = check_compatibility(row.description, earlier, mode)
        records.append(
            AuditRecord(
                action=AuditAction.PUBLISH,
                subject=identifier,
                actor=actor,
                actor_name=actor.get_username() if actor is not None else "",
                after={"state": row.state, "content_hash": row.content_hash, "source": source},
                details={"compatibility": report.as_dict()},
            )
        )
    AuditRecord.objects.bulk_create(records)
