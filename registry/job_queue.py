"""The services' one door to the job queue: the task names, and sending a task by its name.

Services send by name, so the web process never imports the tasks' module; `registry/tasks.py`
registers the tasks under these same names. This is the one module below the HTTP layers that
imports `config` (the Celery app), which the import contracts allow here only.
"""

from __future__ import annotations

from typing import Any

from config.celery import app

CHUNK_TASK = "registry.tasks.job_chunk_task"
WEBHOOK_TASK = "registry.tasks.job_webhook_task"


def task_send(name: str, *args: Any) -> None:
    """Queue the task `name` with positional `args` (the broker's errors are the caller's to handle)."""
    app.send_task(name, args=args)
