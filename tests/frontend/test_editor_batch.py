"""Issue 11 in the editor: the Batch panel of a saved workflow starts a job on a zip, follows it to the
end with a real Celery worker, shows a slow job's rate and ETA, charts the classes, downloads the CSV,
and cancels a job."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import expect

from registry.models import Job
from tests.frontend.conftest import DialogAnswers, demo_definition, open_saved_with_panels
from tests.registry.jobs.conftest import png, zip_of

COLOURS = {"red": 2, "green": 1}
# The Batch panel's line for a running job: images per second and seconds left.
RATE_LINE = r"(\d+(?:\.\d)?) images/s, about (\d+) s left"


def _zip(folder: Path, colours: dict[str, int] = COLOURS) -> Path:
    files = {f"{colour}-{n}.png": png(colour, n) for colour, count in colours.items() for n in range(count)}
    path = folder / "shapes.zip"
    path.write_bytes(zip_of(files).getvalue())
    return path


def _start(editor: Any, zip_path: Path) -> None:
    with editor.page.expect_file_chooser() as chooser:
        editor.button("Start batch job").click()
    chooser.value.set_files(str(zip_path))
    editor.wait_message("Batch job started on shapes.zip.")


def test_a_job_runs_to_the_end_with_its_chart_and_csv(editor, pool, tmp_path):
    pool.start(1)
    open_saved_with_panels(editor)
    _start(editor, _zip(tmp_path))
    editor.wait_text("job-status", "Finished")
    editor.wait_text("job-counts", "3 succeeded, 0 failed, 0 pending of 3")
    progress = editor.page.get_by_test_id("job-progress")
    assert (progress.get_attribute("value"), progress.get_attribute("max")) == ("3", "3")
    editor.wait_text("job-class-green", "green\n1")
    editor.wait_text("job-class-red", "red\n2")
    editor.shot("finished")

    with editor.page.expect_download() as download:
        editor.page.get_by_role("link", name="results.csv").click()
    job = Job.objects.get()
    connections.close_all()
    assert download.value.suggested_filename == f"job-{job.pk}-results.csv"
    rows = Path(download.value.path()).read_text().splitlines()
    assert rows[0] == "source,status,top_class,confidence,error,predictions"  # a column per workflow output
    assert sorted(row.split(",")[0:3] for row in rows[1:]) == [
        ["green-0.png", "succeeded", "green"],
        ["red-0.png", "succeeded", "red"],
        ["red-1.png", "succeeded", "red"],
    ]
    assert editor.console_errors == []


def test_a_slow_job_shows_its_rate_and_eta_while_it_runs(editor, pool, model_server, tmp_path):
    # The remote model takes `latency_s` per image and the one worker sends them one after another, so
    # the job runs for seconds; its answers are written (and counted) every half second meanwhile.
    latency_s, images = 0.5, 8
    model_server.reset(latency_s=latency_s)
    pool.start(1)
    # What the panel shows is checked against the answers it was given, not against timings the
    # machine's speed decides: every job detail the page reads is kept.
    answers: list[dict[str, Any]] = []

    def keep(response: Any) -> None:
        if re.search(r"/api/v1/jobs/[0-9]+/$", response.url) and response.ok:
            answers.append(response.json())

    editor.page.on("response", keep)
    open_saved_with_panels(editor, demo_definition(model_id="shapes/1"))
    _start(editor, _zip(tmp_path, {"red": images // 2, "green": images // 2}))

    text = editor.wait_match("job-rate", RATE_LINE)
    editor.shot("running")
    shown = {
        f"{answer['rate']:.1f} images/s, about {math.ceil(answer['eta_seconds'])} s left"
        for answer in answers
        if answer["status"] == "running" and answer["rate"] is not None and answer["eta_seconds"] is not None
    }
    assert text in shown, (text, shown)
    # Never faster than the model answers (its latency is a floor on every image's time).
    assert float(text.split(" ", 1)[0]) <= 1 / latency_s + 0.05, text

    editor.wait_text("job-status", "Finished")
    editor.wait_text("job-counts", f"{images} succeeded, 0 failed, 0 pending of {images}")
    expect(editor.page.get_by_test_id("job-rate")).to_have_count(0)
    assert [request.query["api_key"] for request in model_server.state.requests] == [["worker-key"]] * images
    editor.shot("finished")
    assert editor.console_errors == []


def test_cancel_stops_a_queued_job(editor, pool, tmp_path):
    # No worker takes the job, so it is still queued when Cancel is pressed.
    open_saved_with_panels(editor)
    _start(editor, _zip(tmp_path))
    editor.wait_text("job-status", "Waiting for a worker")
    editor.wait_text("job-counts", "0 succeeded, 0 failed, 3 pending of 3")
    editor.button("Cancel job").click()
    editor.wait_text("job-status", "Cancelled")
    editor.wait_match("job-counts", "0 succeeded, 0 failed, (0 pending, 3 cancelled|3 pending) of 3")
    expect(editor.button("Cancel job")).to_have_count(0)
    assert Job.objects.get().status == "cancelled"
    connections.close_all()
    editor.shot("cancelled")


def test_the_batch_panel_saves_first_takes_parameters_and_lists_failures_by_code(editor, pool, tmp_path):
    pool.start(1)
    definition = demo_definition(confidence="$inputs.threshold")
    definition["inputs"].append({"type": "WorkflowParameter", "name": "threshold", "default_value": 0.3})
    workflow_id = open_saved_with_panels(editor, definition)
    page = editor.page
    editor.node("threshold").click()
    page.get_by_role("complementary", name="Inspector").get_by_label("default_value", exact=True).fill("0.2")
    expect(page.get_by_test_id("unsaved-marker")).to_be_visible()
    batch = page.get_by_role("region", name="Batch")
    expect(batch.get_by_label("threshold", exact=True)).to_have_value("0.2")
    batch.get_by_label("threshold", exact=True).fill("0.25")
    answers = DialogAnswers()
    page.on("dialog", answers)
    files = {"green-0.png": png("green", 0), "red-0.png": png("red", 0), "broken-0.png": b"not an image"}
    path = tmp_path / "shapes.zip"
    path.write_bytes(zip_of(files).getvalue())
    _start(editor, path)
    assert answers.seen == [
        ("confirm", "The workflow has unsaved changes, and a batch job runs a saved revision. Save them and start?")
    ]
    expect(page.get_by_test_id("unsaved-marker")).to_have_count(0)
    job = Job.objects.select_related("revision").get()
    connections.close_all()
    assert (job.revision.number, job.parameters) == (2, {"threshold": 0.25})
    assert job.revision.definition["inputs"][1]["default_value"] == 0.2
    assert job.workflow_id == workflow_id

    editor.wait_text("job-status", "Finished with failures")
    editor.wait_text("job-counts", "2 succeeded, 1 failed, 0 pending of 3")
    failures = page.get_by_role("list", name="Failures").get_by_role("listitem")
    expect(failures).to_have_text(["invalid_image: broken-0.png"])
    progress = page.get_by_test_id("job-progress").bounding_box()
    panel = page.get_by_test_id("job").bounding_box()
    assert progress["width"] == pytest.approx(panel["width"], abs=1)
    editor.shot("finished-with-failures")


def test_starting_a_batch_with_unsaved_changes_can_be_declined(editor, pool, tmp_path):
    open_saved_with_panels(editor)
    page = editor.page
    page.get_by_test_id("add-parameter").click()
    page.once("dialog", lambda dialog: dialog.dismiss())
    with page.expect_file_chooser() as chooser:
        editor.button("Start batch job").click()
    chooser.value.set_files(str(_zip(tmp_path)))
    editor.wait_message("Batch job not started: the workflow has unsaved changes.")
    assert not Job.objects.exists()
    connections.close_all()
