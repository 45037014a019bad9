"""Reads of the audit trail, newest first."""

from __future__ import annotations

from registry.models import AuditRecord


def audit_list(
    *, subject: str = "", subjects: list[str] | None = None, action: str = "", limit: int = 100
) -> tuple[list[AuditRecord], int]:
    """At most ``limit`` records, and how many match in all."""
    records = AuditRecord.objects.all()
    if subject:
        records = records.filter(subject=subject)
    if subjects is not None:
        records = records.filter(subject__in=subjects)
    if action:
        records = records.filter(action=action)
    return list(records.order_by("-created_at", "-id")[:limit]), records.count()
