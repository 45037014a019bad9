"""The Celery app: configured from Django settings (`CELERY_*`), tasks found in `registry.tasks`."""

from __future__ import annotations

import os
from contextvars import Token
from typing import Any

from celery import Celery
from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections

from executor.log_context import log_context_enter, log_context_exit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("blockwise")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["registry"])


@task_prerun.connect
def _usable_database_connection(**_: object) -> None:
    """What Django does at the start of every request, at the start of every task: a connection kept
    across tasks (CELERY_DB_REUSE_MAX) that the database dropped meanwhile is replaced before the
    task's first query (CONN_HEALTH_CHECKS), instead of failing the chunk."""
    close_old_connections()


_task_log_contexts: dict[str, Token[dict[str, Any] | None]] = {}


@task_prerun.connect
def _job_log_context(task_id: str = "", task: Any = None, args: Any = (), kwargs: Any = None, **_: object) -> None:
    """Every log line of a job's task carries its job id."""
    job_id = (kwargs or {}).get("job_id", args[0] if args else None)
    _task_log_contexts[task_id] = log_context_enter(job_id=job_id, task_id=task_id)


@task_postrun.connect
def _job_log_context_end(task_id: str = "", **_: object) -> None:
    token = _task_log_contexts.pop(task_id, None)
    if token is not None:
        log_context_exit(token)
