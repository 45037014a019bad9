"""The catalog REST API: kinds, block versions, connections, registration and state changes."""

import copy
import json
import re

import pytest

from blocks.catalog import builtin_descriptions
from registry.models import BlockVersion, BlockVersionRevision, CatalogSnapshot
from registry.selectors.catalog import catalog_snapshot

pytestmark = pytest.mark.django_db

V1 = "roboflow_core/roboflow_classification_model@v1"
V2 = "roboflow_core/roboflow_classification_model@v2"
V3 = "roboflow_core/roboflow_classification_model@v3"


def _counts():
    return BlockVersion.objects.count(), BlockVersionRevision.objects.count(), CatalogSnapshot.objects.count()


def _uploaded_description(identifier="acme/blur_score@v1", **schema_overrides):
    schema = {
        "type": "object",
        "title": "BlockManifest",
        "name": "Blur Score",
        "block_type": "analytics",
        "short_description": "How blurred an image is.",
        "properties": {
            "type": {"const": identifier, "type": "string"},
            "name": {"type": "string", "title": "Step Name"},
            "image": {
                "type": "string",
                "reference": True,
                "selected_element": "any_data",
                "kind": [{"name": "image"}],
                "pattern": r"(^\$steps\.[A-Za-z_\-0-9]+\.[A-Za-z_*0-9\-]+$)|(^\$inputs.[A-Za-z_0-9\-]+$)",
            },
            "threshold": {"type": "number", "minimum": 0, "default": 100},
        },
        "required": ["type", "name", "image"],
        **schema_overrides,
    }
    return {
        "manifest_type_identifier": identifier,
        "manifest_type_identifier_aliases": [],
        "human_friendly_block_name": "Blur Score",
        "block_schema": schema,
        "outputs_manifest": [{"name": "score", "kind": [{"name": "float"}]}],
    }


def test_kinds_list(api):
    response = api.get("/api/v1/kinds/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 45
    assert {
        "name": "float_zero_to_one",
        "description": "A number between 0.0 and 1.0 inclusive",
        "serialised_data_type": "float",
        "accepted_by": ["*", "float_zero_to_one"],
    } in body["results"]
    everything = next(kind for kind in body["results"] if kind["name"] == "*")
    assert everything["accepted_by"] == [kind["name"] for kind in body["results"]]


def test_kind_detail_lists_users(api):
    body = api.get("/api/v1/kinds/classification_prediction/").json()
    assert body["name"] == "classification_prediction"
    assert {"type_identifier": V2, "output": "predictions"} in body["used_by"]["outputs"]
    assert {
        "type_identifier": "roboflow_core/classification_label_visualization@v1",
        "property": "predictions",
    } in body["used_by"]["inputs"]


def test_unknown_kind_suggests(api):
    response = api.get("/api/v1/kinds/imagee/")
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_kind"
    assert response.json()["suggestions"][0] == "image"


def test_block_list_is_slim_and_filterable(api):
    body = api.get("/api/v1/blocks/").json()
    assert body["count"] == 250
    assert "schema" not in body["results"][0]
    classification = api.get("/api/v1/blocks/", {"search": "single-label classification"}).json()
    identifiers = [r["type_identifier"] for r in classification["results"]]
    assert identifiers == [V1, V2, V3]
    v2 = classification["results"][1]
    assert v2 == {
        "type_identifier": V2,
        "aliases": [],
        "family": "roboflow_core/roboflow_classification_model",
        "version": "v2",
        "human_name": "Single-Label Classification Model",
        "category": "model",
        "short_description": v2["short_description"],
        "search_keywords": [],
        "state": "published",
        "is_default": False,
        "executable": True,
        "source": "builtin",
        "deprecation_message": "",
        "replacement": "",
        "sunset_date": None,
        "docs_url": f"/docs/blocks/{V2}/",
    }
    assert api.get("/api/v1/blocks/", {"search": "ClassificationModel"}).json()["count"] >= 1
    flow = api.get("/api/v1/blocks/", {"category": "flow_control"}).json()["results"]
    assert "roboflow_core/continue_if@v1" in [r["type_identifier"] for r in flow]
    assert all(r["category"] == "flow_control" for r in flow)
    runnable = api.get("/api/v1/blocks/", {"executable": "true"}).json()["results"]
    assert len(runnable) == 10
    assert {r["source"] for r in runnable} == {"builtin"}
    imported = api.get("/api/v1/blocks/", {"executable": "false", "search": "gemini"}).json()["results"]
    assert imported
    assert {(r["source"], r["executable"]) for r in imported} == {("imported", False)}
    assert api.get("/api/v1/blocks/", {"state": "draft"}).json()["count"] == 0


def test_block_search_takes_up_to_32_words(api):
    one = api.get("/api/v1/blocks/", {"search": "single-label"}).json()["count"]
    assert api.get("/api/v1/blocks/", {"search": " ".join(["single-label"] * 32)}).json()["count"] == one == 3
    refused = api.get("/api/v1/blocks/", {"search": " ".join(["classification"] * 1000)})
    assert refused.status_code == 400
    assert refused.json() == {
        "code": "too_many_search_words",
        "message": "`search` takes at most 32 words.",
        "details": [{"path": "search", "code": "too_many_search_words", "message": "1000 words"}],
    }


def test_block_list_rejects_a_bad_boolean(api):
    response = api.get("/api/v1/blocks/", {"executable": "maybe"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_block_detail_has_schema_properties_outputs_and_versions(api):
    response = api.get(f"/api/v1/blocks/{V2}/")
    assert response.status_code == 200
    body = response.json()
    ours = next(d for d in builtin_descriptions() if d["manifest_type_identifier"] == V2)
    assert body["schema"] == ours["block_schema"]
    properties = {p["name"]: p for p in body["properties"]}
    assert properties["images"]["takes_reference"] is True
    assert properties["images"]["accepts_literals"] is False
    assert properties["images"]["kinds"] == ["image"]
    assert properties["confidence"] == {
        "name": "confidence",
        "title": "Confidence",
        "description": properties["confidence"]["description"],
        "required": False,
        "has_default": True,
        "default": 0.4,
        "accepts_literals": True,
        "takes_reference": True,
        "takes_step_selector": False,
        "kinds": ["float_zero_to_one"],
        "step_kinds": ["float_zero_to_one"],
        "is_list_element": False,
        "is_dict_element": False,
    }
    assert properties["name"]["takes_reference"] is False
    assert body["outputs"] == [
        {"name": "predictions", "kinds": ["classification_prediction"]},
        {"name": "inference_id", "kinds": ["inference_id"]},
        {"name": "model_id", "kinds": ["roboflow_model_id"]},
    ]
    assert [v["type_identifier"] for v in body["versions"]] == [V1, V2, V3]
    assert [v["is_default"] for v in body["versions"]] == [False, False, True]
    assert len(body["content_hash"]) == 64


def test_block_detail_by_alias(api):
    body = api.get("/api/v1/blocks/ClassificationModel/").json()
    assert body["type_identifier"] == V1
    assert body["aliases"] == ["RoboflowClassificationModel", "ClassificationModel"]


def test_unknown_block_suggests_close_identifiers(api):
    response = api.get("/api/v1/blocks/roboflow_core/roboflow_clasification_model@v2/")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "unknown_block_type"
    assert body["suggestions"][0] == V2
    assert len(body["suggestions"]) <= 5


def test_block_connections(api):
    body = api.get(f"/api/v1/blocks/{V2}/connections/").json()
    assert body["type_identifier"] == V2
    producers = {p["type_identifier"]: p for p in body["inputs"]["images"]}
    assert producers["roboflow_core/convert_grayscale@v1"] == {
        "type_identifier": "roboflow_core/convert_grayscale@v1",
        "human_name": "Image Convert Grayscale",
        "outputs": ["image"],
    }
    consumers = {c["type_identifier"]: c for c in body["outputs"]["predictions"]}
    assert consumers["roboflow_core/classification_label_visualization@v1"]["properties"] == ["predictions"]


def test_connection_graph_with_etag(api):
    response = api.get("/api/v1/connections/")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert len(body["blocks"]) == 250
    index = body["blocks"].index("roboflow_core/convert_grayscale@v1")
    producers = body["edges"][V2]["inputs"]["images"]
    assert [index, ["image"]] in producers
    assert body["edges"]["roboflow_core/property_definition@v1"]["inputs"]["data"] == "*"
    etag = response["ETag"]
    again = api.get("/api/v1/connections/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""


def test_connection_graph_is_gzipped_when_accepted(api):
    import gzip

    plain = api.get("/api/v1/connections/")
    zipped = api.get("/api/v1/connections/", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content


def test_register_requires_staff(api, user_api):
    description = _uploaded_description()
    before = _counts()
    anonymous = api.post("/api/v1/blocks/", description, format="json")
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "not_authenticated"
    forbidden = user_api.post("/api/v1/blocks/", description, format="json")
    assert forbidden.status_code == 403
    assert forbidden.json()["code"] == "permission_denied"
    assert _counts() == before


def test_register_a_manifest_as_a_draft(staff_api):
    response = staff_api.post("/api/v1/blocks/", _uploaded_description(), format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["type_identifier"], body["state"], body["source"], body["executable"]) == (
        "acme/blur_score@v1",
        "draft",
        "uploaded",
        False,
    )
    assert body["outputs"] == [{"name": "score", "kinds": ["float"]}]
    # Drafts are not in the catalog workflows compile against.
    assert catalog_snapshot().resolve("acme/blur_score@v1") is None
    again = staff_api.post("/api/v1/blocks/", _uploaded_description(), format="json")
    assert again.status_code == 200
    assert BlockVersion.objects.filter(type_identifier="acme/blur_score@v1").count() == 1


def test_register_the_manifest_and_outputs_form(staff_api):
    description = _uploaded_description()
    response = staff_api.post(
        "/api/v1/blocks/",
        {
            "manifest": description["block_schema"],
            "outputs": [{"name": "score", "kind": ["float"]}],
            "release_notes": "first",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["release_notes"] == "first"


def test_register_dry_run_writes_nothing(staff_api):
    before = _counts()
    response = staff_api.post("/api/v1/blocks/?dry_run=true", _uploaded_description(), format="json")
    assert response.status_code == 200
    assert response.json() == {
        "dry_run": True,
        "valid": True,
        "type_identifier": "acme/blur_score@v1",
        "created": True,
        "compatibility": {"is_compatible": True, "compatibility": "BACKWARD", "compared_with": [], "changes": []},
    }
    assert _counts() == before


def test_register_changed_content_is_a_conflict(staff_api):
    staff_api.post("/api/v1/blocks/", _uploaded_description(), format="json")
    before = _counts()
    changed = _uploaded_description(short_description="Something else")
    response = staff_api.post("/api/v1/blocks/", changed, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "content_conflict"
    assert _counts() == before
    builtin = copy.deepcopy(next(d for d in builtin_descriptions() if d["manifest_type_identifier"] == V2))
    builtin["block_schema"]["short_description"] = "not ours"
    assert staff_api.post("/api/v1/blocks/", builtin, format="json").status_code == 409


def test_register_malformed_manifest_points_at_each_bad_field(staff_api):
    before = _counts()
    bad = _uploaded_description()
    bad["outputs_manifest"] = [{"kind": "float"}]
    del bad["block_schema"]["properties"]
    response = staff_api.post("/api/v1/blocks/", bad, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_manifest"
    paths = {d["path"] for d in body["details"]}
    assert paths == {"/block_schema/properties", "/outputs_manifest/0/name", "/outputs_manifest/0/kind"}
    assert _counts() == before


def test_register_with_unknown_kinds_is_refused(staff_api):
    description = _uploaded_description()
    description["outputs_manifest"][0]["kind"] = [{"name": "sharpness"}]
    response = staff_api.post("/api/v1/blocks/", description, format="json")
    assert response.status_code == 400
    assert response.json()["details"] == [
        {"path": "/outputs_manifest/0/kind", "code": "unknown_kind", "message": "Unknown kind 'sharpness'."}
    ]


def test_register_body_over_the_limit_is_413(staff_api, settings):
    settings.BLOCKWISE_MAX_BODY_BYTES = 1000
    before = _counts()
    description = _uploaded_description(long_description="x" * 2000)
    response = staff_api.post("/api/v1/blocks/", description, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert _counts() == before


def test_register_not_json_is_a_located_parse_error(staff_api):
    response = staff_api.generic("POST", "/api/v1/blocks/", '{"a": 1,\n "b": }', content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert body["details"][0]["line"] == 2
    assert body["details"][0]["column"] == 7


def test_state_changes(staff_api, api):
    deprecated = staff_api.post(
        f"/api/v1/blocks/{V1}/state/",
        {"action": "deprecate", "message": "Use v2.", "replacement": V2},
        format="json",
    )
    assert deprecated.status_code == 200
    assert (deprecated.json()["state"], deprecated.json()["deprecation_message"], deprecated.json()["replacement"]) == (
        "deprecated",
        "Use v2.",
        V2,
    )
    resolved = catalog_snapshot().resolve(V1)
    assert resolved is not None
    assert resolved.state == "deprecated"

    default = staff_api.post(f"/api/v1/blocks/{V2}/state/", {"action": "make_default"}, format="json")
    assert [v["is_default"] for v in default.json()["versions"]] == [False, True, False]

    disabled = staff_api.post(f"/api/v1/blocks/{V3}/state/", {"action": "disable"}, format="json")
    assert disabled.json()["state"] == "disabled"
    assert catalog_snapshot().resolve(V3) is None
    assert V3 not in api.get("/api/v1/connections/").json()["blocks"]

    published = staff_api.post(f"/api/v1/blocks/{V3}/state/", {"action": "publish"}, format="json")
    assert published.json()["state"] == "published"


def test_state_change_errors_write_nothing(staff_api, api):
    before = _counts()
    unknown_replacement = staff_api.post(
        f"/api/v1/blocks/{V1}/state/", {"action": "deprecate", "replacement": "acme/none@v1"}, format="json"
    )
    assert unknown_replacement.status_code == 400
    assert unknown_replacement.json()["code"] == "unknown_replacement"
    bad_action = staff_api.post(f"/api/v1/blocks/{V1}/state/", {"action": "explode"}, format="json")
    assert bad_action.status_code == 400
    assert bad_action.json()["details"][0]["path"] == "/action"
    assert api.post(f"/api/v1/blocks/{V1}/state/", {"action": "publish"}, format="json").status_code == 401
    assert BlockVersion.objects.get(type_identifier=V1).state == "published"
    assert _counts() == before


def test_openapi_schema_and_docs(api):
    schema = api.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/blocks/" in schema.content
    assert api.get("/api/docs/").status_code == 200


def test_the_connection_graph_serves_the_selector_grammar(api):
    # The editor builds its RegExps from these sources: the compiler's own, the dots escaped.
    selectors = json.loads(api.get("/api/v1/connections/").content)["selectors"]
    assert selectors == {
        "input": r"^\$inputs\.([A-Za-z_0-9\-]+)$",
        "step_output": r"^\$steps\.([A-Za-z_0-9\-]+)\.([A-Za-z_*0-9\-]+)$",
        "step": r"^\$steps\.([A-Za-z_0-9\-]+)$",
    }
    assert re.match(selectors["step_output"], "$steps.crop.crops").groups() == ("crop", "crops")
    assert re.match(selectors["input"], "$inputsXimage") is None


def test_a_stored_kind_reads_as_the_kind_it_stores():
    from blocks.kinds import IMAGE_KIND
    from registry.models import Kind

    stored = Kind(
        name=IMAGE_KIND.name,
        description=IMAGE_KIND.description,
        serialised_data_type=IMAGE_KIND.serialised_data_type,
        internal_data_type=IMAGE_KIND.internal_data_type,
    )
    assert (
        stored.as_dict()
        == IMAGE_KIND.as_dict()
        == {
            "name": "image",
            "description": "An image, with its lineage when it is a crop",
            "serialised_data_type": "dict",
            "internal_data_type": "WorkflowImageData",
        }
    )
