"""Celery tasks for batch jobs: thin, they call `registry.services.jobs`.

A chunk's items are held with a lease while it runs; the sweep every worker runs sends again the
items of a worker lost mid-chunk and of a message lost on the way; items answered by then are
skipped. Items that failed in a retryable way (model timeout, 429, 5xx) are sent again on their own
with exponential backoff; a chunk the database failed under runs again whole, its items' retries
counted apart.
"""

from __future__ import annotations

import os
from typing import Any

from celery import Task, shared_task
from celery.signals import worker_ready, worker_shutdown
from django.conf import settings
from django.db import InterfaceError, OperationalError

from registry.job_queue import CHUNK_TASK, WEBHOOK_TASK
from registry.services.job_leases import (
    job_items_release,
    job_items_requeue,
    job_sweeper_start,
    job_worker_gone,
)
from registry.services.job_webhooks import job_webhook_deliver
from registry.services.jobs import job_chunk_run

# With the backoff below (jittered, capped at a minute), tries over up to a quarter of an hour.
DATABASE_RETRIES = 20


@shared_task(
    bind=True,
    name=CHUNK_TASK,
    max_retries=None,
    # The database gone mid-chunk (a restart, a failover): the chunk runs again once it is back, skipping
    # what it had written, rather than leaving its images unanswered.
    autoretry_for=(OperationalError, InterfaceError),
    retry_kwargs={"max_retries": DATABASE_RETRIES},
    retry_backoff=1,
    retry_backoff_max=60,
)
def job_chunk_task(self: Task[Any, Any], job_id: int, item_ids: list[int], item_retries: int = 0) -> None:
    # The items' retries are counted apart from Celery's `request.retries`, which the database retries
    # above raise too: a chunk the database failed under keeps its images' whole retry budget. (The
    # database's budget counts both, so it is never less than DATABASE_RETRIES - BATCH_ITEM_RETRIES.)
    final = item_retries >= settings.BLOCKWISE_BATCH_ITEM_RETRIES
    owner = self.request.id or ""
    try:
        retry = job_chunk_run(
            job_id=job_id, item_ids=item_ids, final_attempt=final, worker=self.request.hostname or "", owner=owner
        )
    except (OperationalError, InterfaceError):
        raise
    except Exception:
        # Anything else would be acknowledged and dropped with the chunk: its items go back at once
        # to the sweep, which sends them again (or fails them after BLOCKWISE_JOB_MAX_DELIVERIES).
        job_items_release(owner=owner, item_ids=item_ids)
        raise
    if retry:
        countdown = settings.BLOCKWISE_BATCH_RETRY_BACKOFF_S * (2**item_retries)
        job_items_requeue(owner=owner, item_ids=retry, countdown=countdown)
        raise self.retry(args=(job_id, retry), kwargs={"item_retries": item_retries + 1}, countdown=countdown)


@worker_ready.connect
def _sweep_for_lost_items(sender: Any = None, **_: object) -> None:
    """Every worker (`make worker`'s and the one `make run` embeds) sweeps for items a dead worker
    held or a lost message carried (registry.services.job_leases), and says it is alive."""
    job_sweeper_start(hostname=str(getattr(sender, "hostname", "") or f"worker-{os.getpid()}"))


@worker_shutdown.connect
def _gone(sender: Any = None, **_: object) -> None:
    job_worker_gone(hostname=str(getattr(sender, "hostname", "") or f"worker-{os.getpid()}"))


@shared_task(name=WEBHOOK_TASK)
def job_webhook_task(job_id: int) -> None:
    job_webhook_deliver(job_id=job_id)
