"""Compatibility policies over the API, their enforcement when a version is registered, diffs, and
the audit trail of publishes, state changes and policy changes."""

import copy
from typing import Any

import pytest

from blocks.catalog import builtin_descriptions
from registry.models import AuditRecord, BlockVersion, BlockVersionRevision, CatalogSnapshot, CompatibilityPolicy

pytestmark = pytest.mark.django_db

FAMILY = "roboflow_core/roboflow_classification_model"
V2, V3, V4 = f"{FAMILY}@v2", f"{FAMILY}@v3", f"{FAMILY}@v4"
P = "/block_schema/properties"


def _counts() -> tuple[int, ...]:
    return (
        BlockVersion.objects.count(),
        BlockVersionRevision.objects.count(),
        CatalogSnapshot.objects.count(),
        AuditRecord.objects.count(),
        CompatibilityPolicy.objects.count(),
    )


def next_version(*, drop: str | None = None, add: dict[str, Any] | None = None) -> dict[str, Any]:
    """Our classification v3 as a v4, with one property dropped or added."""
    description = copy.deepcopy(next(d for d in builtin_descriptions() if d["manifest_type_identifier"] == V3))
    description["manifest_type_identifier"] = V4
    schema = description["block_schema"]
    schema["properties"]["type"] = {"const": V4, "title": "Type", "type": "string"}
    schema.pop("migrations", None)
    if drop:
        del schema["properties"][drop]
    schema["properties"].update(add or {})
    return description


def test_policy_routes_default_override_and_reset(staff_api, api):
    assert api.get("/api/v1/compatibility/").json() == {"compatibility": "BACKWARD", "scope": "default"}
    assert staff_api.put("/api/v1/compatibility/", {"compatibility": "FULL"}, format="json").json() == {
        "compatibility": "FULL"
    }
    url = f"/api/v1/families/{FAMILY}/compatibility/"
    assert api.get(url).json() == {"compatibility": "FULL", "scope": "global"}
    assert staff_api.put(url, {"compatibility": "NONE"}, format="json").json() == {"compatibility": "NONE"}
    assert api.get(url).json() == {"compatibility": "NONE", "scope": "family"}
    assert staff_api.delete(url).json() == {"compatibility": "FULL", "scope": "global"}
    trail = [(r.subject, r.before, r.after, r.actor_name) for r in AuditRecord.objects.filter(action="policy")]
    assert trail == [
        (FAMILY, {"compatibility": "NONE"}, {"compatibility": None}, "staff"),
        (FAMILY, {"compatibility": None}, {"compatibility": "NONE"}, "staff"),
        ("(global default)", {"compatibility": None}, {"compatibility": "FULL"}, "staff"),
    ]


def test_policy_writes_need_staff_and_valid_modes(api, user_api, staff_api):
    before = _counts()
    assert api.put("/api/v1/compatibility/", {"compatibility": "FULL"}, format="json").status_code == 401
    assert user_api.put("/api/v1/compatibility/", {"compatibility": "FULL"}, format="json").status_code == 403
    bad = staff_api.put("/api/v1/compatibility/", {"compatibility": "SIDEWAYS"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["details"][0]["path"] == "/compatibility"
    unknown = staff_api.put("/api/v1/families/acme/nothing/compatibility/", {"compatibility": "FULL"}, format="json")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_family")
    assert _counts() == before


def test_register_refuses_a_version_that_breaks_the_policy_and_writes_nothing(staff_api):
    before = _counts()
    for url in ("/api/v1/blocks/", "/api/v1/blocks/?dry_run=true"):
        response = staff_api.post(url, next_version(drop="custom_confidence"), format="json")
        assert response.status_code == 409
        change = {
            "code": "PROPERTY_REMOVED",
            "pointer": f"{P}/custom_confidence",
            "message": "`custom_confidence` was removed: steps that set it lose the value.",
            "breaks": ["backward"],
            "against": V3,
            "violates_policy": True,
        }
        assert response.json() == {
            "code": "incompatible_version",
            "message": f"{V4} breaks the BACKWARD compatibility policy of its family; nothing was registered.",
            "details": [{"path": f"{P}/custom_confidence", **change}],
            "is_compatible": False,
            "compatibility": "BACKWARD",
            "compared_with": [V3],
            "changes": [change],
        }
    assert _counts() == before


def test_register_a_compatible_version_records_its_report(staff_api):
    added = {"sharpen": {"type": "boolean", "default": False, "title": "Sharpen"}}
    dry = staff_api.post("/api/v1/blocks/?dry_run=true", next_version(add=added), format="json")
    assert dry.status_code == 200
    report = {
        "is_compatible": True,
        "compatibility": "BACKWARD",
        "compared_with": [V3],
        "changes": [
            {
                "code": "PROPERTY_ADDED_OPTIONAL",
                "pointer": f"{P}/sharpen",
                "message": "`sharpen` was added as an optional property.",
                "breaks": ["forward"],
                "against": V3,
                "violates_policy": False,
            }
        ],
    }
    assert dry.json()["compatibility"] == report
    assert not BlockVersion.objects.filter(type_identifier=V4).exists()
    assert staff_api.post("/api/v1/blocks/", next_version(add=added), format="json").status_code == 201
    record = AuditRecord.objects.get(subject=V4)
    row = BlockVersion.objects.get(type_identifier=V4)
    assert (record.action, record.actor_name, record.before, record.after, record.details) == (
        "publish",
        "staff",
        None,
        {"state": "draft", "content_hash": row.content_hash, "source": "uploaded"},
        {"compatibility": report},
    )


@pytest.mark.parametrize(("mode", "status"), [("FORWARD", 201), ("FORWARD_TRANSITIVE", 409)])
def test_transitive_policy_looks_past_the_latest_version(staff_api, mode, status):
    # v4 equals v3, but v3 added two properties to v2: only a transitive check sees v2.
    staff_api.put(f"/api/v1/families/{FAMILY}/compatibility/", {"compatibility": mode}, format="json")
    response = staff_api.post("/api/v1/blocks/", next_version(), format="json")
    assert response.status_code == status
    if status == 409:
        assert response.json()["compared_with"] == [V3, V2, f"{FAMILY}@v1"]
        assert {(c["code"], c["against"]) for c in response.json()["changes"] if c["violates_policy"]} >= {
            ("PROPERTY_ADDED_OPTIONAL", V2)
        }


def test_check_route_reports_without_writing(staff_api, api):
    before = _counts()
    url = f"/api/v1/families/{FAMILY}/compatibility/check/"
    body = api.post(url, next_version(drop="confidence_mode"), format="json").json()
    assert (body["is_compatible"], body["compatibility"], body["compared_with"]) == (False, "BACKWARD", [V3])
    assert [(c["code"], c["pointer"], c["breaks"]) for c in body["changes"]] == [
        ("PROPERTY_REMOVED", f"{P}/confidence_mode", ["backward"])
    ]
    other = api.post("/api/v1/families/roboflow_core/continue_if/compatibility/check/", next_version(), format="json")
    assert (other.status_code, other.json()["code"]) == (400, "family_mismatch")
    assert _counts() == before


def test_diff_route(api):
    body = api.get(f"/api/v1/families/{FAMILY}/diff/", {"from": "v2", "to": V3}).json()
    assert body == {
        "family": FAMILY,
        "from": V2,
        "to": V3,
        "changes": [
            {
                "code": "PROPERTY_REMOVED",
                "pointer": f"{P}/confidence",
                "message": "`confidence` was removed: steps that set it lose the value.",
                "breaks": ["backward"],
            },
            {
                "code": "PROPERTY_ADDED_OPTIONAL",
                "pointer": f"{P}/confidence_mode",
                "message": "`confidence_mode` was added as an optional property.",
                "breaks": ["forward"],
            },
            {
                "code": "PROPERTY_ADDED_OPTIONAL",
                "pointer": f"{P}/custom_confidence",
                "message": "`custom_confidence` was added as an optional property.",
                "breaks": ["forward"],
            },
        ],
    }
    missing = api.get(f"/api/v1/families/{FAMILY}/diff/", {"from": "v2"})
    assert (missing.status_code, missing.json()["code"]) == (400, "invalid")
    unknown = api.get(f"/api/v1/families/{FAMILY}/diff/", {"from": "v2", "to": "v9"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "unknown_block_type")


def test_imports_record_their_report_and_are_never_refused():
    # The session's catalog imported Roboflow's open_ai@v2, which drops outputs v1 had.
    record = AuditRecord.objects.get(subject="roboflow_core/open_ai@v2", action="publish")
    report = record.details["compatibility"]
    assert (report["is_compatible"], report["compared_with"]) == (False, ["roboflow_core/open_ai@v1"])
    row = BlockVersion.objects.get(type_identifier="roboflow_core/open_ai@v2")
    assert record.after == {"state": "published", "content_hash": row.content_hash, "source": "imported"}
    assert BlockVersion.objects.get(type_identifier="roboflow_core/open_ai@v2").state == "published"


def test_state_changes_are_audited_and_listed(staff_api, user_api):
    v1 = f"{FAMILY}@v1"
    staff_api.post(
        f"/api/v1/blocks/{v1}/state/",
        {"action": "deprecate", "message": "Old.", "replacement": V3, "sunset_date": "2027-06-30"},
        format="json",
    )
    body = staff_api.get("/api/v1/audit/", {"subject": v1}).json()
    assert body["count"] == 2  # its publish by the catalog sync, then the deprecation
    latest = body["results"][0]
    assert (latest["action"], latest["subject"], latest["actor"]) == ("state", v1, "staff")
    assert latest["before"] == {
        "state": "published",
        "is_default": False,
        "deprecation_message": "",
        "replacement": "",
        "sunset_date": None,
    }
    assert latest["after"] == {
        "state": "deprecated",
        "is_default": False,
        "deprecation_message": "Old.",
        "replacement": V3,
        "sunset_date": "2027-06-30",
    }
    assert latest["details"] == {"action": "deprecate"}
    assert staff_api.get("/api/v1/audit/", {"action": "state", "limit": 1}).json()["count"] >= 1
    assert user_api.get("/api/v1/audit/").status_code == 403
    assert staff_api.get("/api/v1/audit/", {"limit": "0"}).status_code == 400


def test_validation_warns_with_sunset_and_replacement(staff_api, api):
    v1 = f"{FAMILY}@v1"
    staff_api.post(
        f"/api/v1/blocks/{v1}/state/",
        {"action": "deprecate", "message": "v1 is old.", "replacement": V3, "sunset_date": "2027-06-30"},
        format="json",
    )
    spec = {
        "version": "1.0",
        "inputs": [{"type": "WorkflowImage", "name": "image"}],
        "steps": [{"type": v1, "name": "c", "images": "$inputs.image", "model_id": "a/1"}],
        "outputs": [{"type": "JsonField", "name": "p", "selector": "$steps.c.predictions"}],
    }
    warnings = api.post("/api/v1/workflows/validate/", {"specification": spec}, format="json").json()["warnings"]
    deprecated = next(w for w in warnings if w["code"] == "deprecated_block")
    assert deprecated["message"] == f"Step `c`: v1 is old. It will be disabled on 2027-06-30. Use {V3} instead."
    assert (deprecated["replacement"], deprecated["sunset_date"]) == (V3, "2027-06-30")
