"""Evaluations on real Celery workers: a batch job over the dataset's images, then metrics, the
predictions CSV, a retry that recomputes them, and the comparison of two evaluations."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import pytest
from rest_framework.test import APIClient

from registry.models import Evaluation, JobResult
from tests.registry.jobs.conftest import png, streamed, zip_of
from tests.support.roboflow_server import predict

pytestmark = pytest.mark.django_db(transaction=True)

FINISHED = {"succeeded", "completed_with_errors", "failed", "cancelled"}


def wait_evaluation(api: APIClient, evaluation_id: int, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        detail: dict[str, Any] = api.get(f"/api/v1/evaluations/{evaluation_id}/").json()
        if detail["status"] in FINISHED or time.monotonic() > deadline:
            return detail
        time.sleep(0.1)


def colours_dataset(api: APIClient, *, per_colour: int = 8, mislabelled: int = 2) -> dict[str, Any]:
    """Red, green and blue folders; the last `mislabelled` red images are filed under blue."""
    files = {}
    for colour in ("red", "green", "blue"):
        for index in range(per_colour):
            folder = "blue" if colour == "red" and index >= per_colour - mislabelled else colour
            files[f"{folder}/{colour}-{index:02d}.png"] = png(colour, index)
    response = api.post("/api/v1/datasets/", {"images": zip_of(files), "name": "colours"}, format="multipart")
    assert response.status_code == 201
    return dict(response.json())


def start(api: APIClient, workflow_id: int, **body: Any) -> dict[str, Any]:
    response = api.post(f"/api/v1/workflows/{workflow_id}/evaluations/", body, format="json")
    assert response.status_code == 202, response.json()
    return dict(response.json())


def test_an_evaluation_runs_as_a_job_and_reports_its_metrics(alice_api, demo_workflow, workers):
    dataset = colours_dataset(alice_api)
    started = start(
        alice_api, demo_workflow.pk, dataset=dataset["id"], output="predictions", parameters={"confidence": 0}
    )
    assert {key: started[key] for key in ("status", "total", "dataset", "output", "revision", "metrics")} == {
        "status": "queued",
        "total": 24,
        "dataset": dataset["id"],
        "output": "predictions",
        "revision": 1,
        "metrics": None,
    }

    detail = wait_evaluation(alice_api, started["id"])

    assert (detail["status"], detail["done"], detail["failed"]) == ("succeeded", 24, 0)
    assert JobResult.objects.filter(job_id=detail["job"]).values("item_id").distinct().count() == 24
    metrics = detail["metrics"]
    assert (metrics["images"], metrics["correct"], metrics["failed"]) == (24, 22, 0)
    assert metrics["accuracy"]["value"] == round(22 / 24, 6)
    assert metrics["accuracy"]["low"] < 22 / 24 < metrics["accuracy"]["high"]
    assert metrics["confusion_matrix"] == {
        "labels": ["blue", "green", "red"],
        "matrix": [[8, 0, 2], [0, 8, 0], [0, 0, 6]],
        "unpredicted": [0, 0, 0],
    }
    assert metrics["per_class"]["blue"] == {
        "precision": 1.0,
        "recall": 0.8,
        "f1": round(2 * 0.8 / 1.8, 6),
        "support": 10,
    }
    assert metrics["per_class"]["red"] == {"precision": 0.75, "recall": 1.0, "f1": round(1.5 / 1.75, 6), "support": 6}
    # The output lists all four classes (confidence 0): top-2 and top-3 over the four.
    assert set(metrics["top_k_accuracy"]) == {"2", "3"}
    assert sum(b["count"] for b in metrics["calibration"]["bins"]) == 24
    assert [(m["file"], m["label"], m["prediction"]) for m in metrics["misclassified"]] == [
        ("blue/red-06.png", "blue", "red"),
        ("blue/red-07.png", "blue", "red"),
    ]
    assert all(0 < m["confidence"] <= 1 for m in metrics["misclassified"])
    assert Evaluation.objects.get(pk=started["id"]).metrics == metrics

    rows = list(
        csv.reader(io.StringIO(streamed(alice_api.get(f"/api/v1/evaluations/{started['id']}/predictions.csv"))))
    )
    assert rows[0] == ["file", "label", "prediction", "confidence", "correct", "status", "error"]
    assert len(rows) == 25
    assert [row[:3] + row[4:] for row in rows[1:3]] == [
        ["red/red-00.png", "red", "red", "true", "succeeded", ""],
        ["red/red-01.png", "red", "red", "true", "succeeded", ""],
    ]
    assert [row[0] for row in rows[1:] if row[4] == "false"] == ["blue/red-06.png", "blue/red-07.png"]


def test_failed_images_are_wrong_and_a_retry_recomputes_the_metrics(alice_api, remote_workflow, workers, model_server):
    dataset = colours_dataset(alice_api, per_colour=3, mislabelled=0)
    # The test server names the colour with the largest mean channel, and fails those it names blue.
    answers = {
        f"{c}/{c}-{i:02d}.png": (c, predict(png(c, i), 0.0)["top"]) for c in ("red", "green", "blue") for i in range(3)
    }
    failing = sorted(name for name, (_, top) in answers.items() if top == "blue")
    right = sorted(name for name, (label, top) in answers.items() if label == top)
    assert failing
    model_server.reset(fail_colour="blue", failure_status=400)
    started = start(
        alice_api, remote_workflow.pk, dataset=dataset["id"], output="predictions", parameters={"confidence": 0}
    )

    detail = wait_evaluation(alice_api, started["id"])

    assert (detail["status"], detail["failed"]) == ("completed_with_errors", len(failing))
    metrics = detail["metrics"]
    assert (metrics["images"], metrics["failed"]) == (9, len(failing))
    assert metrics["correct"] == len(set(right) - set(failing))
    assert sum(metrics["confusion_matrix"]["unpredicted"]) == len(failing)
    assert sorted(m["file"] for m in metrics["misclassified"] if m["prediction"] is None) == failing
    assert {m["error"] for m in metrics["misclassified"] if m["prediction"] is None} == {"model_bad_response"}

    model_server.reset()
    assert alice_api.post(f"/api/v1/jobs/{detail['job']}/retry/").status_code == 202
    again = wait_evaluation(alice_api, started["id"])

    assert (again["status"], again["metrics"]["failed"], again["metrics"]["correct"]) == ("succeeded", 0, len(right))
    assert sorted(m["file"] for m in again["metrics"]["misclassified"]) == sorted(set(answers) - set(right))


def test_two_evaluations_compare_on_the_images_that_changed(alice_api, demo_workflow, workers):
    dataset = colours_dataset(alice_api, per_colour=6, mislabelled=0)
    loose = start(
        alice_api, demo_workflow.pk, dataset=dataset["id"], output="predictions", parameters={"confidence": 0}
    )
    first = wait_evaluation(alice_api, loose["id"])
    confidences = sorted(
        float(row[3])
        for row in csv.reader(
            io.StringIO(streamed(alice_api.get(f"/api/v1/evaluations/{loose['id']}/predictions.csv")))
        )
        if row[3] and row[0] != "file"
    )
    # A threshold between two answers' confidences: the images below it lose their prediction.
    threshold = (confidences[5] + confidences[6]) / 2
    strict = start(
        alice_api, demo_workflow.pk, dataset=dataset["id"], output="predictions", parameters={"confidence": threshold}
    )
    second = wait_evaluation(alice_api, strict["id"])
    assert first["metrics"]["correct"] == 18
    low = {m["file"] for m in second["metrics"]["misclassified"]}
    assert len(low) == 6

    response = alice_api.get(f"/api/v1/evaluations/{loose['id']}/compare/{strict['id']}/")

    assert response.status_code == 200
    body = response.json()
    assert (body["a"], body["b"], body["dataset"], body["images"]) == (loose["id"], strict["id"], dataset["id"], 18)
    assert {(c["file"], c["to"], c["became"]) for c in body["changed"]} == {(file, None, "wrong") for file in low}
    assert body["deltas"]["accuracy"] == round(12 / 18 - 1.0, 6)
    assert body["significance"]["became_wrong"] == 6
    assert body["significance"]["became_right"] == 0
    assert body["significance"]["p_value"] == round(2 / 64, 6)
    assert body["significance"]["significant"] is True
