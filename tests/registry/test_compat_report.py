"""`manage.py compat_report CATALOG`: the diff of every consecutive pair in Roboflow 1.8.3's catalog."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import roboflow_describe_path

CLASSIFICATION = "roboflow_core/roboflow_classification_model"


def _report(*args: str) -> str:
    out = StringIO()
    call_command("compat_report", str(roboflow_describe_path()), *args, stdout=out)
    return out.getvalue()


def test_prints_every_pair_and_a_summary():
    lines = _report().splitlines()
    assert lines[-1] == "37 families with two or more versions, 66 pairs, 261 changes"
    start = lines.index(f"{CLASSIFICATION}@v2 -> {CLASSIFICATION}@v3: 3 changes, breaks backward and forward")
    assert lines[start + 1 : start + 4] == [
        "  PROPERTY_REMOVED /block_schema/properties/confidence [backward] "
        "`confidence` was removed: steps that set it lose the value.",
        "  PROPERTY_ADDED_OPTIONAL /block_schema/properties/confidence_mode [forward] "
        "`confidence_mode` was added as an optional property.",
        "  PROPERTY_ADDED_OPTIONAL /block_schema/properties/custom_confidence [forward] "
        "`custom_confidence` was added as an optional property.",
    ]
    assert (
        "roboflow_core/halo_visualization@v1 -> roboflow_core/halo_visualization@v2: 0 changes, compatible both ways"
        in lines
    )


def test_json_output():
    pairs = json.loads(_report("--json"))
    assert len(pairs) == 66
    first = next(p for p in pairs if p["from"] == f"{CLASSIFICATION}@v1")
    assert first == {
        "family": CLASSIFICATION,
        "from": f"{CLASSIFICATION}@v1",
        "to": f"{CLASSIFICATION}@v2",
        "changes": [
            {
                "code": "OUTPUT_KINDS_CHANGED",
                "pointer": "/outputs_manifest/1/kind",
                "message": "The output `inference_id` was of kind `string`; it is now `inference_id`.",
                "breaks": ["backward", "forward"],
            },
            {
                "code": "OUTPUT_ADDED",
                "pointer": "/outputs_manifest/2",
                "message": "The output `model_id` was added.",
                "breaks": ["forward"],
            },
        ],
    }


def test_unreadable_catalogs_are_command_errors(tmp_path):
    missing = tmp_path / "missing.json"
    with pytest.raises(CommandError, match="No such file"):
        call_command("compat_report", str(missing))
    not_a_payload = tmp_path / "list.json"
    not_a_payload.write_text("[1, 2]")
    with pytest.raises(CommandError, match="`blocks` list"):
        call_command("compat_report", str(not_a_payload))
