"""`/healthz` reports whether a job worker is alive when asked to (the server `make run` starts does)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from registry.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def _beat(seconds_ago: float) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        hostname="embedded@host",
        defaults={"pid": 4242, "started_at": now - timedelta(hours=1), "seen_at": now - timedelta(seconds=seconds_ago)},
    )


def test_healthz_says_whether_a_worker_swept_lately(client, settings):
    settings.BLOCKWISE_HEALTH_BROKER_URL = ""
    settings.BLOCKWISE_HEALTH_WORKERS = True
    settings.BLOCKWISE_JOB_SWEEP_INTERVAL_S = 5.0

    none = client.get("/healthz")
    assert (none.status_code, none.json()) == (503, {"status": "down", "checks": {"database": "ok", "worker": "down"}})

    _beat(seconds_ago=2)
    fresh = client.get("/healthz")
    assert (fresh.status_code, fresh.json()) == (200, {"status": "ok", "checks": {"database": "ok", "worker": "ok"}})

    _beat(seconds_ago=60)
    stale = client.get("/healthz")
    assert (stale.status_code, stale.json()["checks"]["worker"]) == (503, "down")


def test_healthz_leaves_workers_out_unless_asked(client, settings):
    settings.BLOCKWISE_HEALTH_BROKER_URL = ""
    settings.BLOCKWISE_HEALTH_WORKERS = False
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok", "checks": {"database": "ok"}})
