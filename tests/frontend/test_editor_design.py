"""A designed interface: tokens, category colours, readable node text, states, dark mode, nothing
overflowing between 1280 and 1920 px, and no serious or critical accessibility violation (axe-core,
whose colour-contrast rule checks WCAG AA)."""

import pytest

from tests.frontend.accessibility import axe_violations
from tests.frontend.conftest import SPILLS, sample_image
from tests.frontend.definitions import gate_two_steps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SMALLEST_NODE_TEXT = """() => {
  let smallest = Infinity;
  for (const el of document.querySelectorAll('.react-flow__node *')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (own) smallest = Math.min(smallest, parseFloat(getComputedStyle(el).fontSize));
  }
  return smallest;
}"""


def open_gated_run(editor, tmp_path):
    page = editor.page
    editor.goto()
    editor.import_definition(gate_two_steps())
    editor.node("gate").wait_for()
    run = page.get_by_role("region", name="Run")
    run.get_by_label("image", exact=True).set_input_files(str(sample_image(tmp_path, "green")))
    run.get_by_role("button", name="Run", exact=True).click()
    editor.wait_text("node-result-gate", "stopped")
    page.get_by_role("button", name="Fit View").click()
    editor.node("gate").click()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_accessibility_violation_and_aa_contrast(editor, tmp_path, scheme):
    page = editor.page
    page.emulate_media(color_scheme=scheme)
    editor.goto()
    assert axe_violations(page) == []
    open_gated_run(editor, tmp_path)
    editor.shot(f"{scheme}-run")
    assert axe_violations(page) == []
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(245, 246, 249)" if scheme == "light" else "rgb(17, 20, 27)")


def test_nodes_coloured_by_category_readable_and_showing_their_state(editor, tmp_path):
    page = editor.page
    open_gated_run(editor, tmp_path)
    # 100 % zoom: the smallest text on a node is 12 px.
    page.evaluate(
        "() => document.querySelector('.react-flow__viewport').style.transform = 'translate(0px, 0px) scale(1)'"
    )
    assert page.evaluate(SMALLEST_NODE_TEXT) >= 12
    stripe = {
        name: editor.node(name).evaluate("n => getComputedStyle(n).borderTopColor")
        for name in ("classifier", "gate", "crop", "grey")
    }
    assert stripe["classifier"] == "rgb(122, 63, 209)"  # model
    assert stripe["gate"] == "rgb(180, 83, 9)"  # flow control
    assert stripe["crop"] == "rgb(31, 122, 140)"  # transformation
    assert stripe["grey"] == "rgb(47, 111, 214)"  # classical computer vision
    assert "run-skipped" in editor.node("grey").get_attribute("class")
    assert "run-stopped" in editor.node("gate").get_attribute("class")
    assert "selected" in editor.node("gate").get_attribute("class")
    icon = editor.node("classifier").locator("svg.category-icon")
    assert icon.evaluate("n => getComputedStyle(n).color") == stripe["classifier"]
    palette_icon = (
        page.get_by_role("complementary", name="Blocks").locator("h4", has_text="flow control").locator("svg")
    )
    assert palette_icon.evaluate("n => getComputedStyle(n).color") == stripe["gate"]
    editor.shot("states")


@pytest.mark.parametrize("width,height", [(1280, 800), (1600, 900), (1920, 1080)])
def test_nothing_overflows_between_1280_and_1920(editor, tmp_path, width, height):
    page = editor.page
    page.set_viewport_size({"width": width, "height": height})
    open_gated_run(editor, tmp_path)
    assert page.evaluate(SPILLS) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    toolbar = page.get_by_role("toolbar", name="Workflow").bounding_box()
    assert toolbar["width"] <= width
    editor.shot(f"{width}")
