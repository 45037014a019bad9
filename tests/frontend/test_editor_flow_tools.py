"""Issue 23 in the editor: React Flow's own tools (wire validity while dragging, the connection state,
deleteElements), server state through TanStack Query (retries, errors shown), native modal dialogs."""

import re

import pytest
from playwright.sync_api import expect

from tests.frontend.conftest import CLASSIFIER, STEP, demo_definition, saved_workflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The end point of the wire being drawn: the last coordinates of its SVG path.
WIRE_END = """() => {
  const d = document.querySelector('.react-flow__connection-path').getAttribute('d');
  const numbers = d.match(/-?\\d+(\\.\\d+)?/g).map(Number);
  return numbers.slice(-2);
}"""


def _centre(box):
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _drag_over(editor, source_testid, target_testid, offset=(6, 5)):
    """Presses on the source handle and holds the wire a few pixels off the target handle's centre."""
    page = editor.page
    x, y = _centre(page.get_by_test_id(source_testid).bounding_box())
    tx, ty = _centre(page.get_by_test_id(target_testid).bounding_box())
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(tx + offset[0], ty + offset[1], steps=12)
    return tx + offset[0], ty + offset[1], tx, ty


def _flow_point(page, x, y):
    """A page point in the coordinates of the connection line's SVG (the flow's viewport)."""
    return page.evaluate(
        """([x, y]) => {
          const svg = document.querySelector('.react-flow__connectionline');
          const m = svg.querySelector('g').getScreenCTM().inverse();
          const p = new DOMPoint(x, y).matrixTransform(m);
          return [p.x, p.y];
        }""",
        [x, y],
    )


def test_an_incompatible_wire_is_refused_while_dragging_and_does_not_snap(editor):
    page = editor.page
    editor.goto()
    page.get_by_test_id("add-image-input").click()
    editor.add_block(CLASSIFIER, 700, 300)
    editor.node(STEP).wait_for()

    # A fitting wire snaps to the handle, and the handles that would take it light up.
    px, py, hx, hy = _drag_over(editor, "handle-out-image-value", f"handle-in-{STEP}-images")
    expect(page.locator(".react-flow__connection")).to_have_class(re.compile(r"\bvalid\b"))
    expect(page.get_by_test_id(f"handle-in-{STEP}-images")).to_have_class(re.compile(r"\bcompatible\b"))
    expect(page.get_by_test_id(f"handle-in-{STEP}-confidence")).not_to_have_class(re.compile(r"\bcompatible\b"))
    end = page.evaluate(WIRE_END)
    assert end == pytest.approx(_flow_point(page, hx, hy), abs=1.5)
    editor.shot("fitting-wire-snaps")
    page.mouse.up()
    editor.expect_edges(1)
    expect(page.locator(".react-flow__handle.compatible")).to_have_count(0)

    # The classifier's predictions do not fit its own images: the wire stays at the pointer, marked invalid.
    px, py, hx, hy = _drag_over(editor, f"handle-out-{STEP}-predictions", f"handle-in-{STEP}-confidence")
    expect(page.locator(".react-flow__connection")).to_have_class(re.compile(r"\binvalid\b"))
    end = page.evaluate(WIRE_END)
    assert end == pytest.approx(_flow_point(page, px, py), abs=1.5)
    assert end != pytest.approx(_flow_point(page, hx, hy), abs=1.5)
    editor.shot("refused-wire-does-not-snap")
    page.mouse.up()
    editor.expect_edges(1)
    editor.wait_message(
        "Cannot connect: predictions gives classification_prediction, but confidence accepts float_zero_to_one."
    )


def test_deleting_a_selection_with_its_wires_is_one_undo_step(editor):
    page = editor.page
    editor.goto()
    editor.import_definition(demo_definition(), "shapes.json")
    editor.node("classifier").wait_for()
    editor.expect_edges(2)
    editor.node("image").click()
    editor.node("classifier").click(modifiers=["Shift"])
    page.keyboard.press("Delete")
    expect(page.locator(".react-flow__node")).to_have_count(1)
    editor.expect_edges(0)
    editor.shot("deleted")
    editor.button("Undo").click()
    expect(page.locator(".react-flow__node")).to_have_count(3)
    editor.expect_edges(2)
    expect(editor.button("Undo")).to_be_disabled()
    editor.shot("one-undo-brings-both-back")


def test_a_failed_block_detail_load_is_retried(editor):
    page = editor.page
    failures: list[str] = []

    def flaky(route):
        if not failures:
            failures.append(route.request.url)
            route.fulfill(status=503, content_type="application/json", body='{"code":"unavailable","message":"Busy."}')
        else:
            route.continue_()

    page.route(re.compile(r".*/api/v1/blocks/roboflow_core/roboflow_classification_model@v2/$"), flaky)
    editor.goto()
    editor.import_definition(demo_definition(), "shapes.json")
    editor.node("classifier").wait_for()
    expect(page.get_by_test_id("handle-in-classifier-images")).to_have_count(1)
    assert len(failures) == 1
    editor.node("classifier").click()
    expect(page.get_by_role("complementary", name="Inspector").get_by_label("model_id", exact=True)).to_have_value(
        "demo-shapes/1"
    )
    editor.shot("loaded-after-a-retry")


def test_server_errors_are_shown_not_swallowed(editor):
    page = editor.page
    page.route(
        re.compile(r".*/api/v1/workflows/$"),
        lambda route: (
            route.fulfill(
                status=403, content_type="application/json", body='{"code":"forbidden","message":"Not for you."}'
            )
            if route.request.method == "GET"
            else route.continue_()
        ),
    )
    editor.goto()
    editor.button("Open").click()
    dialog = page.get_by_role("dialog", name="Open a saved workflow")
    expect(dialog.get_by_role("alert")).to_have_text("Could not list the workflows: Not for you.")
    editor.shot("list-error-shown")


def test_dialogs_are_native_modal_dialogs_that_keep_the_focus_and_close_on_escape(editor):
    page = editor.page
    editor.goto()
    editor.sign_in()
    saved_workflow("Listed", demo_definition())
    editor.button("Open").click()
    dialog = page.get_by_role("dialog", name="Open a saved workflow")
    expect(dialog.get_by_role("button", name="Listed")).to_be_visible()
    assert dialog.evaluate("el => el.tagName === 'DIALOG' && el.matches(':modal')")
    # The page behind is inert: Tab never reaches it (past the last button it goes to the browser's own
    # controls, where nothing in the page has the focus, then back into the dialog).
    inside = 0
    for _ in range(8):
        page.keyboard.press("Tab")
        where = page.evaluate(
            "() => document.activeElement.closest('dialog') ? 'dialog' : document.activeElement.tagName"
        )
        assert where in ("dialog", "BODY")
        inside += where == "dialog"
    assert inside >= 6
    editor.shot("modal")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)

    page.keyboard.press("?")
    shortcuts = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(shortcuts).to_be_visible()
    # A click on the backdrop closes it too.
    page.mouse.click(5, 5)
    expect(page.get_by_role("dialog")).to_have_count(0)
