"""Saved workflows: create, read, save with base revisions, delete, revisions, restore, privacy."""

import pytest
from rest_framework.test import APIClient

from registry.models import Workflow, WorkflowRevision
from tests.executor.conftest import CLASSIFIER, chain_workflow, classification_workflow
from tests.registry.conftest import client_of, create_workflow, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return make_user("alice")


@pytest.fixture
def bob():
    return make_user("bob")


def _counts():
    return Workflow.objects.count(), WorkflowRevision.objects.count()


def test_create_stores_revision_one_with_validation_and_lockfile(alice):
    body = create_workflow(client_of(alice), description="demo", message="first")
    assert {k: body[k] for k in ("name", "description", "public", "owner", "revision", "valid")} == {
        "name": "Shapes",
        "description": "demo",
        "public": False,
        "owner": "alice",
        "revision": 1,
        "valid": True,
    }
    assert body["specification"] == classification_workflow()
    assert body["validation"]["valid"] is True
    revision = client_of(alice).get(f"/api/v1/workflows/{body['id']}/revisions/1/").json()
    assert revision["message"] == "first"
    assert revision["author"] == "alice"
    assert revision["lockfile"] == {
        "classifier": {
            "type_identifier": CLASSIFIER,
            "content_hash": revision["lockfile"]["classifier"]["content_hash"],
        }
    }
    assert len(revision["lockfile"]["classifier"]["content_hash"]) == 64


def test_saving_an_invalid_workflow_keeps_it_as_a_draft(alice):
    body = create_workflow(client_of(alice), specification=classification_workflow(confidence=7))
    assert body["valid"] is False
    assert body["validation"]["errors"][0]["pointer"] == "/steps/0/confidence"


def test_save_needs_an_account(api):
    before = _counts()
    response = api.post("/api/v1/workflows/", {"name": "x", "specification": {}}, format="json")
    assert response.status_code == 401
    assert _counts() == before


def test_save_with_base_revision_and_stale_conflict(alice):
    client = client_of(alice)
    created = create_workflow(client)
    url = f"/api/v1/workflows/{created['id']}/"
    saved = client.put(url, {"base_revision": 1, "specification": chain_workflow(2), "message": "chain"}, format="json")
    assert saved.status_code == 200
    assert saved.json()["revision"] == 2
    before = _counts()
    stale = client.put(url, {"base_revision": 1, "specification": chain_workflow(3)}, format="json")
    assert stale.status_code == 409
    assert stale.json() == {
        "code": "stale_revision",
        "message": "This workflow has changed since revision 1: it is at revision 2. "
        "Reload it, reapply your change and save again.",
        "details": [],
        "current_revision": 2,
    }
    assert _counts() == before
    renamed = client.put(url, {"base_revision": 2, "name": "Renamed"}, format="json").json()
    assert (renamed["name"], renamed["revision"]) == ("Renamed", 2)


def test_revisions_and_restore(alice):
    client = client_of(alice)
    created = create_workflow(client)
    url = f"/api/v1/workflows/{created['id']}"
    client.put(f"{url}/", {"base_revision": 1, "specification": chain_workflow(1)}, format="json")
    listing = client.get(f"{url}/revisions/").json()
    assert [(r["number"], r["valid"]) for r in listing["results"]] == [(2, True), (1, True)]
    restored = client.post(f"{url}/revisions/1/restore/")
    assert restored.status_code == 201
    assert (restored.json()["number"], restored.json()["message"]) == (3, "restored revision 1")
    assert client.get(f"{url}/").json()["specification"] == classification_workflow()
    assert client.get(f"{url}/revisions/9/").status_code == 404


def test_privacy_is_404_not_403(alice, bob):
    private = create_workflow(client_of(alice))
    public = create_workflow(client_of(alice), name="Open", public=True)
    as_bob = client_of(bob)
    assert as_bob.get(f"/api/v1/workflows/{private['id']}/").status_code == 404
    assert (
        as_bob.put(f"/api/v1/workflows/{private['id']}/", {"base_revision": 1, "name": "x"}, format="json").status_code
        == 404
    )
    assert as_bob.delete(f"/api/v1/workflows/{private['id']}/").status_code == 404
    assert as_bob.get(f"/api/v1/workflows/{private['id']}/revisions/").status_code == 404
    assert as_bob.get(f"/api/v1/workflows/{public['id']}/").status_code == 200
    assert as_bob.delete(f"/api/v1/workflows/{public['id']}/").status_code == 403
    names = [w["name"] for w in as_bob.get("/api/v1/workflows/").json()["results"]]
    assert names == ["Open"]
    assert [w["name"] for w in APIClient().get("/api/v1/workflows/").json()["results"]] == ["Open"]
    assert Workflow.objects.count() == 2


def test_delete(alice):
    client = client_of(alice)
    created = create_workflow(client)
    assert client.delete(f"/api/v1/workflows/{created['id']}/").status_code == 204
    # Softly: gone from every read, its revisions kept for a restore (tests/registry/test_workflow_management_api.py).
    assert _counts() == (0, 1)
    assert client.get(f"/api/v1/workflows/{created['id']}/").status_code == 404


def test_bad_saves_write_nothing(alice, settings):
    client = client_of(alice)
    before = _counts()
    assert client.post("/api/v1/workflows/", {"specification": {}}, format="json").json()["details"][0]["path"] == (
        "/name"
    )
    settings.BLOCKWISE_MAX_STEPS = 3
    too_many = client.post("/api/v1/workflows/", {"name": "x", "specification": chain_workflow(5)}, format="json")
    assert (too_many.status_code, too_many.json()["code"]) == (400, "too_many_steps")
    assert _counts() == before


def test_workflows_and_revisions_in_the_admin(alice):
    from django.test import Client

    created = create_workflow(client_of(alice))
    admin = Client()
    admin.force_login(make_user("root", staff=True, is_superuser=True))
    listing = admin.get("/admin/registry/workflow/")
    assert listing.status_code == 200
    assert [w.name for w in listing.context["cl"].result_list] == ["Shapes"]
    revision = WorkflowRevision.objects.get(workflow_id=created["id"], number=1)
    page = admin.get(f"/admin/registry/workflowrevision/{revision.pk}/change/")
    assert page.status_code == 200
    assert "&quot;type&quot;: &quot;WorkflowImage&quot;" in page.content.decode()
