"""The lifecycle admin: a family's policy, diff, usages and audit trail; audit records; policies."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from registry.models import AuditRecord, BlockType, CompatibilityPolicy, Workflow
from tests.registry.conftest import make_user

pytestmark = pytest.mark.django_db
FAMILY = "roboflow_core/roboflow_classification_model"


@pytest.fixture
def admin_client() -> Client:
    client = Client()
    client.force_login(make_user("root", staff=True, is_superuser=True))
    return client


def test_family_page_shows_diff_usages_and_audit(admin_client):
    call_command("seed_demo", stdout=StringIO())
    family = BlockType.objects.get(family=FAMILY)
    change = admin_client.get(f"/admin/registry/blocktype/{family.pk}/change/")
    url = f"/admin/registry/blocktype/{family.pk}/lifecycle/"
    assert url.encode() in change.content
    page = admin_client.get(url, {"from": f"{FAMILY}@v2", "to": f"{FAMILY}@v3"})
    assert page.status_code == 200
    assert [c["code"] for c in page.context["diff"]] == [
        "PROPERTY_REMOVED",
        "PROPERTY_ADDED_OPTIONAL",
        "PROPERTY_ADDED_OPTIONAL",
    ]
    assert page.context["policy"] == {"compatibility": "BACKWARD", "scope": "default"}
    usages = {row.type_identifier: [u["name"] for u in found] for row, found in page.context["usages"]}
    assert usages == {f"{FAMILY}@v1": [], f"{FAMILY}@v2": [Workflow.objects.get().name], f"{FAMILY}@v3": []}
    assert {r.subject for r in page.context["audit"]} == {f"{FAMILY}@v1", f"{FAMILY}@v2", f"{FAMILY}@v3"}
    assert b"/block_schema/properties/confidence" in page.content


def test_family_page_sets_and_resets_the_policy_with_an_audit_record(admin_client):
    family = BlockType.objects.get(family=FAMILY)
    url = f"/admin/registry/blocktype/{family.pk}/lifecycle/"
    assert admin_client.post(url, {"compatibility": "FULL_TRANSITIVE"}).status_code == 302
    assert CompatibilityPolicy.objects.get(family=FAMILY).compatibility == "FULL_TRANSITIVE"
    admin_client.post(url, {"compatibility": ""})
    assert not CompatibilityPolicy.objects.filter(family=FAMILY).exists()
    assert [r.after for r in AuditRecord.objects.filter(action="policy", subject=FAMILY)] == [
        {"compatibility": None},
        {"compatibility": "FULL_TRANSITIVE"},
    ]


def test_audit_records_are_listed_read_only(admin_client):
    response = admin_client.get("/admin/registry/auditrecord/", {"action__exact": "publish", "q": "continue_if"})
    assert [r.subject for r in response.context["cl"].result_list] == ["roboflow_core/continue_if@v1"]
    record = AuditRecord.objects.first()
    assert (
        admin_client.get(f"/admin/registry/auditrecord/{record.pk}/change/").context["has_change_permission"] is False
    )
    assert admin_client.get("/admin/registry/auditrecord/add/").status_code == 403


def test_global_policy_set_in_the_admin_is_audited(admin_client):
    response = admin_client.post("/admin/registry/compatibilitypolicy/add/", {"family": "", "compatibility": "FORWARD"})
    assert response.status_code == 302
    assert CompatibilityPolicy.objects.get(family="").compatibility == "FORWARD"
    record = AuditRecord.objects.get(action="policy")
    assert (record.subject, record.after, record.actor_name) == (
        "(global default)",
        {"compatibility": "FORWARD"},
        "root",
    )
