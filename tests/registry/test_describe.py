"""Roboflow-compatible catalog routes: describe, definition schema, engine versions."""

import gzip
import json

import pytest
from django.test import Client

from blocks.catalog import query_language_description
from registry.models import CatalogSnapshot

pytestmark = pytest.mark.django_db


def test_describe_has_roboflows_shape(api, roboflow_describe):
    response = api.get("/workflows/blocks/describe")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert set(body) == set(roboflow_describe)
    assert len(body["blocks"]) == 250
    assert {k["name"] for k in body["declared_kinds"]} == {k["name"] for k in roboflow_describe["declared_kinds"]}
    assert set(body["kinds_connections"]) == set(roboflow_describe["kinds_connections"])
    assert body["universal_query_language_description"] == query_language_description()
    entry = next(b for b in body["blocks"] if b["manifest_type_identifier"] == "roboflow_core/google_gemini@v1")
    theirs = next(
        b for b in roboflow_describe["blocks"] if b["manifest_type_identifier"] == "roboflow_core/google_gemini@v1"
    )
    assert set(entry) == set(theirs)
    assert entry["block_schema"]["required"] == theirs["block_schema"]["required"]
    # Embedded kinds lose their long docs and nothing else.
    assert "docs" not in json.dumps(entry["block_schema"]["properties"]["images"])


def test_the_catalog_documents_are_stored_as_compact_json_as_the_standard_library_writes_it():
    # msgspec writes them (registry/services/catalog_snapshot.py); the bytes sent, and the ETag
    # hashed from them, are those json.dumps writes, non-ASCII characters and escapes included.
    row = CatalogSnapshot.objects.order_by("-version").first()
    for stored in (row.graph_json, row.describe_json, row.definition_schema_json):
        assert stored == json.dumps(json.loads(stored), separators=(",", ":"), ensure_ascii=False)
    assert any(not character.isascii() for character in row.describe_json)
    assert "\\n" in row.describe_json


def test_describe_post_and_gzip(api):
    plain = api.post("/workflows/blocks/describe", {}, format="json")
    assert plain.status_code == 200
    zipped = api.post("/workflows/blocks/describe", {}, format="json", HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content


def test_describe_for_an_engine_we_do_not_run_lists_no_blocks(api):
    body = api.post("/workflows/blocks/describe", {"execution_engine_version": "2.0.0"}, format="json").json()
    assert body["blocks"] == []


def test_describe_refuses_dynamic_blocks(api):
    response = api.post("/workflows/blocks/describe", {"dynamic_blocks_definitions": [{"manifest": {}}]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"message": "Dynamic (custom Python) blocks are not supported by Blockwise."}


def test_describe_with_a_body_that_is_not_json(api):
    response = api.generic("POST", "/workflows/blocks/describe", "{", content_type="application/json")
    assert response.status_code == 422


def test_definition_schema(api):
    schema = api.get("/workflows/definition/schema").json()["schema"]
    assert schema["required"] == ["version", "inputs", "steps", "outputs"]
    assert "roboflow_core/roboflow_classification_model@v2" in schema["$defs"]
    assert {"$ref": "#/$defs/roboflow_core/continue_if@v1"} in schema["properties"]["steps"]["items"]["anyOf"]
    assert "StatementGroup" in schema["$defs"]


def test_execution_engine_versions(api):
    assert api.get("/workflows/execution_engine/versions").json() == {"versions": ["1.15.0"]}


@pytest.mark.parametrize("path", ["/workflows/definition/schema", "/workflows/execution_engine/versions"])
def test_the_read_only_routes_answer_other_methods_405_not_a_csrf_403(path):
    client = Client(enforce_csrf_checks=True)
    assert client.generic("QUERY", path).status_code == 405
    assert client.post(path).status_code == 405
