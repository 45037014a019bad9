"""Which saved workflows use a block version, and which would stop validating on another version.

Only each workflow's latest revision counts. A would-break check moves the matching steps to the
target version exactly as an upgrade would (declared migrations included) and re-validates.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import F, Q

from registry.models import BlockVersion, WorkflowRevision
from registry.selectors.children import SavedChildren
from registry.selectors.upgrades import VersionIndex, upgrade_plan


def _latest_revisions(user: AbstractBaseUser | AnonymousUser) -> Any:
    revisions = WorkflowRevision.objects.filter(number=F("workflow__revision")).select_related("workflow")
    if not getattr(user, "is_staff", False):
        visible = Q(workflow__public=True)
        if user.is_authenticated:
            visible |= Q(workflow__owner_id=user.pk)
        revisions = revisions.filter(visible)
    return revisions.order_by("workflow_id").only("number", "definition", "workflow__name", "workflow__id")


def block_version_usages(
    *, row: BlockVersion, user: AbstractBaseUser | AnonymousUser, target: BlockVersion | None = None
) -> dict[str, Any]:
    identifiers = {row.type_identifier, *row.aliases}
    index = VersionIndex.load() if target is not None else None
    usages, would_break = [], []
    for revision in _latest_revisions(user):
        steps = revision.definition.get("steps") if isinstance(revision.definition, dict) else None
        names = [
            s["name"]
            for s in (steps if isinstance(steps, list) else [])
            if isinstance(s, dict) and s.get("type") in identifiers and isinstance(s.get("name"), str)
        ]
        if not names:
            continue
        usage = {"workflow_id": revision.workflow.pk, "name": revision.workflow.name, "revision": revision.number}
        usages.append({**usage, "steps": names})
        if target is not None and index is not None:
            children = SavedChildren(user=user, root=revision.workflow)
            plan = upgrade_plan(
                revision.definition, dict.fromkeys(names, (row, target)), index=index, children=children
            )
            if not plan.validation["valid"]:
                would_break.append({**usage, "steps": names, "errors": plan.validation["errors"]})
    result: dict[str, Any] = {"type_identifier": row.type_identifier, "count": len(usages), "usages": usages}
    if target is not None:
        result |= {"target": target.type_identifier, "would_break": would_break}
    return result
