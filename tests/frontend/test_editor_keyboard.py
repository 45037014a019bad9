"""The whole "build, save, run" path with the keyboard alone: sign in, add an image input, quick-add a
classifier (A, type, arrows, Enter), choose its inputs in the inspector, add an output fed by it, save
with a name through the Save as dialog (type, Enter), choose an image and run. No mouse click."""

import pytest
from playwright.sync_api import expect

from tests.frontend.conftest import PASSWORD, USER, sample_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The focused element's type (its tag, and an input's type) and what a screen reader would call it:
# its label, else its text.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return ['', ''];
  const label = el.getAttribute('aria-label') || el.labels?.[0]?.innerText || el.innerText || '';
  return [el.tagName.toLowerCase() + (el.type === 'file' ? ':file' : ''), label.trim()];
}"""


def tab_to(page, name: str, *, element: str | None = None, presses: int = 80, backwards: bool = False) -> None:
    """Presses Tab (Shift+Tab) until the focused element is called `name` (and is an `element`)."""
    for _ in range(presses):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        tag, label = page.evaluate(FOCUSED)
        if label == name and element in (None, tag):
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_build_save_and_run_with_the_keyboard_alone(editor, tmp_path):
    page = editor.page
    editor.goto()
    keyboard = page.keyboard

    tab_to(page, "Sign in")
    keyboard.press("Enter")
    keyboard.type(USER)  # the dialog's first field has the focus
    keyboard.press("Tab")
    keyboard.type(PASSWORD)
    keyboard.press("Enter")
    page.get_by_test_id("signed-in").wait_for()

    tab_to(page, "+ Image input")
    keyboard.press("Enter")
    editor.node("image").wait_for()

    # A opens the block search; arrows move through the results and Enter takes the chosen one.
    keyboard.press("a")
    search = page.get_by_role("dialog", name="Add a block").get_by_role("searchbox", name="Find a block")
    expect(search).to_be_focused()
    keyboard.type("single-label classification")
    options = page.get_by_role("option")
    expect(options.first).to_have_attribute("aria-selected", "true")
    while "v2" not in page.locator("[role=option][aria-selected=true]").inner_text():
        keyboard.press("ArrowDown")
    keyboard.press("Enter")
    editor.node("roboflow_classification_model").wait_for()
    editor.shot("added")

    # The new step is selected and its inspector is next in the tab order.
    inspector = page.get_by_role("complementary", name="Inspector")
    tab_to(page, "images")
    expect(inspector.get_by_label("images", exact=True)).to_be_focused()
    keyboard.press("ArrowDown")  # the first source that fits: $inputs.image
    editor.expect_edges(1)
    tab_to(page, "model_id")
    keyboard.type("demo-shapes/1")
    editor.shot("wired")

    tab_to(page, "+ Output", backwards=True)
    keyboard.press("Enter")
    editor.node("output-output").wait_for()
    tab_to(page, "selector")
    keyboard.type("$steps.roboflow_classification_model.predictions")  # the select's type-ahead
    editor.expect_edges(2)
    editor.wait_status("valid")

    tab_to(page, "Save as", backwards=True)
    keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Save as")
    # The name field has the focus, its proposal selected: typing replaces it.
    expect(dialog.get_by_label("Name")).to_be_focused()
    keyboard.type("Keyboard only")
    keyboard.press("Enter")
    editor.wait_message('Saved "Keyboard only" as revision 1.')
    editor.shot("saved")

    tab_to(page, "image", element="input:file")
    expect(page.get_by_test_id("run-image-image")).to_be_focused()
    # The chooser is Chromium's answer to the key: on a loaded machine (CI's PostgreSQL run beside
    # other work) it came later than Playwright's default 10 s.
    with page.expect_file_chooser(timeout=30_000) as chooser:
        keyboard.press("Space")
    chooser.value.set_files(str(sample_image(tmp_path, "green")))
    tab_to(page, "Run", element="button")
    keyboard.press("Enter")
    editor.wait_text("node-top-roboflow_classification_model", "green 1.00")
    expect(page.get_by_test_id("run-top")).to_have_text("green")
    editor.shot("ran")
