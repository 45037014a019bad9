"""registry/job_queue.py: the names services send tasks under are the names the tasks register."""

from config.celery import app
from registry import tasks
from registry.job_queue import CHUNK_TASK, WEBHOOK_TASK


def test_tasks_register_under_the_names_services_send():
    assert (app.tasks[CHUNK_TASK].name, tasks.job_chunk_task.name) == (CHUNK_TASK, CHUNK_TASK)
    assert (app.tasks[WEBHOOK_TASK].name, tasks.job_webhook_task.name) == (WEBHOOK_TASK, WEBHOOK_TASK)
