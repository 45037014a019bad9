"""Numbers, integers and booleans in request bodies and query strings are taken only in the type
the OpenAPI schema documents: DRF alone would take `false` for a coordinate or `"1"` for a revision."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from registry.models import AuditRecord, Run, Workflow, WorkflowRevision
from tests.executor.conftest import classification_workflow
from tests.registry.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_api() -> APIClient:
    client = APIClient()
    client.force_authenticate(make_user("alice"))
    return client


def _counts() -> tuple[int, int]:
    return Workflow.objects.count(), WorkflowRevision.objects.count()


def _refusal(response) -> tuple[int, str, list[str]]:
    body = response.json()
    return response.status_code, body["code"], [detail["path"] for detail in body["details"]]


@pytest.mark.parametrize("position", [{"x": 0.0, "y": False}, {"x": "1.5", "y": 2}, {"x": True, "y": 0}])
def test_layout_coordinates_must_be_json_numbers(alice_api, position):
    body = {"name": "Shapes", "specification": classification_workflow(), "layout": {"steps/a": position}}
    response = alice_api.post("/api/v1/workflows/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert _counts() == (0, 0)


def test_base_revision_must_be_a_json_integer(alice_api):
    created = alice_api.post(
        "/api/v1/workflows/", {"name": "Shapes", "specification": classification_workflow()}, format="json"
    ).json()
    url = f"/api/v1/workflows/{created['id']}/"
    before = _counts()
    for revision in ("1", 1.0, True):
        response = alice_api.put(url, {"base_revision": revision, "name": "Renamed"}, format="json")
        assert _refusal(response) == (400, "invalid", ["/base_revision"])
    assert _counts() == before
    assert Workflow.objects.get().name == "Shapes"


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"base_revision": "1", "to_default": True}, "/base_revision"),
        ({"base_revision": 1, "to_default": "yes"}, "/to_default"),
        ({"base_revision": 1, "steps": {"classifier": 3}}, "/steps/classifier"),
        ({"base_revision": 2**31, "to_default": True}, "/base_revision"),
    ],
)
def test_upgrade_takes_the_documented_types_only(alice_api, body, path):
    created = alice_api.post(
        "/api/v1/workflows/", {"name": "Shapes", "specification": classification_workflow()}, format="json"
    ).json()
    before = _counts()
    response = alice_api.post(f"/api/v1/workflows/{created['id']}/upgrade/", body, format="json")
    assert _refusal(response) == (400, "invalid", [path])
    assert _counts() == before


def test_upgrade_preview_needs_a_definition_object(alice_api):
    response = alice_api.post("/api/v1/workflows/upgrade/", {"specification": [], "to_default": True}, format="json")
    assert _refusal(response) == (400, "invalid", ["/specification"])


@pytest.mark.parametrize("query", [{"limit": "0"}, {"limit": "1001"}, {"limit": "²"}, {"action": "delete"}])
def test_audit_query_is_checked_against_its_documented_range(staff_api, query):
    response = staff_api.get("/api/v1/audit/", query)
    assert _refusal(response) == (400, "invalid", [f"/{next(iter(query))}"])


def test_audit_answers_the_list_envelope(staff_api):
    staff_api.put("/api/v1/compatibility/", {"compatibility": "FORWARD"}, format="json")
    body = staff_api.get("/api/v1/audit/", {"action": "policy", "limit": "1"}).json()
    assert (body["count"], len(body["results"])) == (AuditRecord.objects.filter(action="policy").count(), 1)
    assert body["results"][0]["after"] == {"compatibility": "FORWARD"}


@pytest.mark.parametrize("name", ["specification", "inputs", "excluded_fields", "workflow", "api_key"])
def test_a_run_form_refuses_a_file_where_text_belongs(name):
    form = {name: SimpleUploadedFile("a.json", b"{}")}
    response = APIClient().post("/api/v1/runs/", form, format="multipart")
    assert _refusal(response) == (400, "invalid", [f"/{name}"])
    assert Run.objects.count() == 0
