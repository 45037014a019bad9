"""Writes to saved workflows: create, save a new revision, delete, restore an old revision.

Every save validates the definition and stores the result with the revision, valid or not (an
invalid workflow is a draft). A save names the revision it edits; if another save came first, it
is refused with the current revision number, so nobody overwrites work they have not seen.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from blocks.errors import ConflictError, DomainError, ErrorCode, NotFoundError
from executor.compiler import CompilationResult
from registry.models import Workflow, WorkflowRevision
from registry.selectors.catalog import catalog_snapshot
from registry.selectors.workflows import workflow_compile
from registry.services.jobs import job_check_workflow_deletable


def _validation(result: CompilationResult) -> dict[str, Any]:
    return {
        "valid": result.valid,
        "errors": [issue.as_dict() for issue in result.errors],
        "warnings": [issue.as_dict() for issue in result.warnings],
    }


def _lockfile(definition: object, result: CompilationResult) -> dict[str, dict[str, Any]]:
    """For each step whose type resolves, the block version and manifest hash it was checked against;
    for a valid workflow, exactly its plan's lockfile: nested steps (`outer/inner`) too, and each inner
    workflow with the revision of the saved workflow it was validated against."""
    catalog = catalog_snapshot()
    steps = definition.get("steps") if isinstance(definition, Mapping) else None
    lockfile: dict[str, dict[str, Any]] = {}
    for step in steps if isinstance(steps, list) else []:
        if not isinstance(step, Mapping) or not isinstance(step.get("name"), str):
            continue
        spec = catalog.resolve(step["type"]) if isinstance(step.get("type"), str) else None
        if spec is not None:
            lockfile.setdefault(
                step["name"], {"type_identifier": spec.type_identifier, "content_hash": spec.content_hash}
            )
    if result.plan is not None:
        lockfile.update(result.plan.lockfile())
    return lockfile


def _refuse_oversized(result: CompilationResult) -> None:
    too_many = next((issue for issue in result.errors if issue.code == ErrorCode.TOO_MANY_STEPS), None)
    if too_many is not None:
        raise DomainError(too_many.message, code=ErrorCode.TOO_MANY_STEPS, details=[too_many.as_dict()])


def _add_revision(
    workflow: Workflow, *, definition: object, user: User, message: str, layout: Mapping[str, Any] | None = None
) -> WorkflowRevision:
    result = workflow_compile(definition, user=user, workflow=workflow if workflow.pk else None)
    _refuse_oversized(result)
    workflow.revision += 1
    workflow.save()
    return WorkflowRevision.objects.create(
        workflow=workflow,
        number=workflow.revision,
        definition=definition,
        message=message,
        author=user,
        valid=result.valid,
        validation=_validation(result),
        lockfile=_lockfile(definition, result),
        layout=dict(layout or {}),
    )


@transaction.atomic
def workflow_create(
    *,
    owner: User,
    name: str,
    specification: object,
    description: str = "",
    public: bool = False,
    message: str = "",
    layout: Mapping[str, Any] | None = None,
) -> Workflow:
    workflow = Workflow.objects.create(owner=owner, name=name, description=description, public=public)
    _add_revision(workflow, definition=specification, user=owner, message=message or "created", layout=layout)
    return workflow


def workflow_lock_at(*, workflow: Workflow, base_revision: int, advice: str) -> Workflow:
    """The workflow's row, locked until the transaction ends, if it is still at `base_revision`;
    otherwise a stale-revision conflict that says what to do (`advice`)."""
    locked = Workflow.objects.select_for_update().get(pk=workflow.pk)
    if locked.revision != base_revision:
        raise ConflictError(
            f"This workflow has changed since revision {base_revision}: it is at revision {locked.revision}. {advice}",
            code=ErrorCode.STALE_REVISION,
            extra={"current_revision": locked.revision},
        )
    return locked


@transaction.atomic
def workflow_save(
    *,
    workflow: Workflow,
    user: User,
    base_revision: int,
    specification: object = None,
    name: str | None = None,
    description: str | None = None,
    public: bool | None = None,
    message: str = "",
    layout: Mapping[str, Any] | None = None,
) -> Workflow:
    """Renames and other settings alone change the workflow; a definition or a layout makes a revision
    (a layout alone keeps the current definition)."""
    locked = workflow_lock_at(
        workflow=workflow, base_revision=base_revision, advice="Reload it, reapply your change and save again."
    )
    if name is not None:
        locked.name = name
    if description is not None:
        locked.description = description
    if public is not None:
        locked.public = public
    if specification is not None or layout is not None:
        current = locked.revisions.filter(number=locked.revision).first()
        if specification is None and current is not None:
            specification = current.definition
        if layout is None and current is not None:
            layout = current.layout
        _add_revision(locked, definition=specification, user=user, message=message, layout=layout)
    else:
        locked.save()
    return locked


# A deleted workflow can be restored for this long; after that it is purged.
RESTORE_PERIOD = timedelta(days=30)


@transaction.atomic
def workflow_delete(*, workflow: Workflow) -> None:
    """Deletes softly: the workflow disappears everywhere but its owner's list of deleted ones. Refused
    while other users have jobs on it (theirs to keep; the purge would take them)."""
    job_check_workflow_deletable(workflow=workflow)
    workflow.deleted_at = timezone.now()
    workflow.save(update_fields=["deleted_at"])
    workflow_purge_deleted()


@transaction.atomic
def workflow_restore(*, user: User, workflow_id: int) -> Workflow:
    """Brings back one of the user's own workflows deleted less than `RESTORE_PERIOD` ago."""
    since = timezone.now() - RESTORE_PERIOD
    workflow = (
        Workflow.all_objects.select_for_update().filter(pk=workflow_id, owner_id=user.pk, deleted_at__gte=since).first()
    )
    if workflow is None:
        raise NotFoundError(f"There is no deleted workflow {workflow_id} of yours to restore.")
    workflow.deleted_at = None
    workflow.save(update_fields=["deleted_at", "updated_at"])
    return workflow


def workflow_purge_deleted() -> int:
    """Deletes for good the workflows deleted longer than `RESTORE_PERIOD` ago; returns how many."""
    expired = Workflow.all_objects.filter(deleted_at__lt=timezone.now() - RESTORE_PERIOD)
    _, per_model = expired.delete()
    return per_model.get(Workflow._meta.label, 0)


@transaction.atomic
def workflow_duplicate(*, workflow: Workflow, user: User, name: str | None = None) -> Workflow:
    """A new private workflow of the user's with the current revision's definition and layout."""
    current = workflow.revisions.get(number=workflow.revision)
    return workflow_create(
        owner=user,
        name=name or f"{workflow.name} (copy)",
        specification=current.definition,
        description=workflow.description,
        message=f"duplicated from workflow {workflow.pk} revision {workflow.revision}",
        layout=current.layout,
    )


@transaction.atomic
def workflow_revision_restore(*, workflow: Workflow, number: int, user: User) -> WorkflowRevision:
    locked = Workflow.objects.select_for_update().get(pk=workflow.pk)
    old = locked.revisions.filter(number=number).first()
    if old is None:
        raise NotFoundError(f"Revision {number} does not exist.")
    return _add_revision(
        locked, definition=old.definition, user=user, message=f"restored revision {number}", layout=old.layout
    )
