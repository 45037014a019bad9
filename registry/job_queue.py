"""The services' one door to the job queue: the task names, and sending a task by its name.

Services send by name, so the web process never imports the tasks' module; `registry/tasks.py`
registers the tasks under these same names. This is the one module below the HTTP layers that
imports `config` (the Celery app), which the import contracts allow here only.
"""

from __future__ import annotations

from typing import Any

from kombu.exceptions import OperationalError as KombuOperationalError

from config.celery import app

CHUNK_TASK = "registry.tasks.job_chunk_task"
WEBHOOK_TASK = "registry.tasks.job_webhook_task"


# What sending or looking at the queue raises when the broker is away.
BROKER_ERRORS = (KombuOperationalError, OSError)


def task_send(name: str, *args: Any, task_id: str | None = None) -> None:
    """Queue the task `name` with positional `args` (the broker's errors, `BROKER_ERRORS`, are the
    caller's to handle)."""
    app.send_task(name, args=args, task_id=task_id)


def queue_is_empty() -> bool:
    """No chunk message waits in the job queue (messages a worker has already taken are not counted)."""
    queue = app.conf.task_default_queue
    with app.connection_for_read() as conn:
        try:
            declared = conn.default_channel.queue_declare(queue=queue, passive=True)  # type: ignore[attr-defined]
        except conn.channel_errors:
            return True  # Redis keeps no key for an empty list: the queue "does not exist"
    return int(declared.message_count) == 0
