"""Workflow management: duplicate a workflow, delete it softly, list and restore the deleted ones for
30 days, after which they are purged."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from registry.models import Workflow, WorkflowRevision
from registry.services.workflows import RESTORE_PERIOD, workflow_purge_deleted
from tests.executor.conftest import classification_workflow
from tests.registry.conftest import client_of, create_workflow, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return make_user("alice")


def test_duplicate_copies_the_current_revision_as_a_new_workflow_of_the_caller(alice):
    bob = make_user("bob")
    source = create_workflow(
        client_of(bob), name="Public", public=True, layout={"steps/classifier": {"x": 10, "y": 20}}
    )
    response = client_of(alice).post(f"/api/v1/workflows/{source['id']}/duplicate/", {}, format="json")
    assert response.status_code == 201, response.content
    copy = response.json()
    assert {k: copy[k] for k in ("name", "owner", "public", "revision")} == {
        "name": "Public (copy)",
        "owner": "alice",
        "public": False,
        "revision": 1,
    }
    assert copy["id"] != source["id"]
    assert copy["specification"] == classification_workflow()
    assert copy["layout"] == {"steps/classifier": {"x": 10, "y": 20}}
    named = client_of(alice).post(f"/api/v1/workflows/{source['id']}/duplicate/", {"name": "Mine"}, format="json")
    assert named.json()["name"] == "Mine"


def test_duplicating_what_the_caller_cannot_see_or_without_an_account_is_refused(alice):
    private = create_workflow(client_of(make_user("bob")), name="Private")
    before = Workflow.objects.count()
    answer = client_of(alice).post(f"/api/v1/workflows/{private['id']}/duplicate/", {}, format="json")
    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")
    anonymous = APIClient().post(f"/api/v1/workflows/{private['id']}/duplicate/", {}, format="json")
    assert anonymous.status_code in (401, 403)
    bad = client_of(alice).post(f"/api/v1/workflows/{private['id']}/duplicate/", {"name": 5}, format="json")
    assert bad.status_code == 400
    assert Workflow.objects.count() == before


def test_a_deleted_workflow_is_listed_for_its_owner_and_restored(alice):
    client = client_of(alice)
    kept = create_workflow(client, name="Kept")
    gone = create_workflow(client, name="Gone")
    assert client.delete(f"/api/v1/workflows/{gone['id']}/").status_code == 204
    assert [w["name"] for w in client.get("/api/v1/workflows/").json()["results"]] == ["Kept"]
    assert client.get(f"/api/v1/workflows/{gone['id']}/runs/").status_code == 404
    deleted = client.get("/api/v1/workflows/deleted/").json()
    assert deleted["count"] == 1
    (entry,) = deleted["results"]
    assert (entry["id"], entry["name"]) == (gone["id"], "Gone")
    deleted_at = Workflow.all_objects.get(pk=gone["id"]).deleted_at
    assert deleted_at is not None
    assert entry["restorable_until"] == (deleted_at + RESTORE_PERIOD).isoformat().replace("+00:00", "Z")
    assert client_of(make_user("bob")).get("/api/v1/workflows/deleted/").json()["count"] == 0

    restored = client.post(f"/api/v1/workflows/{gone['id']}/restore/")
    assert restored.status_code == 200, restored.content
    assert (restored.json()["name"], restored.json()["revision"]) == ("Gone", 1)
    assert sorted(w["name"] for w in client.get("/api/v1/workflows/").json()["results"]) == ["Gone", "Kept"]
    assert client.get("/api/v1/workflows/deleted/").json()["count"] == 0
    assert kept["id"] != gone["id"]


def test_only_the_owner_restores_and_only_within_thirty_days(alice):
    client = client_of(alice)
    gone = create_workflow(client)
    client.delete(f"/api/v1/workflows/{gone['id']}/")
    answer = client_of(make_user("bob")).post(f"/api/v1/workflows/{gone['id']}/restore/")
    assert (answer.status_code, answer.json()["code"]) == (404, "not_found")
    live = create_workflow(client, name="Live")
    assert client.post(f"/api/v1/workflows/{live['id']}/restore/").status_code == 404

    Workflow.all_objects.filter(pk=gone["id"]).update(deleted_at=timezone.now() - RESTORE_PERIOD - timedelta(minutes=1))
    assert client.get("/api/v1/workflows/deleted/").json()["count"] == 0
    assert client.post(f"/api/v1/workflows/{gone['id']}/restore/").status_code == 404
    assert workflow_purge_deleted() == 1
    assert not Workflow.all_objects.filter(pk=gone["id"]).exists()
    assert not WorkflowRevision.objects.filter(workflow_id=gone["id"]).exists()
    assert Workflow.objects.filter(pk=live["id"]).exists()


def test_duplicate_takes_a_json_object_or_nothing(alice):
    client = client_of(alice)
    source = create_workflow(client)
    assert client.post(f"/api/v1/workflows/{source['id']}/duplicate/").status_code == 201
    answer = client.post(f"/api/v1/workflows/{source['id']}/duplicate/", "null", content_type="application/json")
    assert (answer.status_code, answer.json()["code"]) == (400, "parse_error")
    assert Workflow.objects.count() == 2
