"""The one POST a job's webhook gets when the job ends, with the summary.

The URL was checked when the job started; the delivery checks it again and connects to the address
it checked (executor.fetch), because what a name resolves to can change. The delivery (status code or
error) is recorded on the job, never the response body.
"""

from __future__ import annotations

import json

from django.conf import settings

from blocks.errors import DomainError
from executor.fetch import FetchError, FetchLimits, post_json
from registry.models import Job
from registry.selectors.jobs import job_detail, job_summary
from registry.services.job_inputs import webhook_check

_WEBHOOK_ERRORS = {"url_timeout": "webhook_timeout", "url_not_allowed": "webhook_not_allowed"}


def job_webhook_deliver(*, job_id: int) -> dict[str, object] | None:
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not job.webhook:
        return None
    payload = {"job": job_detail(job), "summary": job_summary(job)}
    limits = FetchLimits(
        max_bytes=0,
        timeout_s=settings.BLOCKWISE_WEBHOOK_TIMEOUT_S,
        allow_private=settings.BLOCKWISE_ALLOW_PRIVATE_WEBHOOK_URLS,
    )
    delivery: dict[str, object]
    try:
        webhook_check(job.webhook)
        delivery = {"status_code": post_json(job.webhook, json.dumps(payload).encode(), limits)}
    except DomainError as exc:
        delivery = {"error": exc.code}
    except FetchError as exc:
        delivery = {"error": _WEBHOOK_ERRORS.get(exc.code, "webhook_unreachable")}
    Job.objects.filter(pk=job_id).update(webhook_result=delivery)
    return delivery
