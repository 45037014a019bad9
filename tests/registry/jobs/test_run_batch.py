"""`manage.py run_batch`: a job from local files on real workers, with progress, summary and results."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from registry.management.commands.run_batch import progress_line
from registry.models import Job
from tests.registry.jobs.conftest import png, zip_of


@pytest.mark.django_db(transaction=True)
def test_run_batch_over_a_folder_waits_with_progress_and_writes_results(demo_workflow, workers, tmp_path):
    folder = tmp_path / "shots"
    (folder / "more").mkdir(parents=True)
    (folder / "a.png").write_bytes(png("red"))
    (folder / "more" / "b.png").write_bytes(png("green"))
    (folder / "c.png").write_bytes(png("green"))
    results = tmp_path / "results.jsonl"
    out = StringIO()

    call_command("run_batch", demo_workflow.name, str(folder), "--output", str(results), "--poll", "0.05", stdout=out)

    lines = out.getvalue().splitlines()
    job = Job.objects.get()
    assert lines[0] == f"job {job.pk}: 3 images on 'shapes' revision 1"
    assert lines[-4].startswith(f"[{'#' * 30}] 3/3 failed 0 ")
    assert lines[-4].endswith(" ETA 0s succeeded")
    assert lines[-3:] == ['classes: {"green": 2, "red": 1}', "errors: {}", f"results: {results}"]
    written = [json.loads(line) for line in results.read_text().splitlines()]
    assert [(line["source"], line["outputs"]["predictions"]["top"]) for line in written] == [
        (str(folder / "a.png"), "red"),
        (str(folder / "c.png"), "green"),
        (str(folder / "more" / "b.png"), "green"),
    ]


@pytest.mark.django_db
def test_run_batch_refuses_bad_input_and_writes_nothing(demo_workflow, tmp_path, job_settings):
    job_settings.BLOCKWISE_BATCH_MAX_UNCOMPRESSED_BYTES = 1000
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(zip_of({"zeros.png": bytes(100_000)}).getvalue())
    with pytest.raises(CommandError, match=r"^zip_too_large: "):
        call_command("run_batch", str(demo_workflow.pk), str(bomb), "--no-wait", stdout=StringIO())
    with pytest.raises(CommandError, match="No such file or folder"):
        call_command("run_batch", str(demo_workflow.pk), str(tmp_path / "missing"), stdout=StringIO())
    with pytest.raises(CommandError, match="No saved workflow 'nope'"):
        call_command("run_batch", "nope", str(bomb), stdout=StringIO())
    assert Job.objects.count() == 0


def test_the_progress_bar():
    detail = {
        "total": 200,
        "done": 50,
        "cancelled": 0,
        "failed": 2,
        "rate": 12.5,
        "eta_seconds": 12.0,
        "status": "running",
    }
    assert progress_line(detail) == f"[{'#' * 8}{'-' * 22}] 50/200 failed 2 12.5 img/s ETA 12s running"
