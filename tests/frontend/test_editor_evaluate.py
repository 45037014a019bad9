"""Issue 21 in the editor: the Evaluate panel uploads a labelled dataset, runs an evaluation on a real
Celery worker, follows it, and opens its report (a confusion heat map whose cells list their images,
per-class bars, the reliability diagram, the misclassified images); two evaluations side by side; the
upgrade dialog checks an upgrade against a dataset before it is applied."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connections
from playwright.sync_api import expect

from registry.models import BlockVersion, Evaluation, Workflow
from registry.services.block_versions import block_version_make_default, block_version_publish, block_version_register
from registry.services.evaluations import evaluation_compare
from registry.services.workflows import workflow_save
from tests.frontend.accessibility import axe_violations
from tests.frontend.conftest import CLASSIFIER, SPILLS, USER, DialogAnswers, demo_definition, open_saved_with_panels
from tests.registry.jobs.conftest import png, zip_of

V3 = CLASSIFIER.replace("@v2", "@v3")
V4 = CLASSIFIER.replace("@v2", "@v4")
GRAY = {"type": "roboflow_core/convert_grayscale@v1", "name": "gray", "image": "$inputs.image"}


def _dataset_zip(folder: Path, layout: dict[str, list[str]]) -> Path:
    """One folder per label, each image drawn in the colour given: {"green": ["green", "red"]}."""
    files = {
        f"{label}/{index:03d}.png": png(colour, index)
        for label, colours in layout.items()
        for index, colour in enumerate(colours)
    }
    path = folder / "colours.zip"
    path.write_bytes(zip_of(files).getvalue())
    return path


def _upload(editor: Any, within: Any, zip_path: Path, summary: str) -> None:
    with editor.page.expect_file_chooser() as chooser:
        within.get_by_role("button", name="Upload dataset").click()
    chooser.value.set_files(str(zip_path))
    editor.wait_message(f'Dataset "colours" uploaded: {summary}.')


def _evaluate(editor: Any, panel: Any, images: int) -> Evaluation:
    before = set(Evaluation.objects.values_list("pk", flat=True))
    panel.get_by_role("button", name="Start evaluation").click()
    editor.page.wait_for_function(
        "() => /^Evaluation \\d+ started/.test(document.querySelector(`[data-testid='message']`)?.innerText)"
    )
    evaluation = Evaluation.objects.exclude(pk__in=before).get()
    connections.close_all()
    editor.wait_message(f"Evaluation {evaluation.pk} started on {images} images.")
    editor.wait_text("evaluation-status", "Finished")
    editor.wait_text("evaluation-counts", f"{images} succeeded, 0 failed, 0 pending of {images}")
    return evaluation


def _thumbnails_loaded(listing: Any) -> list[str]:
    """The alt texts of the list's images that the browser decoded (the API's thumbnails)."""
    listing.locator("img").first.wait_for()
    editor_images: list[str] = listing.locator("img").evaluate_all(
        "imgs => Promise.all(imgs.map(i => i.decode().then(() => i.naturalWidth > 0 ? i.alt : '', () => '')))"
    )
    return editor_images


def test_an_evaluation_runs_and_its_report_opens_the_images_of_each_cell(editor, pool, tmp_path):
    pool.start(1)
    workflow_id = open_saved_with_panels(editor)
    page = editor.page
    panel = page.get_by_role("region", name="Evaluate")
    # A red image filed under green: the model says red, so one green image is misclassified.
    _upload(
        editor, panel, _dataset_zip(tmp_path, {"green": ["green", "red"], "red": ["red", "red"]}), "4 images, 2 classes"
    )
    expect(panel.get_by_label("Output")).to_have_value("predictions")
    evaluation = _evaluate(editor, panel, 4)
    assert (evaluation.workflow_id, evaluation.output) == (workflow_id, "predictions")
    editor.wait_text("evaluation-accuracy", "Accuracy 75.0 % on 4 images")
    assert page.evaluate(SPILLS) == []  # the panel fits the side bar
    editor.shot("finished")

    panel.get_by_role("button", name="Open report").click()
    report = page.get_by_role("dialog", name=f"Evaluation {evaluation.pk}")
    expect(report.get_by_test_id("report-accuracy")).to_contain_text("75.0 % (3 of 4;")
    matrix = report.get_by_role("table", name=re.compile("^Rows are the true labels"))
    expect(matrix.get_by_role("columnheader")).to_have_text(["true \u2193 predicted \u2192", "green", "red"])
    expect(matrix.get_by_role("rowheader")).to_have_text(["green", "red"])
    names = matrix.get_by_role("button").evaluate_all("buttons => buttons.map(b => b.getAttribute('aria-label'))")
    assert names == [
        "green predicted correctly: 1 image",
        "green predicted red: 1 image",
        "red predicted green: 0 images",
        "red predicted correctly: 2 images",
    ]
    # A cell's shade is its share of the row: the full red row's diagonal is darker than green's half.
    shades = [
        matrix.get_by_role("button", name=name).evaluate("b => getComputedStyle(b.parentElement).backgroundColor")
        for name in names
    ]
    assert len(set(shades)) == 4, shades

    matrix.get_by_role("button", name="green predicted red: 1 image").click()
    cell = report.get_by_role("list", name="green images predicted red")
    assert _thumbnails_loaded(cell) == ["green/001.png"]
    expect(cell.get_by_role("listitem")).to_contain_text(["green → red"])
    matrix.get_by_role("button", name="red predicted correctly: 2 images").click()
    assert _thumbnails_loaded(report.get_by_role("list", name="red images predicted red")) == [
        "red/000.png",
        "red/001.png",
    ]
    expect(report.get_by_role("list", name="green images predicted red")).to_have_count(0)
    editor.shot("cell-images")

    # Per class: green is always right when said (precision 1) but found once in two (recall 0.5).
    bars = report.get_by_role("table", name="Per class")
    expect(bars.get_by_test_id("class-bars-green").get_by_role("cell")).to_have_text(
        ["100.0 %", "50.0 %", "66.7 %", "2"]
    )
    expect(bars.get_by_test_id("class-bars-red").get_by_role("cell")).to_have_text(["66.7 %", "100.0 %", "80.0 %", "2"])
    widths = bars.get_by_test_id("class-bars-green").locator(".meter").evaluate_all("ms => ms.map(m => m.style.width)")
    assert widths == ["100%", "50%", "67%"]

    metrics = Evaluation.objects.get(pk=evaluation.pk).metrics
    connections.close_all()
    assert metrics is not None
    filled = [b for b in metrics["calibration"]["bins"] if b["count"]]
    expect(report.get_by_role("img", name=re.compile("^Reliability diagram"))).to_be_visible()
    expect(report.locator("[data-testid^='reliability-bar-']")).to_have_count(len(filled))
    editor.wait_text("reliability-ece", f"Expected calibration error {100 * metrics['calibration']['ece']:.1f} %.")
    report.get_by_text("Reliability table").click()
    expect(report.get_by_role("table").filter(has_text="Mean confidence").get_by_role("row")).to_have_count(
        len(filled) + 1
    )

    misclassified = report.get_by_role("list", name="Misclassified images")
    assert _thumbnails_loaded(misclassified) == ["green/001.png"]
    editor.wait_text("misclassified-count", "1 image.")
    editor.shot("report")
    assert axe_violations(page) == []
    report.get_by_role("button", name="Close").click()
    expect(report).to_have_count(0)

    # Opened again later, the panel follows the latest evaluation; the Batch panel has no job of its own.
    editor.goto(f"/?workflow={workflow_id}")
    editor.wait_text("evaluation-accuracy", "Accuracy 75.0 % on 4 images")
    expect(page.get_by_test_id("job")).to_have_count(0)
    assert editor.console_errors == []


def test_an_evaluation_saves_the_workflow_first_and_can_be_cancelled(editor, pool, tmp_path):
    # No worker takes the job, so the evaluation is still waiting when Cancel is pressed.
    workflow_id = open_saved_with_panels(editor)
    page = editor.page
    panel = page.get_by_role("region", name="Evaluate")
    _upload(editor, panel, _dataset_zip(tmp_path, {"red": ["red"], "green": ["green"]}), "2 images, 2 classes")
    page.get_by_test_id("add-parameter").click()
    expect(page.get_by_test_id("unsaved-marker")).to_be_visible()
    answers = DialogAnswers()
    page.on("dialog", answers)
    panel.get_by_role("button", name="Start evaluation").click()
    editor.wait_text("evaluation-status", "Waiting for a worker")
    assert answers.seen == [
        ("confirm", "The workflow has unsaved changes, and an evaluation runs a saved revision. Save them and start?")
    ]
    expect(page.get_by_test_id("unsaved-marker")).to_have_count(0)
    evaluation = Evaluation.objects.select_related("job__revision").get()
    assert (evaluation.workflow_id, evaluation.job.revision.number) == (workflow_id, 2)
    connections.close_all()
    editor.wait_text("evaluation-counts", "0 succeeded, 0 failed, 2 pending of 2")

    panel.get_by_role("button", name="Cancel evaluation").click()
    editor.wait_text("evaluation-status", "Cancelled")
    expect(panel.get_by_role("button", name="Cancel evaluation")).to_have_count(0)
    assert Evaluation.objects.select_related("job").get().job.status == "cancelled"
    connections.close_all()
    assert editor.console_errors == []


def test_two_evaluations_side_by_side_list_the_changed_images(editor, pool, tmp_path):
    pool.start(1)
    workflow_id = open_saved_with_panels(editor)
    page = editor.page
    panel = page.get_by_role("region", name="Evaluate")
    layout = {colour: [colour] * 3 for colour in ("red", "green", "blue", "yellow")}
    _upload(editor, panel, _dataset_zip(tmp_path, layout), "12 images, 4 classes")
    first = _evaluate(editor, panel, 12)
    editor.wait_text("evaluation-accuracy", "Accuracy 100.0 % on 12 images")

    # Revision 2 turns the images gray before the classifier: their colours are gone.
    gray = demo_definition(images="$steps.gray.image")
    gray["steps"].insert(0, GRAY)
    workflow = Workflow.objects.get(pk=workflow_id)
    workflow_save(workflow=workflow, user=workflow.owner, base_revision=1, specification=gray)
    connections.close_all()
    editor.goto(f"/?workflow={workflow_id}")
    editor.wait_message('Opened "Shapes" at revision 2.')
    second = _evaluate(editor, page.get_by_role("region", name="Evaluate"), 12)

    page.get_by_role("region", name="Evaluate").get_by_role("button", name="Open report").click()
    report = page.get_by_role("dialog", name=f"Evaluation {second.pk}")
    choice = report.get_by_label("Compare with")
    choice.select_option(label=f"Evaluation {first.pk}: workflow {workflow_id}, revision 1, 100.0 %")

    expected = evaluation_compare(a=Evaluation.objects.get(pk=first.pk), b=Evaluation.objects.get(pk=second.pk))
    connections.close_all()
    assert expected["significance"]["significant"], expected["significance"]
    a, b = expected["summary"]["a"], expected["summary"]["b"]
    summary = report.get_by_role("table", name="Side by side")
    expect(summary.get_by_role("columnheader")).to_have_text(
        ["", f"Evaluation {first.pk} (rev. 1)", f"Evaluation {second.pk} (rev. 2)", "Change"]
    )
    accuracy = summary.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Accuracy", exact=True))
    drop = round(100 * (a["accuracy"] - b["accuracy"]), 1)
    expect(accuracy.get_by_role("cell")).to_have_text(
        ["100.0 %", f"{100 * b['accuracy']:.1f} %", f"\u2212{drop:.1f} points"]
    )
    significance = expected["significance"]
    editor.wait_text(
        "comparison-significance",
        f"The difference is significant (McNemar p = {_precision2(significance['p_value'])} < 0.05): "
        f"0 became right, {significance['became_wrong']} became wrong.",
    )
    changed = report.get_by_role("table", name=re.compile(r"^\d+ images? changed$"))
    rows = changed.locator("tbody tr")
    expect(rows).to_have_count(len(expected["changed"]))
    assert [row.get_by_role("rowheader").inner_text() for row in rows.all()] == [c["file"] for c in expected["changed"]]
    expect(rows.first.get_by_role("cell").last).to_have_text("now wrong")
    editor.shot("compared")
    assert editor.console_errors == []


def _precision2(value: float) -> str:
    """JavaScript's toPrecision(2), as Python writes it for p-values down to 1e-4 (two significant
    digits, trailing zeros kept); twelve images cannot give a smaller one."""
    return f"{value:#.2g}"


def _publish_default(identifier: str, description: dict[str, Any]) -> None:
    owner = get_user_model().objects.get(username=USER)
    row, _ = block_version_register(description=description, user=owner)
    block_version_publish(block_version=row, user=owner)
    block_version_make_default(block_version=row, user=owner)
    connections.close_all()


def _v4_without_executor() -> None:
    """A v4 of the classifier registered from elsewhere (an uploaded manifest, v3's with a new name): it
    validates and wires, but nothing here runs it, so every image fails once a step moves to it."""
    v3 = copy.deepcopy(BlockVersion.objects.get(type_identifier=V3).description)
    description = json.loads(json.dumps(v3).replace(V3, V4))
    _publish_default(V4, description)


def _check(editor: Any, tmp_path: Path, to: str) -> Any:
    editor.node("classifier").wait_for()
    editor.page.get_by_test_id("node-upgrade-classifier").click()
    dialog = editor.page.get_by_role("dialog", name="Upgrade classifier")
    editor.wait_text("upgrade-summary", f"{CLASSIFIER} → {to}")
    dialog.get_by_label("Check against a dataset").check()
    _upload(
        editor,
        dialog,
        _dataset_zip(tmp_path, {"red": ["red", "red"], "green": ["green", "green"]}),
        "4 images, 2 classes",
    )
    dialog.get_by_role("button", name="Check", exact=True).click()
    return dialog


def test_an_upgrade_that_passes_the_check_is_applied_on_the_server(editor, pool, tmp_path):
    block_version_make_default(
        block_version=BlockVersion.objects.get(type_identifier=V3), user=get_user_model().objects.get(username=USER)
    )
    connections.close_all()
    workflow_id = open_saved_with_panels(editor)
    dialog = _check(editor, tmp_path, V3)
    editor.wait_text("gate-verdict", "Passes: accuracy does not change (at most 1 allowed).")
    editor.wait_text("comparison-changed-count", "No image changed its prediction.")
    editor.wait_text(
        "comparison-significance",
        "The difference is not significant (McNemar p = 1.0 ≥ 0.05): 0 became right, 0 became wrong.",
    )
    assert Workflow.objects.get(pk=workflow_id).revision == 1  # Check writes nothing
    editor.shot("passed")

    dialog.get_by_role("button", name="Apply if it passes").click()
    editor.wait_message(f"Upgraded classifier to {V3} in revision 2: it passed the check on the dataset.")
    expect(dialog).to_have_count(0)
    expect(editor.node("classifier").locator("header small")).to_have_text("v3")
    workflow = Workflow.objects.get(pk=workflow_id)
    assert (workflow.revision, workflow.revisions.get(number=2).definition["steps"][0]["type"]) == (2, V3)
    connections.close_all()
    assert editor.console_errors == []


def test_an_upgrade_that_fails_the_check_is_refused_with_the_reason(editor, pool, tmp_path):
    _v4_without_executor()
    workflow_id = open_saved_with_panels(editor)
    dialog = _check(editor, tmp_path, V4)
    editor.wait_text("gate-verdict", "Fails: accuracy drops 100.00 points (at most 1 allowed).")
    editor.wait_text("comparison-changed-count", "4 images changed")
    editor.shot("failed")
    assert axe_violations(editor.page) == []

    dialog.get_by_role("button", name="Apply if it passes").click()
    editor.wait_text(
        "gate-refusal",
        "The change fails the evaluation gate: accuracy drops 100.00 points (at most 1 allowed); nothing was changed.",
    )
    editor.wait_text("gate-verdict", "Fails: accuracy drops 100.00 points (at most 1 allowed).")
    expect(dialog).to_be_visible()
    assert Workflow.objects.get(pk=workflow_id).revision == 1
    connections.close_all()
    expect(editor.node("classifier").locator("header small")).to_have_text("v2")
    editor.shot("refused")
