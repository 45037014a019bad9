"""Reads of runs and local models."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from blocks.errors import NotFoundError
from registry.models import LocalModel, Run, Workflow


def run_summary(run: Run) -> dict[str, Any]:
    """The run as the API shows it (the record: image payloads are left out)."""
    return {
        "id": run.pk,
        "status": run.status,
        "workflow": run.workflow_id,
        "revision": run.revision,
        "outputs": run.outputs,
        "timings": run.timings,
        "steps": run.steps,
        "duration_ms": run.duration_ms,
        "error": run.error,
        "created_at": run.created_at.isoformat().replace("+00:00", "Z"),
    }


def run_get(*, user: AbstractBaseUser | AnonymousUser, run_id: int) -> Run:
    """A run of the caller's. Only its creator reads a run: an anonymous run is not readable again
    (ids are sequential, so anyone could count through them); its answer had everything."""
    run = Run.objects.filter(pk=run_id).first()
    if run is None or run.user_id is None or run.user_id != user.pk:
        raise NotFoundError(f"Run {run_id} does not exist.", code="not_found")
    return run


def workflow_run_list(*, workflow: Workflow, limit: int = 20) -> list[Run]:
    """The latest runs of a saved workflow, newest first (the editor's run history)."""
    return list(Run.objects.filter(workflow=workflow).order_by("-created_at", "-id")[:limit])


def local_model_list() -> QuerySet[LocalModel]:
    return LocalModel.objects.order_by("model_id")
