"""Differential test: every mutated definition through Roboflow 1.8.3's `/workflows/validate` and ours.

Compared: the status, `error_type`, and `blocks_errors` as (block_id, block_type, property_name) in
any order. Messages are not compared: ours are our own words. `make conformance` runs this alone and
prints the agreement rate and every disagreement; a disagreement not listed in DELIBERATE fails.
"""

import io
import json

import pytest
from django.core.management import call_command

from registry.services.catalog_sync import blocks_import
from tests.conformance.mutations import all_cases
from tests.conformance.parity import deliberate_reason, outcome
from tests.conformance.roboflow import roboflow_validate
from tests.conftest import load_roboflow_describe

pytestmark = pytest.mark.django_db


def test_validation_agrees_with_roboflow(client, capsys, settings):
    # Thousands of anonymous validations from one address: the rate limit would answer most of them.
    settings.BLOCKWISE_THROTTLE_RATES = {**settings.BLOCKWISE_THROTTLE_RATES, "anonymous_validate": None}
    # The registry's catalog, as `make run` serves it: our built-ins and Roboflow's blocks imported.
    call_command("sync_blocks", stdout=io.StringIO())
    blocks_import(load_roboflow_describe())
    cases = all_cases()
    theirs_all = roboflow_validate([definition for _, definition in cases])
    agreed = 0
    deliberate: list[str] = []
    unexplained: list[str] = []
    invalid = 0
    for (label, definition), answer in zip(cases, theirs_all, strict=True):
        theirs = outcome(answer["status"], answer["body"])
        body = json.dumps(definition)
        response = client.generic("POST", "/workflows/validate", body, content_type="application/json")
        ours = outcome(response.status_code, response.json())
        invalid += theirs[0] != 200
        if ours == theirs:
            agreed += 1
            continue
        reason = deliberate_reason(label, ours, theirs)
        line = f"{label}\n    roboflow: {theirs}\n    ours:     {ours}"
        (deliberate if reason else unexplained).append(line + (f"\n    deliberate, {reason}" if reason else ""))
    with capsys.disabled():
        print(f"\n{len(cases)} definitions ({invalid} invalid for Roboflow): {agreed} answered alike")
        print(f"agreement {100 * agreed / len(cases):.1f} %; deliberate differences {len(deliberate)}")
        for line in deliberate + unexplained:
            print(line)
    assert [label for label, _ in cases[:3]] == ["classify:seed", "crop_and_branch:seed", "detect_crop_classify:seed"]
    assert [a["status"] for a in theirs_all[:3]] == [200, 200, 200]
    assert invalid >= 300
    assert unexplained == []
