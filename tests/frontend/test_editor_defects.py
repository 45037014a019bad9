"""One browser test per defect the editor issue found, each clicking and typing like a person."""

import itertools

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
    saved_workflow,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_nodes_and_wires_are_selected_and_deleted(editor):
    page = editor.page
    editor.goto()
    page.get_by_test_id("add-image-input").click()
    editor.add_block(CLASSIFIER)
    editor.node(STEP).wait_for()
    editor.wire("handle-out-image-value", f"handle-in-{STEP}-images")
    editor.expect_edges(1)
    editor.shot("wired")

    page.locator(".react-flow__edge").first.click()
    expect(page.locator(".react-flow__edge.selected")).to_have_count(1)
    page.keyboard.press("Delete")
    editor.expect_edges(0)
    editor.shot("wire-deleted")

    editor.node(STEP).click()
    page.keyboard.press("Backspace")
    expect(editor.node(STEP)).to_have_count(0)
    editor.shot("node-deleted")

    editor.add_block(CLASSIFIER)
    editor.node(STEP).wait_for()
    editor.canvas_click(600, 600)
    page.keyboard.press("Control+a")
    expect(page.locator(".react-flow__node.selected")).to_have_count(2)
    page.keyboard.press("Delete")
    expect(page.locator(".react-flow__node")).to_have_count(0)
    assert page.get_by_test_id("empty-hint").is_visible()

    page.get_by_test_id("add-image-input").click()
    editor.node("image").click(button="right")
    menu = page.get_by_role("menu", name="Actions")
    assert menu.get_by_role("menuitem").all_inner_texts() == ["Rename", "Duplicate", "Copy", "Delete"]
    editor.shot("context-menu")
    menu.get_by_role("menuitem", name="Delete").click()
    expect(page.locator(".react-flow__node")).to_have_count(0)


def test_import_opens_a_new_document_and_new_starts_one(editor):
    page = editor.page
    kept = editor.open_saved("Kept", demo_definition())
    editor.shot("saved-workflow-open")

    other = demo_definition("other_step")
    editor.import_definition(other, "other.json")
    editor.wait_message("Imported other.json as a new unsaved workflow.")
    assert page.get_by_label("Workflow name").input_value() == "other"
    assert page.url == editor.base_url + "/"
    assert page.get_by_test_id("unsaved-marker").is_visible()
    assert editor.node("other_step").is_visible()
    workflow = Workflow.objects.get(pk=kept)
    assert (workflow.name, workflow.revision) == ("Kept", 1)
    assert workflow.revisions.get().definition == demo_definition()
    connections.close_all()
    editor.shot("imported-as-new")

    asked = DialogAnswers()
    page.once("dialog", asked)
    editor.button("New").click()
    assert asked.seen == [("confirm", "The open workflow has unsaved changes. Discard them?")]
    expect(page.locator(".react-flow__node")).to_have_count(0)
    assert page.get_by_label("Workflow name").input_value() == "Untitled workflow"
    editor.shot("new-document")


def test_renaming_a_saved_workflow_is_kept_on_save(editor):
    page = editor.page
    workflow_id = editor.open_saved("Before", demo_definition())
    page.get_by_label("Workflow name").fill("After")
    assert page.get_by_test_id("unsaved-marker").is_visible()
    editor.shot("renamed")
    editor.button("Save").click()
    editor.wait_message("Saved revision 2.")
    assert Workflow.objects.get(pk=workflow_id).name == "After"
    connections.close_all()
    expect(page.get_by_test_id("unsaved-marker")).to_have_count(0)
    page.reload()
    editor.node("classifier").wait_for()
    assert page.get_by_label("Workflow name").input_value() == "After"
    assert page.title() == "After · Blockwise"
    editor.shot("reloaded")


def test_open_resets_the_side_panel_and_restore_works(editor, tmp_path):
    page = editor.page
    editor.goto()
    editor.sign_in()
    first = saved_workflow("First", demo_definition(), revisions=3)
    second = saved_workflow("Second", demo_definition("second"), revisions=2)
    editor.goto(f"/?workflow={first}")
    editor.node("classifier").wait_for()
    run = page.get_by_role("region", name="Run")
    run.get_by_label("image", exact=True).set_input_files(str(sample_image(tmp_path)))
    run.get_by_role("button", name="Run", exact=True).click()
    page.get_by_test_id("run-top").wait_for()
    editor.wait_text("revisions", "Revisions\nr3 editor-user\nr2 editor-user\nRestore\nr1 editor-user created\nRestore")
    editor.shot("first-with-results")

    editor.button("Open").click()
    page.get_by_role("dialog", name="Open a saved workflow").get_by_role("button", name="Second").click()
    editor.node("second").wait_for()
    editor.wait_text("revisions", "Revisions\nr2 editor-user\nr1 editor-user created\nRestore")
    expect(page.get_by_test_id("run-results")).to_have_count(0)
    expect(page.get_by_test_id("node-run-second")).to_have_count(0)
    assert page.url == f"{editor.base_url}/?workflow={second}"
    editor.shot("second-opened")

    page.get_by_test_id("restore-1").click()
    editor.wait_message("Restored revision 1 as revision 3.")
    assert Workflow.objects.get(pk=second).revision == 3
    connections.close_all()
    editor.shot("restored")


def test_ctrl_z_undoes_the_document_and_fields_keep_their_own_undo(editor):
    page = editor.page
    editor.goto()
    editor.add_block(CLASSIFIER)
    editor.node(STEP).wait_for()
    field = page.get_by_label("model_id", exact=True)
    field.fill("demo-shapes/1")
    field.press("End")
    field.type("x")
    field.press("Control+z")
    # Inside the field the browser's own undo takes back the typing; the node stays.
    assert field.input_value() == "demo-shapes/1"
    expect(editor.node(STEP)).to_have_count(1)
    editor.shot("field-undo")

    editor.canvas_click(700, 600)
    page.keyboard.press("Control+z")
    editor.node(STEP).click()
    assert page.get_by_label("model_id", exact=True).input_value() == ""
    editor.canvas_click(700, 600)
    page.keyboard.press("Control+z")
    expect(editor.node(STEP)).to_have_count(0)
    editor.shot("undone")
    page.keyboard.press("Control+Shift+z")
    page.keyboard.press("Control+y")
    editor.node(STEP).click()
    assert page.get_by_label("model_id", exact=True).input_value() == "demo-shapes/1"
    editor.shot("redone")


def test_positions_are_saved_layout_has_no_overlaps_and_added_blocks_never_stack(editor):
    page = editor.page
    editor.goto()
    editor.sign_in()
    definition = demo_definition()
    definition["outputs"].append({"type": "JsonField", "name": "model", "selector": "$steps.classifier.model_id"})
    definition["outputs"].append({"type": "JsonField", "name": "everything", "selector": "$steps.classifier.*"})
    editor.import_definition(definition, "layout.json")
    editor.node("classifier").wait_for()
    page.wait_for_timeout(500)
    boxes = node_boxes(page)
    assert len(boxes) == 5
    assert not any(boxes_overlap(a, b) for a, b in itertools.combinations(boxes, 2))
    editor.shot("imported-and-laid-out")

    node = editor.node("classifier")
    laid_out = flow_position(page, "step:classifier")
    box = node.locator("header").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] + 20, box["y"] - 150, steps=20)
    page.mouse.up()
    moved = flow_position(page, "step:classifier")
    assert moved != laid_out
    editor.button("Save").click()
    editor.wait_message('Saved "layout" as revision 1.')
    page.reload()
    editor.node("classifier").wait_for()
    page.wait_for_timeout(300)
    assert flow_position(page, "step:classifier") == moved
    editor.shot("reloaded-in-place")
    layout = Workflow.objects.get(name="layout").revisions.get().layout
    connections.close_all()
    assert set(layout) == {
        "inputs/image",
        "steps/classifier",
        "outputs/predictions",
        "outputs/model",
        "outputs/everything",
    }
    assert layout["steps/classifier"] == moved

    editor.button("Auto layout").click()
    page.wait_for_timeout(500)
    boxes = node_boxes(page)
    assert not any(boxes_overlap(a, b) for a, b in itertools.combinations(boxes, 2))
    image, classifier = editor.node("image").bounding_box(), editor.node("classifier").bounding_box()
    outputs = [page.get_by_test_id(f"node-output-{name}").bounding_box() for name in ("predictions", "model")]
    assert image["x"] + image["width"] <= classifier["x"]
    assert all(classifier["x"] + classifier["width"] <= o["x"] for o in outputs)
    editor.shot("auto-layout")

    # Two blocks added by double-clicking the same spot land apart.
    # The second spot is free, but a block there would cover half of the first one.
    for x, y in [(150, 120), (40, 140)]:
        editor.canvas_click(x, y, click_count=2)
        search = page.get_by_role("searchbox", name="Find a block")
        search.fill("property definition")
        page.get_by_role("option", name="Property Definition v1").click()
    page.wait_for_timeout(300)
    first, second = (
        editor.node("property_definition").bounding_box(),
        editor.node("property_definition_2").bounding_box(),
    )
    assert not boxes_overlap(first, second)
    editor.shot("double-click-twice")


def test_inputs_parameters_and_outputs_are_configured_and_a_parameter_default_runs(editor, tmp_path):
    page = editor.page
    editor.goto()
    definition = demo_definition(confidence="$inputs.parameter")
    definition["inputs"].append({"type": "WorkflowParameter", "name": "parameter"})
    definition["outputs"] = [{"type": "JsonField", "name": "output", "selector": ""}]
    editor.import_definition(definition, "configure.json")
    editor.node("parameter").wait_for()

    editor.node("parameter").click()
    inspector = page.get_by_role("complementary", name="Inspector")
    inspector.get_by_label("kind", exact=True).select_option("float_zero_to_one")
    inspector.get_by_label("default_value", exact=True).fill("0.3")
    editor.rename_selected("threshold")
    editor.node("threshold").wait_for()
    editor.shot("parameter-configured")

    page.get_by_test_id("node-output-output").click()
    inspector.get_by_label("selector", exact=True).select_option(label="$steps.classifier.predictions")
    inspector.get_by_label("coordinates_system", exact=True).select_option("own")
    editor.rename_selected("top")
    page.get_by_test_id("node-output-top").wait_for()
    editor.wait_status("valid")

    editor.node("classifier").click()
    expect(inspector.get_by_label("confidence", exact=True).locator("option:checked")).to_have_text("$inputs.threshold")
    editor.shot("wired-to-renamed-parameter")

    run = page.get_by_role("region", name="Run")
    assert run.get_by_label("threshold", exact=True).input_value() == "0.3"
    run.get_by_label("image", exact=True).set_input_files(str(sample_image(tmp_path)))
    run.get_by_role("button", name="Run", exact=True).click()
    editor.wait_message("Run finished.")
    expect(page.get_by_test_id("run-top")).to_have_text("green")
    editor.shot("ran-with-default")


def test_sign_in_is_a_form_with_a_hidden_password_and_sign_out(editor):
    page = editor.page
    editor.goto()
    editor.button("Sign in").click()
    dialog = page.get_by_role("dialog", name="Sign in")
    assert dialog.get_by_label("Password").get_attribute("type") == "password"
    dialog.get_by_label("Username").fill("editor-user")
    dialog.get_by_label("Password").fill("wrong")
    dialog.get_by_role("button", name="Sign in").click()
    expect(dialog.get_by_role("alert")).to_have_text("Wrong username or password.")
    editor.shot("wrong-password")
    dialog.get_by_label("Password").fill("pw-editor-user")
    dialog.get_by_role("button", name="Sign in").click()
    page.get_by_test_id("signed-in").wait_for()
    expect(page.get_by_test_id("signed-in")).to_have_text("editor-user")
    editor.shot("signed-in")
    editor.button("Sign out").click()
    editor.wait_message("Signed out.")
    assert editor.button("Sign in").is_visible()
    assert page.request.get(editor.base_url + "/api/v1/auth/me/").json()["authenticated"] is False
    editor.shot("signed-out")


def colour(locator):
    return locator.evaluate("el => getComputedStyle(el).color")


def test_feedback_is_coloured_nothing_overflows_search_finds_classifiers_and_no_console_error(editor, tmp_path):
    page = editor.page
    editor.goto()
    page.get_by_role("searchbox", name="Search blocks").fill("classifier")
    assert page.locator(".palette-item .name").all_inner_texts() == ["Single-Label Classification Model"] * 3
    editor.shot("classifier-search")

    definition = demo_definition()
    definition["inputs"].append({"type": "WorkflowParameter", "name": "unused"})
    editor.import_definition(definition, "feedback.json")
    editor.wait_text("node-warnings-unused", "Input `unused` is not used by any step or output.")
    assert colour(page.get_by_test_id("node-warnings-unused")) == "rgb(138, 83, 0)"
    assert colour(page.get_by_test_id("message")) == "rgb(28, 107, 54)"
    expect(page.get_by_test_id("warning-count")).to_have_text("1 warning")
    editor.shot("warning-amber-success-green")

    editor.wire("handle-out-classifier-predictions", "handle-in-classifier-images")
    assert colour(page.get_by_test_id("message")) == "rgb(179, 38, 30)"

    # Nodes keep their width beside the side panel and nothing inside them spills out.
    assert editor.node("classifier").evaluate("el => el.offsetWidth") == 250
    assert page.evaluate(SPILLS) == []
    file_input = page.get_by_role("region", name="Run").get_by_label("image", exact=True)
    assert file_input.evaluate("el => el.scrollWidth <= el.clientWidth")
    editor.shot("no-overflow")

    assert page.request.get(editor.base_url + "/favicon.ico").status == 200
    assert editor.console_errors == []
