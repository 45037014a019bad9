"""The one POST a job's webhook gets when the job ends, with the summary.

The URL was checked when the job started; it is checked again here because what a name resolves
to can change. The delivery (status code or error) is recorded on the job, never the response body.
"""

from __future__ import annotations

import requests
from django.conf import settings

from registry.api.errors import ApiError
from registry.models import Job
from registry.selectors.jobs import job_detail, job_summary
from registry.services.job_inputs import webhook_check


def job_webhook_deliver(*, job_id: int) -> dict[str, object] | None:
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not job.webhook:
        return None
    payload = {"job": job_detail(job), "summary": job_summary(job)}
    try:
        webhook_check(job.webhook)
        response = requests.post(
            job.webhook, json=payload, timeout=settings.BLOCKWISE_WEBHOOK_TIMEOUT_S, allow_redirects=False
        )
        delivery: dict[str, object] = {"status_code": response.status_code}
    except ApiError as exc:
        delivery = {"error": exc.code}
    except requests.Timeout:
        delivery = {"error": "webhook_timeout"}
    except requests.RequestException:
        delivery = {"error": "webhook_unreachable"}
    Job.objects.filter(pk=job_id).update(webhook_result=delivery)
    return delivery
