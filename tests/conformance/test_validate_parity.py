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
from tests.conformance.inner_cases import inner_workflow_cases
from tests.conformance.mutations import all_cases
from tests.conformance.parity import deliberate_reason, outcome
from tests.conformance.roboflow import roboflow_validate
from tests.conftest import load_roboflow_describe

pytestmark = pytest.mark.django_db


def test_validation_agrees_with_roboflow(client, capsys, settings):
    cases, theirs_all, unexplained = compare_with_roboflow(client, capsys, settings, all_cases())
    assert [label for label, _ in cases[:3]] == ["classify:seed", "crop_and_branch:seed", "detect_crop_classify:seed"]
    assert [a["status"] for a in theirs_all[:3]] == [200, 200, 200]
    assert sum(answer["status"] != 200 for answer in theirs_all) >= 300
    assert unexplained == []


def test_inner_workflow_validation_agrees_with_roboflow(client, capsys, settings):
    cases, theirs_all, unexplained = compare_with_roboflow(client, capsys, settings, inner_workflow_cases())
    answers = dict(zip([label for label, _ in cases], theirs_all, strict=True))
    # The valid ones are valid upstream too, so the comparison is of like with like.
    assert [answers[label]["status"] for label in ("inner:seed", "inner:nested_2", "inner:nested_4")] == [200] * 3
    assert unexplained == []


def compare_with_roboflow(client, capsys, settings, cases):
    """Every case through Roboflow's validate and ours; prints the agreement and every difference."""
    # Thousands of anonymous validations from one address: the rate limit would answer most of them.
    settings.BLOCKWISE_THROTTLE_RATES = {**settings.BLOCKWISE_THROTTLE_RATES, "anonymous_validate": None}
    # The registry's catalog, as `make run` serves it: our built-ins and Roboflow's blocks imported.
    call_command("sync_blocks", stdout=io.StringIO())
    blocks_import(load_roboflow_describe())
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
    return cases, theirs_all, unexplained
