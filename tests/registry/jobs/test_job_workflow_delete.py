"""Deleting a workflow that has jobs: its owner's go with it (when it is purged); other users' jobs
keep it (409)."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from registry.models import Job, JobItem, Workflow, WorkflowRevision
from registry.services.workflows import RESTORE_PERIOD, workflow_purge_deleted
from tests.registry.conftest import make_user
from tests.registry.jobs.conftest import png, zip_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_media")]


def _start_job(api: APIClient, workflow: Workflow) -> int:
    body = {"images": zip_of({"a.png": png("red")})}
    response = api.post(f"/api/v1/workflows/{workflow.pk}/jobs/", body, format="multipart")
    assert response.status_code == 202, response.json()
    return int(response.json()["id"])


def test_deleting_a_workflow_removes_its_owners_jobs_when_it_is_purged(alice_api, demo_workflow):
    """A deleted workflow can be restored for 30 days, with its owner's jobs; the purge takes both."""
    _start_job(alice_api, demo_workflow)

    response = alice_api.delete(f"/api/v1/workflows/{demo_workflow.pk}/")

    assert response.status_code == 204
    assert not Workflow.objects.filter(pk=demo_workflow.pk).exists()
    assert (Job.objects.count(), JobItem.objects.count()) == (1, 1)
    Workflow.all_objects.filter(pk=demo_workflow.pk).update(deleted_at=timezone.now() - RESTORE_PERIOD * 2)
    assert workflow_purge_deleted() == 1
    assert not WorkflowRevision.objects.filter(workflow_id=demo_workflow.pk).exists()
    assert (Job.objects.count(), JobItem.objects.count()) == (0, 0)


def test_a_public_workflow_other_users_ran_jobs_on_is_not_deleted(alice_api, demo_workflow):
    Workflow.objects.filter(pk=demo_workflow.pk).update(public=True)
    bob_api = APIClient()
    bob_api.force_authenticate(make_user("bob"))
    bobs_job = _start_job(bob_api, demo_workflow)

    response = alice_api.delete(f"/api/v1/workflows/{demo_workflow.pk}/")

    assert response.status_code == 409
    assert response.json() == {
        "code": "workflow_in_use",
        "message": "Other users ran 1 job(s) on this workflow; it cannot be deleted while they exist.",
        "details": [],
        "jobs": 1,
    }
    assert Workflow.objects.filter(pk=demo_workflow.pk).exists()
    assert bob_api.get(f"/api/v1/jobs/{bobs_job}/").status_code == 200
