"""The result exports carry every workflow output, and `results.csv` never holds a formula."""

from __future__ import annotations

import csv
import io
import json

import pytest

from registry.models import JobItem, JobItemStatus
from registry.services.job_items import ItemOutcome, job_results_write
from tests.registry.jobs.conftest import png, streamed, zip_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_media")]


NAMES = ["=HYPERLINK(1).png", "+1.png", "-1.png", "@SUM.png", "plain.png"]


@pytest.fixture
def answered_job(alice_api, demo_workflow) -> int:
    archive = zip_of({name: png("red") for name in NAMES})
    response = alice_api.post(f"/api/v1/workflows/{demo_workflow.pk}/jobs/", {"images": archive}, format="multipart")
    job_id = int(response.json()["id"])
    answers = []
    for item in JobItem.objects.filter(job_id=job_id).order_by("index"):
        top = "=cmd|' /C calc'!A0" if item.index == 0 else "red"
        predictions = {"top": top, "confidence": 0.875, "predictions": [{"class": top, "confidence": 0.875}]}
        outputs = {"predictions": predictions, "model": "shapes/1"}
        answers.append((item, ItemOutcome(status=JobItemStatus.SUCCEEDED, outputs=outputs)))
    job_results_write(answers=answers[:-1])
    return job_id


def test_the_csv_has_a_column_per_output_and_escapes_formulas(alice_api, answered_job):
    rows = list(csv.reader(io.StringIO(streamed(alice_api.get(f"/api/v1/jobs/{answered_job}/results.csv")))))

    assert rows[0] == ["source", "status", "top_class", "confidence", "error", "predictions", "model"]
    assert [row[0] for row in rows[1:]] == ["'=HYPERLINK(1).png", "'+1.png", "'-1.png", "'@SUM.png", "plain.png"]
    assert rows[1][1:5] == ["succeeded", "'=cmd|' /C calc'!A0", "0.875", ""]
    assert json.loads(rows[2][5]) == {
        "top": "red",
        "confidence": 0.875,
        "predictions": [{"class": "red", "confidence": 0.875}],
    }
    assert rows[2][6] == "shapes/1"
    assert rows[5] == ["plain.png", "pending", "", "", "", "", ""]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_the_jsonl_has_every_output_and_the_top_class(alice_api, answered_job):
    response = alice_api.get(f"/api/v1/jobs/{answered_job}/results.jsonl")
    lines = [json.loads(line) for line in streamed(response).splitlines()]

    assert lines[1] == {
        "source": "+1.png",
        "status": "succeeded",
        "top_class": "red",
        "confidence": 0.875,
        "outputs": {
            "predictions": {"top": "red", "confidence": 0.875, "predictions": [{"class": "red", "confidence": 0.875}]},
            "model": "shapes/1",
        },
        "error": None,
    }
    assert lines[4]["status"] == "pending"
