"""sync_blocks and import_blocks: idempotent, history-keeping, conflict-refusing."""

import gzip
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from blocks.catalog import builtin_descriptions
from blocks.validation import content_hash
from registry.models import BlockVersion, BlockVersionRevision, CatalogSnapshot, Kind, Source, State
from tests.conftest import roboflow_describe_path

pytestmark = pytest.mark.django_db

CLASSIFIER_V2 = "roboflow_core/roboflow_classification_model@v2"


def _counts():
    return (
        BlockVersion.objects.count(),
        Kind.objects.count(),
        BlockVersionRevision.objects.count(),
        CatalogSnapshot.objects.count(),
    )


def test_sync_on_an_empty_registry_publishes_the_builtins():
    BlockVersionRevision.objects.all().delete()
    BlockVersion.objects.all().delete()
    Kind.objects.all().delete()
    out = StringIO()
    call_command("sync_blocks", stdout=out)
    assert BlockVersion.objects.filter(source=Source.BUILTIN, state=State.PUBLISHED).count() == 10
    assert Kind.objects.count() == 45
    assert f"published {CLASSIFIER_V2}" in out.getvalue()


def test_sync_again_changes_nothing():
    before = _counts()
    out = StringIO()
    call_command("sync_blocks", stdout=out)
    assert _counts() == before
    assert out.getvalue().strip() == "built-in catalog up to date (10 block versions)"


def test_sync_records_a_changed_builtin_manifest_as_a_new_revision():
    row = BlockVersion.objects.get(type_identifier=CLASSIFIER_V2)
    old = dict(row.description, human_friendly_block_name="An older name")
    # The stored content is what an earlier release of the code published.
    BlockVersionRevision.objects.filter(block_version=row).update(description=old, content_hash=content_hash(old))
    BlockVersion.objects.filter(pk=row.pk).update(description=old, content_hash=content_hash(old))

    out = StringIO()
    call_command("sync_blocks", stdout=out)

    row.refresh_from_db()
    current = next(d for d in builtin_descriptions() if d["manifest_type_identifier"] == CLASSIFIER_V2)
    assert row.description == current
    assert row.revision == 2
    revisions = list(row.revisions.order_by("number").values_list("number", "content_hash"))
    assert revisions == [(1, content_hash(old)), (2, content_hash(current))]
    assert f"revised {CLASSIFIER_V2}" in out.getvalue()


def test_import_of_the_roboflow_catalog_gives_250_versions_and_45_kinds():
    assert BlockVersion.objects.count() == 250
    assert BlockVersion.objects.filter(source=Source.IMPORTED, executable=False).count() == 240
    assert Kind.objects.count() == 45


def test_import_again_changes_nothing():
    before = _counts()
    out = StringIO()
    call_command("import_blocks", str(roboflow_describe_path()), stdout=out)
    assert _counts() == before
    assert out.getvalue().strip() == ("imported 0 block versions and 0 kinds; 240 unchanged; 10 built-in versions kept")


def test_import_keeps_builtin_versions():
    row = BlockVersion.objects.get(type_identifier=CLASSIFIER_V2)
    assert row.source == Source.BUILTIN
    ours = next(d for d in builtin_descriptions() if d["manifest_type_identifier"] == CLASSIFIER_V2)
    assert row.description == ours


def test_import_dry_run_writes_nothing(tmp_path):
    BlockVersion.objects.filter(type_identifier="roboflow_core/google_gemini@v1").delete()
    before = _counts()
    out = StringIO()
    call_command("import_blocks", str(roboflow_describe_path()), "--dry-run", stdout=out)
    assert _counts() == before
    assert out.getvalue().startswith("would import 1 block versions")


def test_import_of_changed_content_is_a_conflict_and_writes_nothing(tmp_path):
    with gzip.open(roboflow_describe_path(), "rt") as handle:
        payload = json.load(handle)
    gemini = next(b for b in payload["blocks"] if b["manifest_type_identifier"] == "roboflow_core/google_gemini@v1")
    gemini["block_schema"]["short_description"] = "changed"
    payload["blocks"].append(
        {
            **payload["blocks"][1],
            "manifest_type_identifier": "acme/new_block@v1",
            "block_schema": {
                **payload["blocks"][1]["block_schema"],
                "properties": {
                    **payload["blocks"][1]["block_schema"]["properties"],
                    "type": {"const": "acme/new_block@v1", "type": "string"},
                },
            },
        }
    )
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(payload))
    before = _counts()
    with pytest.raises(CommandError, match="1 block versions are registered with different content"):
        call_command("import_blocks", str(path))
    assert _counts() == before
    assert not BlockVersion.objects.filter(type_identifier="acme/new_block@v1").exists()


def test_import_reports_invalid_descriptions_by_pointer(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"blocks": [{"manifest_type_identifier": "x@v1", "outputs_manifest": []}]}))
    with pytest.raises(CommandError) as info:
        call_command("import_blocks", str(path))
    assert "/blocks/0/block_schema: Field required" in str(info.value)


def test_import_from_a_roboflow_server_url(live_server):
    # live_server tests are transactional: other such tests may have emptied the database.
    call_command("sync_blocks", stdout=StringIO())
    call_command("import_blocks", str(roboflow_describe_path()), stdout=StringIO())
    # Our own describe route speaks Roboflow's payload: importing from it is a no-op round trip.
    before = _counts()
    out = StringIO()
    call_command("import_blocks", f"{live_server.url}/workflows/blocks/describe", stdout=out)
    assert _counts() == before
    assert "240 unchanged; 10 built-in versions kept" in out.getvalue()


def test_import_of_a_missing_file_fails_clearly():
    with pytest.raises(CommandError, match=r"No such file: /nonexistent\.json"):
        call_command("import_blocks", "/nonexistent.json")
