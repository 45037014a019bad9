"""Publishing a saved workflow's current revision as a block version (`acme/shape_gate@v1`).

The version is registered like an uploaded manifest (its family's compatibility policy checked on
the interface, the same identifier with other content a conflict, an audit record), then published
and marked as runnable: the compiler inlines the revision it carries. A family is the publisher's:
versions of a family that holds other blocks, or another user's workflow blocks, are refused.
"""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.db import transaction

from blocks.errors import DomainError, ErrorCode, PermissionDeniedError
from executor.compiler.nesting import WORKFLOW_SOURCE_KEY
from executor.workflow_blocks import workflow_block_description
from registry.models import BlockVersion, Workflow
from registry.selectors.workflows import workflow_compile
from registry.services.block_versions import block_version_publish, block_version_register

# `owner/name@vN`: a family of one's own, never a bare name.
_IDENTIFIER = re.compile(r"[A-Za-z0-9_\-.]+/[A-Za-z0-9_\-.]+@v[0-9]+")


def _check_family(family: str, user: User) -> None:
    for row in BlockVersion.objects.filter(block_type__family=family).only("description"):
        source = row.description.get(WORKFLOW_SOURCE_KEY)
        if not user.is_staff and not (isinstance(source, dict) and source.get("owner") == user.pk):
            raise PermissionDeniedError(
                f"The family {family!r} holds block versions that are not your published workflows.",
                details=[{"path": "/family", "code": ErrorCode.PERMISSION_DENIED, "message": family}],
            )


@transaction.atomic
def workflow_block_publish(
    *, workflow: Workflow, user: User, family: str, version: str, release_notes: str = ""
) -> BlockVersion:
    identifier = f"{family}@{version}"
    if not _IDENTIFIER.fullmatch(identifier):
        raise DomainError(
            f"{identifier!r} is not a block version identifier like `acme/shape_gate@v1`.",
            code=ErrorCode.INVALID_VALUE,
            details=[{"path": "/family", "code": ErrorCode.INVALID_VALUE, "message": identifier}],
        )
    _check_family(family, user)
    revision = workflow.revisions.get(number=workflow.revision)
    compiled = workflow_compile(revision.definition, user=user, workflow=workflow, pins=revision.lockfile)
    if not compiled.valid or compiled.plan is None:
        raise DomainError(
            f"Revision {revision.number} of the workflow is not valid; only a valid workflow is published.",
            code=ErrorCode.INVALID_WORKFLOW,
            details=[issue.as_dict() for issue in compiled.errors],
        )
    description = workflow_block_description(
        identifier=identifier,
        human_name=workflow.name,
        summary=workflow.description or f"The saved workflow {workflow.name!r} as one step.",
        definition=revision.definition,
        plan=compiled.plan,
        source={
            "workflow_id": workflow.pk,
            "revision": revision.number,
            "owner": workflow.owner_id,
            "definition": revision.definition,
            "lockfile": revision.lockfile,
        },
    )
    row, created = block_version_register(description=description, user=user, release_notes=release_notes)
    if created:
        BlockVersion.objects.filter(pk=row.pk).update(executable=True)
        row = block_version_publish(block_version=row, user=user)
    return row
