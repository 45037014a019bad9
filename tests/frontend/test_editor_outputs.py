"""Each step shows its own output after a run, and the selected step its full output as a tree."""

import pytest
from playwright.sync_api import expect

from tests.frontend.conftest import sample_image
from tests.frontend.definitions import gated_crop

TIMES = "\N{MULTIPLICATION SIGN}"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def run_with(editor, image):
    run = editor.page.get_by_role("region", name="Run")
    run.get_by_label("image", exact=True).set_input_files(str(image))
    run.get_by_role("button", name="Run", exact=True).click()


def test_each_step_shows_its_own_result_and_the_selected_one_its_tree(editor, tmp_path):
    page = editor.page
    definition = gated_crop("blue")
    editor.goto()
    editor.import_definition(definition)
    editor.node("grey").wait_for()
    run_with(editor, sample_image(tmp_path, "green"))
    editor.wait_text("node-top-classifier", "green 1.00")
    editor.wait_text("node-result-top", "green")
    editor.wait_text("node-result-crop", f"30{TIMES}20")
    thumbnail = editor.node("crop").get_by_role("img", name="crop output")
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth === 30 && img.naturalHeight === 20")
    editor.wait_text("node-result-gate", "stopped")
    editor.wait_text("node-result-grey", "skipped")
    assert "run-skipped" in editor.node("grey").get_attribute("class")
    editor.shot("step-results")

    editor.node("crop").click()
    output = page.get_by_role("region", name="Step output")
    expect(output.get_by_test_id("step-status-0")).to_have_text("ran")
    image = output.get_by_role("img", name="crops thumbnail")
    expect(image).to_be_visible()
    expect(output.locator(".json-size")).to_have_text(f"30{TIMES}20")
    editor.node("classifier").click()
    top = output.locator(".json-row").filter(has=page.locator(".json-key", has_text="top:"))
    expect(top).to_have_text('top: "green"')
    editor.shot("classifier-tree")

    run_with(editor, sample_image(tmp_path, "blue"))
    editor.wait_text("node-top-classifier", "blue 1.00")
    editor.wait_text("node-result-gate", "passed")
    editor.wait_text("node-result-grey", f"96{TIMES}96")
