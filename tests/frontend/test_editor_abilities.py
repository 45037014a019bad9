"""One browser test per "what a person can do" of the editor issue, clicking and typing like a person."""

import itertools
import json
import re

import pytest
from django.db import connections
from playwright.sync_api import expect

from registry.models import Workflow
from tests.frontend.conftest import (
    CLASSIFIER,
    SPILLS,
    STEP,
    DialogAnswers,
    boxes_overlap,
    demo_definition,
    flow_position,
    node_boxes,
    sample_image,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROPERTY = "roboflow_core/property_definition@v1"


def selected(page):
    return page.locator(".react-flow__node.selected")


def test_editing_select_copy_paste_duplicate_rename_undo_redo_and_shortcuts(editor):
    page = editor.page
    editor.goto()
    page.get_by_test_id("add-image-input").click()
    editor.add_block(CLASSIFIER, 700, 300)
    editor.node(STEP).wait_for()
    editor.wire("handle-out-image-value", f"handle-in-{STEP}-images")
    editor.canvas_click(600, 650)
    expect(selected(page)).to_have_count(0)

    editor.node("image").click()
    editor.node(STEP).click(modifiers=["Shift"])
    expect(selected(page)).to_have_count(2)
    editor.canvas_click(600, 650)
    expect(selected(page)).to_have_count(0)
    # Box selection: Shift and drag around both nodes.
    canvas = page.get_by_test_id("canvas").bounding_box()
    page.keyboard.down("Shift")
    page.mouse.move(canvas["x"] + 5, canvas["y"] + 5)
    page.mouse.down()
    page.mouse.move(canvas["x"] + canvas["width"] * 0.75, canvas["y"] + canvas["height"] * 0.6, steps=10)
    page.mouse.up()
    page.keyboard.up("Shift")
    expect(selected(page)).to_have_count(2)
    editor.shot("box-selected")

    page.keyboard.press("Control+c")
    page.keyboard.press("Control+v")
    editor.node(f"{STEP}_2").wait_for()
    expect(editor.node("image_2")).to_have_count(1)
    editor.expect_edges(2)
    page.keyboard.press("Control+d")
    editor.node(f"{STEP}_3").wait_for()
    expect(editor.node("image_3")).to_have_count(1)
    editor.expect_edges(3)
    editor.shot("pasted-and-duplicated")

    editor.canvas_click(600, 650)
    editor.node(f"{STEP}_3").click(button="right")
    page.get_by_role("menuitem", name="Rename").click()
    dialog = page.get_by_role("dialog", name="Rename")
    dialog.get_by_label("Name").fill("renamed")
    dialog.get_by_role("button", name="OK").click()
    editor.node("renamed").wait_for()
    editor.shot("renamed")

    # The clipboard holds a Roboflow definition: it pastes into another document.
    clip = json.loads(page.evaluate("localStorage.getItem('blockwise.clipboard')"))
    assert [s["name"] for s in clip["steps"]] == [f"{STEP}_2"]
    assert clip["steps"][0]["images"] == "$inputs.image_2"
    page.once("dialog", lambda d: d.accept())
    editor.button("New").click()
    expect(page.locator(".react-flow__node")).to_have_count(0)
    editor.canvas_click(300, 300, button="right")
    page.get_by_role("menuitem", name="Paste").click()
    editor.node("image_2").wait_for()
    expect(editor.node(f"{STEP}_2")).to_have_count(1)
    editor.expect_edges(1)
    editor.shot("pasted-into-new-document")

    # Undo reaches back more than a hundred steps, redo comes forward again.
    add_parameter = page.get_by_test_id("add-parameter")
    # The minimap draws every node, also those scrolled out of view (which the canvas skips).
    everything = page.locator(".react-flow__minimap-node")
    for _ in range(102):
        add_parameter.click()
    expect(everything).to_have_count(104)
    editor.canvas_click(50, 650)
    for _ in range(102):
        page.keyboard.press("Control+z")
    expect(everything).to_have_count(2)
    for _ in range(2):
        editor.button("Redo").click()
    expect(everything).to_have_count(4)
    editor.button("Undo").click()
    expect(everything).to_have_count(3)
    editor.shot("undo-redo")

    page.keyboard.press("?")
    shortcuts = page.get_by_role("dialog", name="Keyboard shortcuts")
    assert shortcuts.locator("th").all_inner_texts()[:3] == [
        "Click, Shift+click, drag on the canvas",
        "Ctrl+A",
        "Delete / Backspace",
    ]
    editor.shot("shortcuts")
    shortcuts.get_by_role("button", name="Close").click()


def test_wiring_quick_add_from_a_dropped_wire_and_from_a_double_click(editor):
    page = editor.page
    editor.goto()
    page.get_by_test_id("add-image-input").click()
    handle = page.get_by_test_id("handle-out-image-value").bounding_box()
    page.mouse.move(handle["x"] + 4, handle["y"] + 4)
    page.mouse.down()
    page.mouse.move(handle["x"] + 300, handle["y"] + 200, steps=10)
    page.mouse.up()
    options = page.get_by_role("listbox", name="Blocks that fit").get_by_role("option")
    options.first.wait_for()
    assert options.all_inner_texts() == [
        "Image Convert Grayscale v1",
        "Image Preprocessing v1",
        "Single-Label Classification Model v1",
        "Single-Label Classification Model v2",
        "Single-Label Classification Model v3",
        "Absolute Static Crop v1",
        "Relative Static Crop v1",
    ]
    editor.shot("quick-add-filtered")
    page.get_by_role("option", name="Image Convert Grayscale v1").click()
    editor.node("convert_grayscale").wait_for()
    editor.expect_edges(1)
    editor.shot("added-and-wired")

    editor.canvas_click(700, 120, click_count=2)
    quick = page.get_by_role("dialog", name="Add a block")
    expect(quick.get_by_role("option")).to_have_count(10)
    quick.get_by_role("searchbox", name="Find a block").fill("property")
    page.get_by_role("option", name="Property Definition v1").click()
    editor.node("property_definition").wait_for()
    boxes = node_boxes(page)
    assert not any(boxes_overlap(a, b) for a, b in itertools.combinations(boxes, 2))
    editor.shot("added-by-double-click")


def test_documents_new_open_import_export_save_save_as_rename_and_unsaved_marker(editor, tmp_path):
    page = editor.page
    editor.goto()
    editor.sign_in()
    editor.import_definition(demo_definition(), "first.json")
    editor.node("classifier").wait_for()
    assert page.title() == "● first · Blockwise"
    editor.button("Save").click()
    editor.wait_message('Saved "first" as revision 1.')
    assert page.title() == "first · Blockwise"
    first = Workflow.objects.get(name="first").pk

    editor.button("Save as").click()
    dialog = page.get_by_role("dialog", name="Save as")
    dialog.get_by_label("Name").fill("second")
    dialog.get_by_role("button", name="OK").click()
    editor.wait_message('Saved "second" as revision 1.')
    second = Workflow.objects.get(name="second").pk
    connections.close_all()
    assert page.url == f"{editor.base_url}/?workflow={second}"
    editor.shot("saved-as")

    page.get_by_label("Workflow name").fill("second renamed")
    assert page.title() == "● second renamed · Blockwise"
    # Replacing a changed document asks; saying no keeps it.
    page.once("dialog", lambda d: d.dismiss())
    editor.button("Open").click()
    expect(page.get_by_role("dialog", name="Open a saved workflow")).to_have_count(0)
    editor.button("Save").click()
    editor.wait_message("Saved revision 2.")
    editor.button("Open").click()
    listing = page.get_by_role("dialog", name="Open a saved workflow")
    listing.get_by_role("button", name="first").wait_for()
    names = listing.get_by_role("table", name="Workflows").locator("tbody tr td:first-child")
    assert names.all_inner_texts() == ["second renamed", "first", "Demo: colour of the shape"]
    editor.shot("open-dialog")
    listing.get_by_role("button", name="first").click()
    editor.wait_message('Opened "first" at revision 1.')
    assert page.url == f"{editor.base_url}/?workflow={first}"

    with page.expect_download() as download:
        editor.button("Export").click()
    exported = tmp_path / "exported.json"
    download.value.save_as(exported)
    assert download.value.suggested_filename == "first.json"
    assert json.loads(exported.read_text()) == demo_definition()
    editor.shot("exported")

    # Leaving with unsaved changes warns.
    page.get_by_test_id("add-output").click()
    warned = DialogAnswers()
    page.on("dialog", warned)
    page.close(run_before_unload=True)
    page.wait_for_event("close")
    assert [kind for kind, _ in warned.seen] == ["beforeunload"]


def test_inputs_and_outputs_are_added_renamed_and_removed_and_selectors_follow(editor, tmp_path):
    page = editor.page
    editor.goto()
    inspector = page.get_by_role("complementary", name="Inspector")
    page.get_by_test_id("add-image-input").click()
    page.get_by_test_id("add-parameter").click()
    editor.add_block(CLASSIFIER, 700, 300)
    editor.node(STEP).wait_for()
    page.get_by_test_id("add-output").click()
    editor.wire("handle-out-image-value", f"handle-in-{STEP}-images")
    editor.wire(f"handle-out-{STEP}-predictions", "handle-in-output-output")

    editor.node("image").click()
    editor.rename_selected("photo")
    editor.node("photo").wait_for()
    editor.node(STEP).click()
    editor.rename_selected("classifier")
    editor.node("classifier").wait_for()
    page.get_by_test_id("node-output-output").click()
    expect(inspector.get_by_label("selector", exact=True).locator("option:checked")).to_have_text(
        "$steps.classifier.predictions"
    )
    inspector.get_by_label("coordinates_system", exact=True).select_option("parent")
    editor.shot("renamed")

    editor.node("parameter").click()
    page.keyboard.press("Delete")
    expect(editor.node("parameter")).to_have_count(0)

    with page.expect_download() as download:
        editor.button("Export").click()
    exported = tmp_path / "io.json"
    download.value.save_as(exported)
    definition = json.loads(exported.read_text())
    assert definition["inputs"] == [{"type": "WorkflowImage", "name": "photo"}]
    assert definition["steps"] == [{"type": CLASSIFIER, "name": "classifier", "images": "$inputs.photo"}]
    assert definition["outputs"] == [
        {
            "type": "JsonField",
            "name": "output",
            "selector": "$steps.classifier.predictions",
            "coordinates_system": "parent",
        }
    ]
    editor.shot("exported")


def test_bindings_offer_fitting_sources_known_models_and_version_changes(editor):
    page = editor.page
    editor.goto()
    definition = demo_definition()
    definition["inputs"].append({"type": "WorkflowParameter", "name": "threshold", "kind": ["float_zero_to_one"]})
    editor.import_definition(definition, "bindings.json")
    editor.node("classifier").click()
    inspector = page.get_by_role("complementary", name="Inspector")
    source = inspector.get_by_label("confidence source")
    assert source.locator("option").all_inner_texts() == [
        "value typed above",
        "$inputs.image (gives image; takes float_zero_to_one)",
        "$inputs.threshold",
    ]
    assert source.locator("option[disabled]").all_inner_texts() == [
        "$inputs.image (gives image; takes float_zero_to_one)"
    ]
    source.select_option(label="$inputs.threshold")
    editor.expect_edges(3)
    editor.shot("bound-to-parameter")

    models = inspector.get_by_label("model_id", exact=True)
    assert models.get_attribute("list") == "known-models"
    assert page.locator("#known-models option").evaluate_all("os => os.map(o => o.value)") == ["demo-shapes/1"]
    models.fill("my-own/7")
    assert models.input_value() == "my-own/7"

    inspector.get_by_label("Version").select_option(label="v3 (default)")
    editor.wait_text(
        "version-changes",
        "v3 adds confidence_mode, custom_confidence; removes confidence (from v2). "
        'Migration: set confidence_mode to "custom"; renamed confidence to custom_confidence.',
    )
    # The migration moved the parameter's wire from `confidence` to `custom_confidence`.
    expect(inspector.get_by_label("custom_confidence", exact=True)).to_have_count(1)
    editor.shot("version-switched")


def test_layout_is_saved_and_auto_layout_flows_left_to_right_without_overlaps(editor):
    page = editor.page
    editor.goto()
    editor.sign_in()
    definition = demo_definition()
    previous = "$steps.classifier.predictions"
    for index in range(4):
        definition["steps"].append(
            {"type": PROPERTY, "name": f"p{index}", "data": previous, "operations": [{"type": "SequenceLength"}]}
        )
        previous = f"$steps.p{index}.output"
    definition["outputs"].append({"type": "JsonField", "name": "last", "selector": previous})
    editor.import_definition(definition, "chain.json")
    editor.node("p3").wait_for()
    editor.button("Auto layout").click()
    page.wait_for_timeout(500)
    boxes = node_boxes(page)
    assert not any(boxes_overlap(a, b) for a, b in itertools.combinations(boxes, 2))
    chain = ["image", "classifier", "p0", "p1", "p2", "p3"]
    xs = [editor.node(name).bounding_box()["x"] for name in chain]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    editor.shot("laid-out")
    before = {name: flow_position(page, f"step:{name}") for name in chain[1:]}
    editor.button("Save").click()
    editor.wait_message('Saved "chain" as revision 1.')
    page.reload()
    editor.node("p3").wait_for()
    assert {name: flow_position(page, f"step:{name}") for name in chain[1:]} == before
    editor.shot("reloaded")


def test_runs_preview_parameters_results_on_nodes_and_history(editor, tmp_path):
    page = editor.page
    editor.goto()
    editor.sign_in()
    definition = demo_definition(confidence="$inputs.confidence")
    definition["inputs"].append(
        {"type": "WorkflowParameter", "name": "confidence", "kind": ["float_zero_to_one"], "default_value": 0.2}
    )
    editor.import_definition(definition, "runs.json")
    editor.node("classifier").wait_for()
    editor.button("Save").click()
    editor.wait_message('Saved "runs" as revision 1.')
    run = page.get_by_role("region", name="Run")
    assert run.get_by_label("confidence", exact=True).input_value() == "0.2"
    run.get_by_label("image", exact=True).set_input_files(str(sample_image(tmp_path, "green")))
    preview = run.get_by_role("img", name="image preview")
    preview.wait_for()
    assert preview.evaluate("img => img.complete && img.naturalWidth > 0")
    run.get_by_role("button", name="Run", exact=True).click()
    editor.wait_text("node-top-classifier", "green 1.00")
    assert page.get_by_test_id("bar-green").is_visible()
    assert re.fullmatch(r"\d+\.\d ms", page.get_by_test_id("node-run-classifier").locator(".timing").inner_text())
    editor.shot("results")

    run.get_by_label("image", exact=True).set_input_files(str(sample_image(tmp_path, "red")))
    run.get_by_role("button", name="Run", exact=True).click()
    editor.wait_text("node-top-classifier", "red 1.00")
    history = page.get_by_test_id("run-history").get_by_role("button")
    history.nth(1).wait_for()
    expect(history).to_have_count(2)
    history.nth(1).click()
    editor.wait_text("node-top-classifier", "green 1.00")
    editor.shot("older-run-opened")


def test_sign_in_form_shows_errors_inline_the_user_and_signs_out(editor):
    page = editor.page
    editor.goto()
    editor.button("Save").click()
    dialog = page.get_by_role("dialog", name="Sign in")
    dialog.get_by_label("Username").fill("nobody")
    dialog.get_by_label("Password").fill("nothing")
    dialog.get_by_label("Password").press("Enter")
    expect(dialog.get_by_role("alert")).to_have_text("Wrong username or password.")
    editor.shot("inline-error")
    dialog.get_by_label("Username").fill("editor-user")
    dialog.get_by_label("Password").fill("pw-editor-user")
    dialog.get_by_label("Password").press("Enter")
    editor.wait_message("Signed in as editor-user.")
    expect(page.get_by_test_id("signed-in")).to_have_text("editor-user")
    editor.shot("signed-in")
    editor.button("Sign out").click()
    editor.wait_message("Signed out.")
    expect(page.get_by_test_id("signed-in")).to_have_count(0)


def test_feedback_colours_empty_canvas_palette_marks_and_no_overflow_from_1280_to_1920(editor):
    page = editor.page
    editor.goto()
    assert page.get_by_test_id("empty-hint").inner_text() == (
        "An empty workflow. Add an image input with + Image input, then drag a block from the palette "
        "(or double-click here to search for one) and wire the image into it."
    )
    defaults = page.locator(".palette-item:has(.badge.default) .name").all_inner_texts()
    assert defaults.count("Single-Label Classification Model") == 1
    assert len(defaults) == 8
    editor.shot("empty-canvas")

    definition = demo_definition(model_id=None)
    del definition["steps"][0]["model_id"]
    definition["inputs"].append({"type": "WorkflowParameter", "name": "unused"})
    editor.import_definition(definition, "feedback.json")
    editor.wait_text("node-errors-classifier", "Step `classifier` needs `model_id`.")
    # tokens.css: --danger, --warning, --success
    red, amber, green = "rgb(179, 38, 30)", "rgb(138, 83, 0)", "rgb(28, 107, 54)"
    color = "el => getComputedStyle(el).color"
    assert page.get_by_test_id("node-errors-classifier").evaluate(color) == red
    assert page.get_by_test_id("node-warnings-unused").evaluate(color) == amber
    assert page.get_by_test_id("message").evaluate(color) == green
    editor.node("classifier").click()
    assert page.get_by_test_id("field-error-model_id").evaluate(color) == red
    for width in (1280, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(200)
        assert page.evaluate(SPILLS) == []
        assert page.evaluate("document.documentElement.scrollWidth") == width
        editor.shot(f"width-{width}")
