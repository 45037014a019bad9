"""Reads of saved workflows, and compiling definitions against the current catalog."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet

from blocks.errors import ErrorCode, NotFoundError, PermissionDeniedError
from executor.compiler import CompilationResult, CompilerConfig, compile_workflow, definition_hash
from executor.compiler.nesting import uses_saved_workflows
from executor.workflow_blocks import export_definition
from registry.models import Workflow, WorkflowRevision
from registry.selectors.catalog import catalog_snapshot, catalog_snapshot_keyed
from registry.selectors.children import SavedChildren

# Compiled workflows kept per process, as Roboflow's compiler keeps 256 (its COMPILATION_CACHE): clients
# validate and run the same definitions again and again. Keyed by the published catalog snapshot (its
# version, etag and token: a catalog change is a new snapshot), the definition's hash and the limits.
COMPILED_KEPT = 256
CompiledKey = tuple[tuple[int, str, str] | None, str, int, int]
_compiled: OrderedDict[CompiledKey, CompilationResult] = OrderedDict()
_compiled_lock = threading.Lock()


def compiler_config() -> CompilerConfig:
    return CompilerConfig(
        max_steps=settings.BLOCKWISE_MAX_STEPS, max_nesting_depth=settings.BLOCKWISE_MAX_INNER_WORKFLOW_DEPTH
    )


def workflow_compile(
    definition: object,
    *,
    digest: str | None = None,
    user: AbstractBaseUser | AnonymousUser | None = None,
    workflow: Workflow | None = None,
    pins: Mapping[str, Any] | None = None,
) -> CompilationResult:
    """The definition compiled against the published catalog, from the kept results when it was compiled
    against the same snapshot before. `digest` is its `definition_hash`, when the caller has it already.
    Inner workflow steps that name saved workflows see what `user` may read; `workflow` is the saved
    workflow being compiled (it may not use itself) and `pins` the lockfile whose child revisions to use.
    Such a definition is compiled each time: its answer follows the saved workflows, not only its text."""
    catalog_key, catalog = catalog_snapshot_keyed()
    config = compiler_config()
    if uses_saved_workflows(definition, catalog):
        children = SavedChildren(user=user, root=workflow, pins=pins)
        return compile_workflow(definition, catalog, config, children=children)
    digest = digest or definition_hash(definition)
    if digest is None:  # not JSON (only callers in this process can send such a value): compiled each time
        return compile_workflow(definition, catalog, config, digest="")
    key: CompiledKey = (catalog_key, digest, config.max_steps, config.max_nesting_depth)
    with _compiled_lock:
        kept = _compiled.get(key)
        if kept is not None:
            _compiled.move_to_end(key)
            return kept
    result = compile_workflow(definition, catalog, config, digest=digest)
    with _compiled_lock:
        _compiled[key] = result
        while len(_compiled) > COMPILED_KEPT:
            _compiled.popitem(last=False)
    return result


def workflow_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Workflow]:
    """The caller's own workflows and everyone's public ones."""
    visible = Q(public=True)
    if user.is_authenticated:
        visible |= Q(owner_id=user.pk)
    return Workflow.objects.filter(visible).select_related("owner").prefetch_related("revisions")


def workflow_list_deleted(*, user: AbstractBaseUser | AnonymousUser, since: datetime) -> QuerySet[Workflow]:
    """The caller's own workflows deleted since `since` (still restorable), latest first."""
    if not user.is_authenticated:
        return Workflow.all_objects.none()
    return (
        Workflow.all_objects.filter(owner_id=user.pk, deleted_at__gte=since)
        .select_related("owner")
        .prefetch_related("revisions")
        .order_by("-deleted_at")
    )


def workflow_get(*, user: AbstractBaseUser | AnonymousUser, workflow_id: int, for_change: bool = False) -> Workflow:
    """A workflow the caller may see (or change); someone else's private one is a 404, never a 403."""
    workflow = Workflow.objects.select_related("owner").filter(pk=workflow_id).first()
    owns = workflow is not None and user.is_authenticated and workflow.owner_id == user.pk
    if workflow is None or not (owns or workflow.public):
        raise NotFoundError(f"Workflow {workflow_id} does not exist.", code=ErrorCode.NOT_FOUND)
    if for_change and not owns:
        raise PermissionDeniedError("Only the owner can change this workflow.")
    return workflow


def workflow_revision_get(*, workflow: Workflow, number: int) -> WorkflowRevision:
    revision = workflow.revisions.filter(number=number).select_related("author").first()
    if revision is None:
        raise NotFoundError(f"Workflow {workflow.pk} has no revision {number}.", code=ErrorCode.NOT_FOUND)
    return revision


def workflow_export(*, workflow: Workflow) -> dict[str, Any]:
    """The current revision's definition with steps of published workflow blocks as Roboflow's inner
    workflow steps, each with its pinned revision inline."""
    definition = workflow.revisions.get(number=workflow.revision).definition
    if not isinstance(definition, Mapping):
        return {"definition": definition}
    return export_definition(definition, catalog_snapshot())
