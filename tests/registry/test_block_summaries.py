"""The block list (`GET /api/v1/blocks/`) built once per change of the block tables."""

import gzip

import pytest

from registry.api.catalog.serializers import BlockVersionSlimSerializer
from registry.models import BlockVersion
from tests.registry.test_catalog_api import V1, V2, _uploaded_description

pytestmark = pytest.mark.django_db


def _serialized(**filters):
    rows = BlockVersion.objects.select_related("block_type").filter(**filters).order_by("category", "type_identifier")
    return {"count": rows.count(), "results": BlockVersionSlimSerializer(rows, many=True).data}


def test_the_list_says_what_the_slim_serializer_says_of_every_version(api, staff_api):
    # A draft with search keywords, a deprecated version with a sunset date, a new default: every field.
    described = _uploaded_description(search_keywords=["blur", "sharpness"])
    assert staff_api.post("/api/v1/blocks/", described, format="json").status_code == 201
    deprecate = {"action": "deprecate", "message": "Use v2.", "replacement": V2, "sunset_date": "2027-01-31"}
    assert staff_api.post(f"/api/v1/blocks/{V1}/state/", deprecate, format="json").status_code == 200
    assert staff_api.post(f"/api/v1/blocks/{V2}/state/", {"action": "make_default"}, format="json").status_code == 200

    assert api.get("/api/v1/blocks/").json() == _serialized()
    assert api.get("/api/v1/blocks/", {"state": "draft"}).json() == _serialized(state="draft")
    assert api.get("/api/v1/blocks/", {"search": "sharpness"}).json() == _serialized(state="draft")
    zipped = api.get("/api/v1/blocks/", HTTP_ACCEPT_ENCODING="gzip")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == api.get("/api/v1/blocks/").content


def test_the_list_follows_every_change_and_is_not_sent_again_unchanged(api, staff_api):
    first = api.get("/api/v1/blocks/")
    unchanged = api.get("/api/v1/blocks/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert (unchanged.status_code, unchanged.content) == (304, b"")

    # A registered draft does not change the catalog snapshot, but it is in the list.
    assert staff_api.post("/api/v1/blocks/", _uploaded_description(), format="json").status_code == 201
    registered = api.get("/api/v1/blocks/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert registered.status_code == 200
    assert registered.json()["count"] == first.json()["count"] + 1
    assert registered.json() == _serialized()

    # A new default changes only the block type's row.
    assert staff_api.post(f"/api/v1/blocks/{V2}/state/", {"action": "make_default"}, format="json").status_code == 200
    defaulted = api.get("/api/v1/blocks/", HTTP_IF_NONE_MATCH=registered["ETag"])
    assert defaulted.status_code == 200
    assert next(r for r in defaulted.json()["results"] if r["type_identifier"] == V2)["is_default"] is True

    BlockVersion.objects.get(type_identifier="acme/blur_score@v1").delete()
    deleted = api.get("/api/v1/blocks/", HTTP_IF_NONE_MATCH=defaulted["ETag"])
    assert deleted.status_code == 200
    assert deleted.json() == _serialized()
