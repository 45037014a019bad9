"""The server's Prometheus metrics, defined once, recorded where the work happens, served at `/metrics`.

Every process of a server (granian's workers, the job workers beside them) records into the folder
`PROMETHEUS_MULTIPROC_DIR` names, when it is set before this module is imported (`config.server`
sets it; prometheus-client reads it, this package does not); `/metrics` then adds up all processes'
files (prometheus-client's multiprocess mode). With no folder, each process counts alone (a
single-process server, the tests).

Labels are bounded: routes are URL patterns (not paths), block types come from the catalog, backends
and codes are ours.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import Counter, Histogram

# Requests and runs take milliseconds to a minute; model calls up to the model timeout.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)

HTTP_REQUESTS = Counter(
    "blockwise_http_requests",
    "HTTP requests answered, by route pattern, method and status.",
    ["route", "method", "status"],
)
HTTP_REQUEST_SECONDS = Histogram(
    "blockwise_http_request_duration_seconds",
    "Time to answer a request, by route pattern.",
    ["route"],
    buckets=LATENCY_BUCKETS,
)
RUN_SECONDS = Histogram(
    "blockwise_run_duration_seconds",
    "Workflow runs, by outcome (succeeded, failed).",
    ["status"],
    buckets=LATENCY_BUCKETS,
)
STEP_SECONDS = Histogram(
    "blockwise_step_duration_seconds", "Workflow steps, by block type.", ["block_type"], buckets=LATENCY_BUCKETS
)
MODEL_CALL_SECONDS = Histogram(
    "blockwise_model_call_duration_seconds",
    "Calls to a classification backend (local ONNX or Roboflow), by backend.",
    ["backend"],
    buckets=LATENCY_BUCKETS,
)
MODEL_CALL_ERRORS = Counter(
    "blockwise_model_call_errors",
    "Images a backend failed to classify, by backend and error code.",
    ["backend", "code"],
)
JOB_ITEMS_ANSWERED = Counter(
    "blockwise_job_items_answered", "Job items answered by workers (rate() gives items per second)."
)
JOB_LEASE_RECOVERIES = Counter(
    "blockwise_job_lease_recoveries",
    "Job items sent to the queue again after their lease ran out or their message was lost, by job state.",
    ["job_state"],
)


@contextmanager
def model_call(backend: str) -> Iterator[None]:
    """Times one call to a backend."""
    started = time.perf_counter()
    try:
        yield
    finally:
        MODEL_CALL_SECONDS.labels(backend).observe(time.perf_counter() - started)
