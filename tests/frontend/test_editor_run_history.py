"""A run keeps its input images: opening an old run from the run history shows what went in (on the
image input's node and in the Run panel) and what came out at every step."""

import pytest
from playwright.sync_api import expect

from tests.frontend.conftest import demo_definition, sample_image, saved_workflow

TIMES = "\N{MULTIPLICATION SIGN}"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_old_run_shows_its_input_image_and_each_steps_output(editor, tmp_path):
    page = editor.page
    editor.goto()
    editor.sign_in()
    workflow = saved_workflow("Shapes", demo_definition())
    editor.goto(f"/?workflow={workflow}")
    editor.node("classifier").wait_for()
    panel = page.get_by_role("region", name="Run")
    for colour in ("green", "blue"):
        panel.get_by_label("image", exact=True).set_input_files(str(sample_image(tmp_path, colour)))
        panel.get_by_role("button", name="Run", exact=True).click()
        editor.wait_text("node-top-classifier", f"{colour} 1.00")
    history = page.get_by_test_id("run-history").get_by_role("button")
    expect(history).to_have_count(2)
    # Each image's own thumbnail: the green input's pixels differ from the blue one's.
    blue_input = editor.node("image").get_by_role("img", name="image input")
    blue_pixels = blue_input.evaluate(PIXEL)
    editor.shot("latest-run")

    # Newest first: the second button is the first (green) run.
    history.nth(1).click()
    editor.wait_text("node-top-classifier", "green 1.00")
    editor.wait_text("node-inputs-image", f"96{TIMES}96")
    green_input = editor.node("image").get_by_role("img", name="image input")
    expect(green_input).to_be_visible()
    assert green_input.evaluate("img => img.complete && img.naturalWidth === 96 && img.naturalHeight === 96")
    assert green_input.evaluate(PIXEL) != blue_pixels
    in_panel = page.get_by_test_id("run-inputs")
    expect(in_panel).to_have_text(f"image 96{TIMES}96")
    expect(in_panel.get_by_role("img", name="image input")).to_be_visible()
    editor.shot("old-run-opened")


# The thumbnail's average colour, read from a canvas once the image has loaded.
PIXEL = """async img => {
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0);
  const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
  const sums = [0, 0, 0];
  for (let i = 0; i < data.length; i += 4) for (let c = 0; c < 3; c++) sums[c] += data[i + c];
  return sums.map(s => Math.round(s / (data.length / 4) / 16));
}"""
