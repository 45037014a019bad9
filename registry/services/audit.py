"""Audit records: every publish, state change and policy change, with who, when, before and after.

Called by the services that make those changes, inside their transactions, so a change and its
record are written together or not at all.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from registry.models import AuditRecord, BlockVersion

User = AbstractBaseUser | AnonymousUser | None


def actor_of(user: User) -> Any:
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def audit_record(
    *,
    action: str,
    subject: str,
    user: User,
    before: Any = None,
    after: Any = None,
    details: dict[str, Any] | None = None,
) -> AuditRecord:
    actor = actor_of(user)
    return AuditRecord.objects.create(
        action=action,
        subject=subject,
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        before=before,
        after=after,
        details=details or {},
    )


def version_state(row: BlockVersion) -> dict[str, Any]:
    """What a state change can alter, as the audit trail records it."""
    return {
        "state": row.state,
        "is_default": row.block_type.default_version_id == row.pk,
        "deprecation_message": row.deprecation_message,
        "replacement": row.replacement,
        "sunset_date": row.sunset_date.isoformat() if row.sunset_date else None,
    }
