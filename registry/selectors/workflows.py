"""Reads of saved workflows, and compiling definitions against the current catalog."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from blocks.errors import NotFoundError, PermissionDeniedError
from executor.compiler import CompilationResult, CompilerConfig, compile_workflow
from executor.workflow_blocks import export_definition
from registry.models import Workflow, WorkflowRevision
from registry.selectors.catalog import catalog_snapshot
from registry.selectors.children import SavedChildren


def compiler_config() -> CompilerConfig:
    return CompilerConfig(
        max_steps=settings.BLOCKWISE_MAX_STEPS, max_nesting_depth=settings.BLOCKWISE_MAX_INNER_WORKFLOW_DEPTH
    )


def workflow_compile(
    definition: object,
    *,
    user: AbstractBaseUser | AnonymousUser | None = None,
    workflow: Workflow | None = None,
    pins: Mapping[str, Any] | None = None,
) -> CompilationResult:
    """Compile against the current catalog. Inner workflow steps that name saved workflows see what
    `user` may read; `workflow` is the saved workflow being compiled (it may not use itself) and
    `pins` the lockfile whose child revisions to use."""
    children = SavedChildren(user=user, root=workflow, pins=pins)
    return compile_workflow(definition, catalog_snapshot(), compiler_config(), children)


def workflow_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Workflow]:
    """The caller's own workflows and everyone's public ones."""
    visible = Q(public=True)
    if user.is_authenticated:
        visible |= Q(owner_id=user.pk)
    return Workflow.objects.filter(visible).select_related("owner").prefetch_related("revisions")


def workflow_get(*, user: AbstractBaseUser | AnonymousUser, workflow_id: int, for_change: bool = False) -> Workflow:
    """A workflow the caller may see (or change); someone else's private one is a 404, never a 403."""
    workflow = Workflow.objects.select_related("owner").filter(pk=workflow_id).first()
    owns = workflow is not None and user.is_authenticated and workflow.owner_id == user.pk
    if workflow is None or not (owns or workflow.public):
        raise NotFoundError(f"Workflow {workflow_id} does not exist.", code="not_found")
    if for_change and not owns:
        raise PermissionDeniedError("Only the owner can change this workflow.")
    return workflow


def workflow_revision_get(*, workflow: Workflow, number: int) -> WorkflowRevision:
    revision = workflow.revisions.filter(number=number).select_related("author").first()
    if revision is None:
        raise NotFoundError(f"Workflow {workflow.pk} has no revision {number}.", code="not_found")
    return revision


def workflow_export(*, workflow: Workflow) -> dict[str, Any]:
    """The current revision's definition with steps of published workflow blocks as Roboflow's inner
    workflow steps, each with its pinned revision inline."""
    definition = workflow.revisions.get(number=workflow.revision).definition
    if not isinstance(definition, Mapping):
        return {"definition": definition}
    return export_definition(definition, catalog_snapshot())
