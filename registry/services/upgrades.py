"""Applying a workflow upgrade: the plan of `registry.selectors.upgrades`, written as a new revision.

Like a save, an upgrade names the revision it starts from; if another save came first it is
refused with 409, so nobody upgrades a definition they have not seen.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.models import User
from django.db import transaction

from registry.models import Workflow, WorkflowRevision
from registry.selectors.children import SavedChildren
from registry.selectors.upgrades import UpgradePlan, VersionIndex, upgrade_plan, upgrade_targets
from registry.services.workflows import workflow_lock_at, workflow_save


@transaction.atomic
def workflow_upgrade(
    *,
    workflow: Workflow,
    user: User,
    base_revision: int,
    targets: Mapping[str, str] | None = None,
    to_default: bool = False,
    dry_run: bool = False,
    message: str = "",
) -> tuple[UpgradePlan, WorkflowRevision | None]:
    locked = workflow_lock_at(
        workflow=workflow, base_revision=base_revision, advice="Reload it and plan the upgrade again."
    )
    definition = locked.revisions.get(number=locked.revision).definition
    index = VersionIndex.load()
    moves = upgrade_targets(definition, index=index, targets=targets, to_default=to_default)
    children = SavedChildren(user=user, root=locked, pins=locked.revisions.get(number=locked.revision).lockfile)
    plan = upgrade_plan(definition, moves, index=index, children=children)
    if dry_run or not moves:
        return plan, None
    summary = ", ".join(f"{s['step']} {s['from']} -> {s['to']}" for s in plan.steps)
    saved = workflow_save(
        workflow=locked,
        user=user,
        base_revision=base_revision,
        specification=plan.specification,
        message=message or f"upgraded {summary}",
    )
    return plan, saved.revisions.get(number=saved.revision)
