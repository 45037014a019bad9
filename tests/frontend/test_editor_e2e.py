"""The editor's main path in Chromium against the real server: build, wire, validate, save, reload, run."""

import numpy as np
import pytest
from django.db import connections
from playwright.sync_api import expect

from registry.models import Workflow
from scripts.train_demo_model import draw_sample
from tests.frontend.conftest import CLASSIFIER, STEP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_build_validate_save_reload_and_run(editor, tmp_path):
    page = editor.page
    editor.goto()
    editor.shot("empty-canvas")
    assert page.get_by_test_id("empty-hint").is_visible()

    page.get_by_role("searchbox", name="Search blocks").fill("single-label classification")
    # The palette filters on a deferred copy of the query, so the count settles a frame later.
    editor.wait_text("palette-count", "3 blocks")
    page.get_by_test_id("add-image-input").click()
    editor.add_block(CLASSIFIER)
    editor.node(STEP).wait_for()
    page.get_by_test_id("add-output").click()
    editor.shot("blocks-on-canvas")

    # Wire the image into the classifier; a missing model_id is reported on the node.
    editor.wire("handle-out-image-value", f"handle-in-{STEP}-images")
    editor.expect_edges(1)
    editor.wait_text(f"node-errors-{STEP}", "Step `roboflow_classification_model` needs `model_id`.")
    editor.shot("validation-error")

    # An incompatible wire (a prediction into an image input) is refused with both kinds named.
    editor.wire(f"handle-out-{STEP}-predictions", f"handle-in-{STEP}-images")
    assert editor.message() == (
        "Cannot connect: predictions gives classification_prediction, but images accepts image."
    )
    assert page.get_by_test_id("message").get_attribute("data-level") == "error"
    editor.shot("incompatible-wire-refused")

    # Set model_id in the inspector: the error clears.
    editor.node(STEP).click()
    page.get_by_label("model_id", exact=True).fill("demo-shapes/1")
    editor.wire(f"handle-out-{STEP}-predictions", "handle-in-output-output")
    editor.expect_edges(2)
    editor.wait_status("valid")
    expect(page.get_by_test_id(f"node-errors-{STEP}")).to_have_count(0)
    editor.shot("valid-workflow")

    editor.sign_in()
    page.get_by_label("Workflow name").fill("Browser-built demo")
    editor.button("Save").click()
    editor.wait_message('Saved "Browser-built demo" as revision 1.')
    saved = Workflow.objects.get(name="Browser-built demo")
    step = saved.revisions.get(number=1).definition["steps"][0]
    connections.close_all()
    assert (step["type"], step["images"], step["model_id"]) == (CLASSIFIER, "$inputs.image", "demo-shapes/1")
    assert page.url == f"{editor.base_url}/?workflow={saved.pk}"
    editor.shot("saved")

    # A reload opens it again from the address bar, with its history.
    page.reload()
    editor.node(STEP).wait_for()
    page.get_by_test_id("revisions").wait_for()
    assert page.get_by_test_id("revisions").inner_text().startswith("Revisions\nr1")
    editor.shot("reopened-with-history")

    image_path = tmp_path / "green.png"
    draw_sample("green", np.random.default_rng(5)).save(image_path)
    page.get_by_role("region", name="Run").get_by_label("image", exact=True).set_input_files(str(image_path))
    editor.button("Run").click()
    page.get_by_test_id("run-top").wait_for()
    expect(page.get_by_test_id("run-top")).to_have_text("green")
    editor.shot("run-results")
