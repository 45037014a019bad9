"""The catalog admin: lists with filters and search, state actions, manifest upload."""

import io
import json

import pytest
from django.test import Client

from registry.models import BlockVersion
from tests.registry.conftest import make_user
from tests.registry.test_catalog_api import _uploaded_description

pytestmark = pytest.mark.django_db

V1 = "roboflow_core/roboflow_classification_model@v1"
V2 = "roboflow_core/roboflow_classification_model@v2"


@pytest.fixture
def admin_client_logged_in():
    client = Client()
    client.force_login(make_user("root", staff=True, is_superuser=True))
    return client


def test_changelist_filters_and_search(admin_client_logged_in):
    url = "/admin/registry/blockversion/"
    response = admin_client_logged_in.get(
        url, {"state__exact": "published", "source__exact": "builtin", "q": "grayscale"}
    )
    assert response.status_code == 200
    rows = response.context["cl"].result_list
    assert [r.type_identifier for r in rows] == ["roboflow_core/convert_grayscale@v1"]
    by_category = admin_client_logged_in.get(url, {"category__exact": "flow_control"}).context["cl"].result_list
    assert {r.category for r in by_category} == {"flow_control"}


def test_change_page_shows_the_manifest_as_json(admin_client_logged_in):
    row = BlockVersion.objects.get(type_identifier=V2)
    response = admin_client_logged_in.get(f"/admin/registry/blockversion/{row.pk}/change/")
    assert response.status_code == 200
    assert "&quot;manifest_type_identifier&quot;: &quot;roboflow_core/roboflow_classification_model@v2&quot;" in (
        response.content.decode()
    )


def test_actions_change_state(admin_client_logged_in):
    row = BlockVersion.objects.get(type_identifier=V1)
    url = "/admin/registry/blockversion/"
    admin_client_logged_in.post(url, {"action": "disable", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.state == "disabled"
    admin_client_logged_in.post(url, {"action": "publish", "_selected_action": [row.pk]})
    row.refresh_from_db()
    assert row.state == "published"
    admin_client_logged_in.post(
        url,
        {"action": "deprecate", "_selected_action": [row.pk], "apply": "1", "message": "old", "replacement": V2},
    )
    row.refresh_from_db()
    assert (row.state, row.deprecation_message, row.replacement) == ("deprecated", "old", V2)
    v2 = BlockVersion.objects.get(type_identifier=V2)
    admin_client_logged_in.post(url, {"action": "make_default", "_selected_action": [v2.pk]})
    v2.refresh_from_db()
    assert v2.block_type.default_version_id == v2.pk


def test_deprecate_asks_for_a_message_first(admin_client_logged_in):
    row = BlockVersion.objects.get(type_identifier=V1)
    response = admin_client_logged_in.post(
        "/admin/registry/blockversion/", {"action": "deprecate", "_selected_action": [row.pk]}
    )
    assert response.status_code == 200
    assert b"Deprecate block versions" in response.content
    row.refresh_from_db()
    assert row.state == "published"


def test_upload_a_manifest_file(admin_client_logged_in):
    upload = io.BytesIO(json.dumps(_uploaded_description()).encode())
    upload.name = "blur.json"
    response = admin_client_logged_in.post(
        "/admin/registry/blockversion/upload/", {"manifest": upload, "release_notes": "hello"}
    )
    assert response.status_code == 302
    row = BlockVersion.objects.get(type_identifier="acme/blur_score@v1")
    assert (row.state, row.source, row.release_notes) == ("draft", "uploaded", "hello")


def test_upload_of_a_bad_file_shows_errors_and_writes_nothing(admin_client_logged_in):
    count = BlockVersion.objects.count()
    upload = io.BytesIO(b"{not json")
    upload.name = "bad.json"
    response = admin_client_logged_in.post("/admin/registry/blockversion/upload/", {"manifest": upload})
    assert response.status_code == 200
    assert b"Not a JSON file" in response.content
    assert BlockVersion.objects.count() == count
