"""The Celery app: configured from Django settings (`CELERY_*`), tasks found in `registry.tasks`."""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import task_prerun
from django.db import close_old_connections

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
