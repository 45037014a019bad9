"""manage.py evaluate on real workers: the report, the limits, the exit status; and the demo model
on make_demo_dataset's 400 images reaches 97 % accuracy."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from registry.models import Evaluation
from registry.services.datasets import dataset_create
from tests.registry.jobs.conftest import png, zip_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_model_reaches_97_percent_on_the_demo_dataset(demo_workflow, alice, workers, tmp_path: Path, capsys):
    call_command("make_demo_dataset", str(tmp_path / "demo.zip"), "--register", "alice", stdout=io.StringIO())
    out = io.StringIO()

    call_command(
        "evaluate", str(demo_workflow.pk), "demo-shapes", "--min-accuracy", "0.97", "--poll", "0.2", stdout=out
    )

    evaluation = Evaluation.objects.get()
    metrics: dict[str, Any] = evaluation.metrics or {}
    assert metrics["images"] == 400
    assert metrics["accuracy"]["value"] >= 0.97
    text = out.getvalue()
    lines = text.splitlines()
    assert lines[0] == f"evaluation {evaluation.pk}: 'shapes' revision 1 on 'demo-shapes' (400 images)"
    assert "400/400 failed 0" in text
    accuracy = metrics["accuracy"]
    assert (
        f"accuracy {100 * accuracy['value']:.2f}% (95% interval {100 * accuracy['low']:.2f}% - "
        f"{100 * accuracy['high']:.2f}%), {metrics['correct']}/400 correct, 0 failed" in lines
    )
    assert lines[-1] == "limit: accuracy >= 97.00%: pass"
    with capsys.disabled():
        print("\n" + text)


def test_a_failed_limit_exits_non_zero_after_the_report(demo_workflow, alice, workers, job_settings: Any):
    files = {f"red/{i}.png": png("red", i) for i in range(4)} | {f"blue/{i}.png": png("blue", i) for i in range(3)}
    files["blue/red.png"] = png("red", 9)  # filed under the wrong label
    dataset = dataset_create(owner=alice, name="six", images=zip_of(files))
    out = io.StringIO()

    with pytest.raises(CommandError, match=r"limits failed: accuracy 87\.50% is below 100\.00%"):
        call_command("evaluate", "shapes", str(dataset.pk), "--min-accuracy", "1", "--poll", "0.2", stdout=out)

    lines = out.getvalue().splitlines()
    assert "misclassified or failed: 1" in lines
    assert any(line.startswith("  blue/red.png: blue -> red (") for line in lines)
    assert lines[-1] == "limit: accuracy >= 100.00%: FAIL"

    baseline = Evaluation.objects.get()
    again = io.StringIO()
    call_command(
        "evaluate",
        "shapes",
        "six",
        "--baseline",
        str(baseline.pk),
        "--max-accuracy-drop",
        "0",
        "--poll",
        "0.2",
        stdout=again,
    )
    assert again.getvalue().splitlines()[-2:] == [
        f"against evaluation {baseline.pk}: accuracy +0.00 points, 0 images changed (0 became right, "
        "0 became wrong), McNemar p = 1",
        "limit: drop <= 0 points: pass",
    ]


def test_unknown_names_and_outputs_are_errors(demo_workflow, alice, job_settings: Any):
    dataset = dataset_create(owner=alice, name="two", images=zip_of({"a/1.png": png("red"), "b/2.png": png("blue")}))
    with pytest.raises(CommandError, match="No workflow 'nope'"):
        call_command("evaluate", "nope", "two")
    with pytest.raises(CommandError, match="No dataset 'nope'"):
        call_command("evaluate", "shapes", "nope")
    with pytest.raises(CommandError, match="unknown_output"):
        call_command("evaluate", "shapes", str(dataset.pk), "--output", "nope")
    with pytest.raises(CommandError, match=r"not_found: Workflow \d+ has no revision 9"):
        call_command("evaluate", "shapes", "two", "--revision", "9")
    with pytest.raises(CommandError, match="--parameters is not JSON"):
        call_command("evaluate", "shapes", "two", "--parameters", "{nope")
    with pytest.raises(CommandError, match="unknown_parameter"):
        call_command("evaluate", "shapes", "two", "--parameters", '{"nope": 1}')
    with pytest.raises(CommandError, match="No evaluation 5"):
        call_command("evaluate", "shapes", "two", "--baseline", "5")
    assert Evaluation.objects.count() == 0
