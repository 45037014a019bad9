"""Evaluate a saved workflow on a labelled dataset as a batch job, print the report, and exit non-zero
when a limit fails (for CI).

`evaluate WORKFLOW DATASET [--output predictions] [--min-accuracy 0.97] [--baseline EVALUATION
--max-accuracy-drop 1]`: WORKFLOW and DATASET are ids or exact names. The job runs on the workers
(`make worker`, or the one `make run` starts); the command follows it with a progress bar.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from blocks.errors import DomainError
from registry.management.commands.run_batch import Command as RunBatchCommand
from registry.models import Dataset, Evaluation, Workflow
from registry.services.evaluations import evaluation_compare, evaluation_create, evaluation_settle


def _by_id_or_name(model: type[Workflow] | type[Dataset], key: str) -> Any:
    found = model.objects.filter(pk=int(key)).first() if key.isdigit() else None
    found = found or model.objects.filter(name=key).order_by("pk").first()
    if found is None:
        raise CommandError(f"No {model._meta.verbose_name} {key!r}.")
    return found


def _percent(value: float) -> str:
    return f"{100 * value:.2f}%"


def report_lines(metrics: dict[str, Any]) -> list[str]:
    """The metrics as text: accuracy, a per-class table, top-k, calibration, confusion matrix, mistakes."""
    accuracy = metrics["accuracy"]
    lines = [
        f"accuracy {_percent(accuracy['value'])} (95% interval {_percent(accuracy['low'])} - "
        f"{_percent(accuracy['high'])}), {metrics['correct']}/{metrics['images']} correct, {metrics['failed']} failed",
        f"{'class':<20} {'precision':>9} {'recall':>9} {'f1':>9} {'support':>8}",
    ]
    rows = [
        *sorted(metrics["per_class"].items()),  # PostgreSQL's jsonb keeps no key order
        ("macro avg", metrics["macro_avg"]),
        ("weighted avg", metrics["weighted_avg"]),
    ]
    for name, row in rows:
        lines.append(f"{name:<20} {row['precision']:>9.4f} {row['recall']:>9.4f} {row['f1']:>9.4f} {row['support']:>8}")
    for k, value in sorted(metrics["top_k_accuracy"].items(), key=lambda item: int(item[0])):
        lines.append(f"top-{k} accuracy {_percent(value)}")
    if metrics["calibration"]["ece"] is not None:
        lines.append(f"expected calibration error {metrics['calibration']['ece']:.4f}")
    matrix = metrics["confusion_matrix"]
    width = max(8, *(len(label) + 1 for label in matrix["labels"]))
    lines.append("confusion matrix (rows: true labels; last column: no prediction)")
    lines.append(" " * width + "".join(f"{label:>{width}}" for label in matrix["labels"]) + f"{'none':>{width}}")
    for label, row, none in zip(matrix["labels"], matrix["matrix"], matrix["unpredicted"], strict=True):
        lines.append(f"{label:<{width}}" + "".join(f"{count:>{width}}" for count in row) + f"{none:>{width}}")
    lines.append(f"misclassified or failed: {len(metrics['misclassified'])}")
    for wrong in metrics["misclassified"]:
        said = f"failed ({wrong['error']})" if wrong["error"] else wrong["prediction"] or "no class"
        confidence = f" ({wrong['confidence']:.4f})" if wrong["confidence"] is not None else ""
        lines.append(f"  {wrong['file']}: {wrong['label']} -> {said}{confidence}")
    return lines


class Command(RunBatchCommand):
    """Follows its job with `run_batch`'s progress bar (the one method it takes from it)."""

    help = "Evaluate a saved workflow on a labelled dataset; exits 1 when a limit fails."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workflow", help="a saved workflow's id or exact name")
        parser.add_argument("dataset", help="a dataset's id or exact name")
        parser.add_argument("--output", default="predictions", help="the workflow output holding the classification")
        parser.add_argument("--revision", type=int, help="the revision to evaluate (the current one by default)")
        parser.add_argument("--parameters", default="{}", help="the workflow's parameters as a JSON object")
        parser.add_argument("--min-accuracy", type=float, help="fail below this accuracy (0 to 1)")
        parser.add_argument("--baseline", type=int, help="an earlier evaluation on the same dataset to compare with")
        parser.add_argument("--max-accuracy-drop", type=float, default=1.0, help="points below the baseline allowed")
        parser.add_argument("--poll", type=float, default=0.5, help="seconds between progress updates")

    def handle(self, *args: Any, **options: Any) -> None:
        workflow = _by_id_or_name(Workflow, options["workflow"])
        dataset = _by_id_or_name(Dataset, options["dataset"])
        baseline = Evaluation.objects.filter(pk=options["baseline"]).first() if options["baseline"] else None
        if options["baseline"] and baseline is None:
            raise CommandError(f"No evaluation {options['baseline']}.")
        try:
            parameters = json.loads(options["parameters"])
            evaluation = evaluation_create(
                user=workflow.owner,
                workflow=workflow,
                dataset=dataset,
                output=options["output"],
                revision=options["revision"],
                parameters=parameters,
            )
        except json.JSONDecodeError as exc:
            raise CommandError(f"--parameters is not JSON: {exc.msg}") from exc
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(
            f"evaluation {evaluation.pk}: {workflow.name!r} revision {evaluation.job.revision.number} "
            f"on {dataset.name!r} ({dataset.total} images)"
        )
        self._follow(evaluation.job, options["poll"])
        metrics = evaluation_settle(evaluation=evaluation).metrics
        if metrics is None:
            raise CommandError(f"evaluation {evaluation.pk} answered no image")
        for line in report_lines(metrics):
            self.stdout.write(line)
        failures = self._limits(evaluation, metrics, baseline, options)
        if failures:
            raise CommandError("limits failed: " + "; ".join(failures))

    def _limits(
        self, evaluation: Evaluation, metrics: dict[str, Any], baseline: Evaluation | None, options: dict[str, Any]
    ) -> list[str]:
        failures = []
        accuracy = metrics["accuracy"]["value"]
        if options["min_accuracy"] is not None:
            held = accuracy >= options["min_accuracy"]
            self.stdout.write(f"limit: accuracy >= {_percent(options['min_accuracy'])}: {'pass' if held else 'FAIL'}")
            if not held:
                failures.append(f"accuracy {_percent(accuracy)} is below {_percent(options['min_accuracy'])}")
        if baseline is not None:
            try:
                comparison = evaluation_compare(a=baseline, b=evaluation)
            except DomainError as exc:
                raise CommandError(f"{exc.code}: {exc.message}") from exc
            drop = -100 * comparison["deltas"]["accuracy"]
            held = drop <= options["max_accuracy_drop"] + 1e-9
            significance = comparison["significance"]
            self.stdout.write(
                f"against evaluation {baseline.pk}: accuracy {100 * comparison['deltas']['accuracy']:+.2f} points, "
                f"{len(comparison['changed'])} "
                f"images changed ({significance['became_right']} became right, {significance['became_wrong']} "
                f"became wrong), McNemar p = {significance['p_value']:.4g}"
            )
            self.stdout.write(f"limit: drop <= {options['max_accuracy_drop']:g} points: {'pass' if held else 'FAIL'}")
            if not held:
                failures.append(f"accuracy dropped {drop:.2f} points against evaluation {baseline.pk}")
        return failures
