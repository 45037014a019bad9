"""`GET /metrics`: the server's metrics in Prometheus' text format, for staff or a scraper holding
`BLOCKWISE_METRICS_TOKEN` (`Authorization: Bearer <token>`).

What processes record (executor/metrics.py) is added up over every process of the server in
multiprocess mode; what the database knows is read when scraped, so it covers workers on any
machine: job items waiting per job state (the queue's depth), items answered (a counter: `rate()`
of it is items per second), and when each job worker last swept for lost items (its heartbeat).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from blocks.errors import DomainError, ErrorCode
from registry.models import JobItem, JobResult, JobStatus, WorkerHeartbeat

WAITING_JOB_STATES = (JobStatus.QUEUED, JobStatus.RUNNING)


class _ThisProcess:
    """The metrics of this process alone (no multiprocess folder)."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


class _Database:
    def collect(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "blockwise_job_queue_depth", "Job items not answered yet, by the state of their job.", labels=["job_state"]
        )
        waiting = dict.fromkeys(WAITING_JOB_STATES, 0)
        rows = (
            JobItem.objects.filter(job__status__in=WAITING_JOB_STATES, result__isnull=True)
            .order_by()
            .values_list("job__status")
            .annotate(count=Count("id"))
        )
        waiting.update(dict(rows))
        for state, count in waiting.items():
            depth.add_metric([str(state)], count)
        yield depth
        answered = CounterMetricFamily(
            "blockwise_job_items_answered",
            "Job items answered, by outcome (rate() is items per second).",
            labels=["status"],
        )
        for status, count in JobResult.objects.order_by().values_list("status").annotate(count=Count("id")):
            answered.add_metric([status], count)
        yield answered
        alive = GaugeMetricFamily(
            "blockwise_worker_heartbeat_timestamp_seconds",
            "When a job worker last swept for lost items (Unix time), by worker.",
            labels=["worker"],
        )
        for hostname, seen_at in WorkerHeartbeat.objects.values_list("hostname", "seen_at"):
            alive.add_metric([hostname], seen_at.timestamp())
        yield alive


def _allowed(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_staff:
        return True
    token: str = settings.BLOCKWISE_METRICS_TOKEN
    given = request.META.get("HTTP_AUTHORIZATION", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        refused = DomainError("Metrics are for staff or the metrics token.", code=ErrorCode.NOT_AUTHENTICATED)
        return JsonResponse(refused.as_body(), status=401, headers={"WWW-Authenticate": "Bearer"})
    registry = CollectorRegistry()
    if settings.PROMETHEUS_MULTIPROC_DIR:
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry.register(_ThisProcess())
    registry.register(_Database())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
