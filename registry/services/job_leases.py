"""Who holds a job's items: sending them to the queue, leases while a worker runs them, and the sweep.

Every item not yet answered is given to one chunk message at a time (`lease_owner`, the Celery task
id of the chunk). A worker that takes the message up claims the items still given to it and holds
them until `lease_until`, renewed by a thread while the chunk runs. Two things can lose an item:

- the worker dies mid-chunk (SIGKILL, OOM): its lease runs out;
- the message is lost (Redis restarted without persistence, a chunk acknowledged after it raised):
  the item stays queued, unleased, with nothing in the queue to take it up.

Every worker sweeps for both on an interval (`job_sweeper_start`) and gives such items to a new
message. Giving an item to a new message takes it from the old one, so a message that comes back
later finds nothing to run: every item is run by one delivery at a time, and answered once (its
result row is unique).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import F, Q
from django.utils import timezone

from blocks.errors import ErrorCode
from executor.metrics import JOB_LEASE_RECOVERIES
from registry.job_queue import BROKER_ERRORS, CHUNK_TASK, queue_is_empty, task_send
from registry.models import JobItem, JobItemStatus, JobStatus, WorkerHeartbeat
from registry.services.job_items import ItemOutcome, job_results_write

logger = logging.getLogger(__name__)

ACTIVE_JOB_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


# Errors that mean the broker could not take a message.
def _lease() -> timedelta:
    return timedelta(seconds=settings.BLOCKWISE_JOB_LEASE_S)


@dataclass(frozen=True, slots=True)
class Chunk:
    owner: str
    item_ids: list[int]


def _give(job_id: int, item_ids: list[int], condition: Q, *, queued_at: datetime) -> list[Chunk]:
    """Give the items that still meet `condition` to new chunk messages (not sent yet).

    One conditional update per chunk: when two sweeps (or a sweep and a retry) race for an item,
    the one whose update lands first gets it and the other's condition no longer holds. (The update
    has no join: PostgreSQL re-checks a plain WHERE on the row another update changed meanwhile, but
    not a subquery's, which a join in an update becomes.)
    """
    size = max(1, settings.BLOCKWISE_BATCH_CHUNK_SIZE)
    chunks = []
    for start in range(0, len(item_ids), size):
        owner = uuid.uuid4().hex
        part = item_ids[start : start + size]
        given = JobItem.objects.filter(condition, pk__in=part, job_id=job_id)
        if given.update(lease_owner=owner, lease_until=None, queued_at=queued_at):
            ids = JobItem.objects.filter(pk__in=part, lease_owner=owner).order_by("index").values_list("pk", flat=True)
            chunks.append(Chunk(owner=owner, item_ids=list(ids)))
    return chunks


def job_chunks_send(*, job_id: int, chunks: list[Chunk]) -> None:
    """Put the chunks on the queue; raises the broker's error if it refuses one (the rest stay
    queued in the database, so the sweep sends them once the broker is back)."""
    for chunk in chunks:
        task_send(CHUNK_TASK, job_id, chunk.item_ids, task_id=chunk.owner)


def job_items_give(*, job_id: int) -> list[Chunk]:
    """Give every unanswered item of the job to new chunk messages (a new job, a retry)."""
    pending = list(
        JobItem.objects.filter(job_id=job_id, result__isnull=True).order_by("index").values_list("pk", flat=True)
    )
    return _give(job_id, pending, Q(), queued_at=timezone.now())


def job_items_claim(*, owner: str, item_ids: list[int], worker: str) -> list[JobItem]:
    """The chunk's items still given to this message, now held by this worker for one lease."""
    unanswered = JobItem.objects.filter(pk__in=item_ids, lease_owner=owner, result__isnull=True)
    ids = list(unanswered.values_list("pk", flat=True))
    mine = JobItem.objects.filter(pk__in=ids, lease_owner=owner)
    mine.update(lease_until=timezone.now() + _lease(), attempts=F("attempts") + 1, worker=worker)
    return list(mine.order_by("index"))


def job_items_requeue(*, owner: str, item_ids: list[int], countdown: float) -> None:
    """Items the chunk sends itself again later (a retryable failure): queued, not held, and not
    taken for lost before their retry is due."""
    due = timezone.now() + timedelta(seconds=countdown)
    JobItem.objects.filter(pk__in=item_ids, lease_owner=owner).update(lease_until=None, queued_at=due)


def job_items_release(*, owner: str, item_ids: list[int]) -> None:
    """A chunk that failed unexpectedly gives its items up at once: the next sweep sends them again."""
    JobItem.objects.filter(pk__in=item_ids, lease_owner=owner).update(lease_until=timezone.now())


class LeaseKeeper:
    """Renews the chunk's leases from a thread while the chunk runs, however long one image takes.

    An item whose lease was taken back meanwhile (the renewal came too late and a sweep gave it to
    another message) is in `lost`, and the chunk skips it: the other message runs it.
    """

    def __init__(self, *, owner: str, item_ids: list[int]) -> None:
        self.owner = owner
        self.item_ids = item_ids
        self.lost: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{owner[:8]}", daemon=True)

    def _renew(self) -> None:
        held = JobItem.objects.filter(pk__in=self.item_ids, lease_owner=self.owner)
        renewed = held.update(lease_until=timezone.now() + _lease())
        if renewed < len(self.item_ids) - len(self.lost):
            kept = set(held.values_list("pk", flat=True))
            lapsed = set(self.item_ids) - kept - self.lost
            if lapsed:
                logger.warning(
                    "Chunk %s: the lease of %d items lapsed; another delivery runs them", self.owner, len(lapsed)
                )
            self.lost |= lapsed

    def _run(self) -> None:
        interval = max(0.05, settings.BLOCKWISE_JOB_LEASE_S / 6)
        try:
            while not self._stop.wait(interval):
                self._renew()
        except DatabaseError:
            logger.warning("Could not renew the leases of chunk %s", self.owner, exc_info=True)
        finally:
            connection.close()

    def __enter__(self) -> LeaseKeeper:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _recoverable(*, now: datetime, queue_empty: bool) -> Q:
    """Unanswered items whose lease ran out, and (when nothing waits in the queue) items queued
    longer than a lease ago: their message is gone."""
    expired = Q(lease_until__lt=now)
    if not queue_empty:
        return expired
    lost = Q(lease_until__isnull=True) & (Q(queued_at__isnull=True) | Q(queued_at__lt=now - _lease()))
    return expired | lost


def _fail_worn_out(job_id: int, now: datetime) -> int:
    """Items delivered `BLOCKWISE_JOB_MAX_DELIVERIES` times without an answer fail rather than loop."""
    worn = list(
        JobItem.objects.filter(
            job_id=job_id,
            result__isnull=True,
            lease_until__lt=now,
            attempts__gte=settings.BLOCKWISE_JOB_MAX_DELIVERIES,
        )
    )
    if worn:
        message = f"The image was taken up {settings.BLOCKWISE_JOB_MAX_DELIVERIES} times and never answered."
        error = {"code": ErrorCode.WORKER_LOST.value, "message": message, "step": None}
        job_results_write(answers=[(item, ItemOutcome(status=JobItemStatus.FAILED, error=error)) for item in worn])
    return len(worn)


def job_items_recover(*, job_id: int, queue_empty: bool) -> list[Chunk]:
    """Give the job's lost items to new messages (not sent yet); failing the worn-out ones first."""
    now = timezone.now()
    _fail_worn_out(job_id, now)
    condition = _recoverable(now=now, queue_empty=queue_empty)
    ids = list(
        JobItem.objects.filter(condition, job_id=job_id, result__isnull=True)
        .order_by("index")
        .values_list("pk", flat=True)
    )
    return _give(job_id, ids, condition, queued_at=now) if ids else []


def job_leases_sweep() -> int:
    """One sweep over every running job: lost items are sent again; returns how many."""
    from registry.services.jobs import job_finish_if_done  # jobs imports this module

    try:
        queue_empty = queue_is_empty()
    except BROKER_ERRORS:
        return 0
    now = timezone.now()
    condition = _recoverable(now=now, queue_empty=queue_empty)
    job_states = dict(
        JobItem.objects.filter(condition, job__status__in=ACTIVE_JOB_STATUSES, result__isnull=True)
        .values_list("job_id", "job__status")
        .distinct()
    )
    sent = 0
    for job_id, state in sorted(job_states.items()):
        chunks = job_items_recover(job_id=job_id, queue_empty=queue_empty)
        if chunks:
            recovered = sum(len(chunk.item_ids) for chunk in chunks)
            logger.warning("Job %s: sending %d lost items again", job_id, recovered)
            job_chunks_send(job_id=job_id, chunks=chunks)
            JOB_LEASE_RECOVERIES.labels(state).inc(recovered)
            sent += recovered
        job_finish_if_done(job_id=job_id)
    return sent


def job_worker_heartbeat(*, hostname: str, started_at: datetime) -> None:
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname[:255],
        defaults={"pid": os.getpid(), "started_at": started_at, "seen_at": timezone.now()},
    )


def job_worker_gone(*, hostname: str) -> None:
    WorkerHeartbeat.objects.filter(hostname=hostname[:255]).delete()


def job_sweeper_start(*, hostname: str) -> threading.Thread:
    """Every `BLOCKWISE_JOB_SWEEP_INTERVAL_S`, from a daemon thread of this worker process: say the
    worker is alive, and sweep."""
    started_at = timezone.now()

    def loop() -> None:
        while True:
            try:
                job_worker_heartbeat(hostname=hostname, started_at=started_at)
                job_leases_sweep()
            except Exception:
                logger.exception("The job sweep failed; trying again at the next interval")
            finally:
                connection.close()
            time.sleep(settings.BLOCKWISE_JOB_SWEEP_INTERVAL_S)

    thread = threading.Thread(target=loop, name="job-sweeper", daemon=True)
    thread.start()
    return thread
