"""Node positions saved with a workflow, beside its definition (never inside it)."""

import pytest
from rest_framework.test import APIClient

from registry.models import Workflow, WorkflowRevision
from tests.executor.conftest import classification_workflow
from tests.registry.conftest import create_workflow, make_user

pytestmark = pytest.mark.django_db

LAYOUT = {"inputs/image": {"x": 0.0, "y": 40.0}, "steps/classifier": {"x": 320.5, "y": 10.0}}


@pytest.fixture
def client():
    client = APIClient()
    client.force_authenticate(make_user("alice"))
    return client


def _create(client, **overrides):
    return create_workflow(client, **{"layout": LAYOUT, **overrides})


def test_layout_comes_back_and_stays_out_of_the_definition(client):
    created = _create(client)
    read = client.get(f"/api/v1/workflows/{created['id']}/").json()
    assert read["layout"] == LAYOUT
    assert read["specification"] == classification_workflow()


def test_save_with_a_new_layout_and_name_makes_a_revision_and_renames(client):
    created = _create(client)
    moved = {"inputs/image": {"x": 5.0, "y": 6.0}}
    saved = client.put(
        f"/api/v1/workflows/{created['id']}/",
        {"base_revision": 1, "name": "Renamed", "specification": classification_workflow(), "layout": moved},
        format="json",
    ).json()
    assert (saved["name"], saved["revision"], saved["layout"]) == ("Renamed", 2, moved)
    assert client.get(f"/api/v1/workflows/{created['id']}/revisions/1/").json()["layout"] == LAYOUT


def test_a_layout_alone_keeps_the_definition(client):
    created = _create(client)
    moved = {"steps/classifier": {"x": 1.0, "y": 2.0}}
    saved = client.put(f"/api/v1/workflows/{created['id']}/", {"base_revision": 1, "layout": moved}, format="json")
    assert saved.status_code == 200
    assert (saved.json()["revision"], saved.json()["layout"]) == (2, moved)
    assert saved.json()["specification"] == classification_workflow()


def test_restore_brings_the_old_layout_back(client):
    created = _create(client)
    client.put(f"/api/v1/workflows/{created['id']}/", {"base_revision": 1, "layout": {}}, format="json")
    restored = client.post(f"/api/v1/workflows/{created['id']}/revisions/1/restore/").json()
    assert (restored["number"], restored["layout"]) == (3, LAYOUT)


@pytest.mark.parametrize(
    "layout",
    [["not", "a", "map"], {"steps/a": {"x": "left", "y": 0}}, {"steps/a": {"x": 1}}, {"steps/a": {"x": 1e9, "y": 0}}],
)
def test_a_bad_layout_is_refused_and_nothing_is_written(client, layout):
    before = (Workflow.objects.count(), WorkflowRevision.objects.count())
    response = client.post(
        "/api/v1/workflows/", {"name": "x", "specification": classification_workflow(), "layout": layout}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert (Workflow.objects.count(), WorkflowRevision.objects.count()) == before
