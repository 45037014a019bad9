"""Reads of runs and local models."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from blocks.errors import ErrorCode, NotFoundError
from registry.models import LocalModel, Run, Workflow
from registry.selectors import shapes


def run_summary(run: Run) -> dict[str, Any]:
    """The run as the API shows it (`shapes.Run`, as JSON)."""
    out = shapes.Run(
        id=run.pk,
        status=run.status,
        workflow=run.workflow_id,
        revision=run.revision,
        outputs=run.outputs,
        timings=run.timings,
        steps=run.steps,
        inputs=run.inputs,
        duration_ms=run.duration_ms,
        error=run.error,
        created_at=run.created_at,
    )
    return out.model_dump(mode="json")


def local_model_summary(row: LocalModel) -> dict[str, Any]:
    out = shapes.LocalModel(
        model_id=row.model_id,
        class_names=row.class_names,
        input_width=row.input_width,
        input_height=row.input_height,
    )
    return out.model_dump(mode="json")


def run_get(*, user: AbstractBaseUser | AnonymousUser, run_id: int) -> Run:
    """A run of the caller's. Only its creator reads a run: an anonymous run is not readable again
    (ids are sequential, so anyone could count through them); its answer had everything."""
    run = Run.objects.filter(pk=run_id).first()
    if run is None or run.user_id is None or run.user_id != user.pk:
        raise NotFoundError(f"Run {run_id} does not exist.", code=ErrorCode.NOT_FOUND)
    return run


def workflow_run_list(*, user: AbstractBaseUser | AnonymousUser, workflow: Workflow, limit: int = 20) -> list[Run]:
    """The caller's latest runs of a saved workflow, newest first (the editor's run history). As with
    `run_get`, a run is its creator's: others running a public workflow, its owner included, do
    not read each other's runs (anonymous runs are nobody's); staff read them all."""
    runs = Run.objects.filter(workflow=workflow)
    if not getattr(user, "is_staff", False):
        if not user.is_authenticated:
            return []
        runs = runs.filter(user_id=user.pk)
    return list(runs.order_by("-created_at", "-id")[:limit])


def local_model_list() -> QuerySet[LocalModel]:
    return LocalModel.objects.order_by("model_id")
