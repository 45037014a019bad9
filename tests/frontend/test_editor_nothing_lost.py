"""Issue 18's editor defects in the editor's foundations, one browser test each: nothing lost without a
question, Ctrl+S everywhere, right-click and quick-add like other editors, unknown block types, private
workflows while signed out, stale saves, readable workflow warnings."""

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from playwright.sync_api import expect

from registry.models import Workflow
from tests.frontend.conftest import USER, DialogAnswers, demo_definition, saved_workflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DISCARD = "The open workflow has unsaved changes. Discard them?"


def _save_on_server(workflow_id: int, definition: dict[str, Any]) -> None:
    from registry.services.workflows import workflow_save

    workflow = Workflow.objects.get(pk=workflow_id)
    owner = get_user_model().objects.get(username=USER)
    workflow_save(workflow=workflow, user=owner, base_revision=workflow.revision, specification=definition)
    connections.close_all()


def test_back_forward_new_open_import_and_closing_the_tab_ask_before_discarding(editor):
    page = editor.page
    editor.goto()
    editor.sign_in()
    first = saved_workflow("First", demo_definition())
    second = saved_workflow("Second", demo_definition("second"))
    editor.goto(f"/?workflow={first}")
    editor.node("classifier").wait_for()
    editor.button("Open").click()
    page.get_by_role("dialog", name="Open a saved workflow").get_by_role("button", name="Second").click()
    editor.node("second").wait_for()
    page.get_by_test_id("add-parameter").click()
    editor.node("parameter").wait_for()
    expect(page.get_by_test_id("unsaved-marker")).to_be_visible()

    no = DialogAnswers(accept=False)
    page.on("dialog", no)
    page.go_back()
    expect(page).to_have_url(f"{editor.base_url}/?workflow={second}")
    assert no.seen == [("confirm", DISCARD)]
    expect(editor.node("parameter")).to_be_visible()
    expect(editor.button("Undo")).to_be_enabled()
    editor.button("New").click()
    editor.button("Open").click()
    # Import asks once the file is chosen (choosing none loses nothing).
    with page.expect_event("dialog"):
        editor.import_definition(demo_definition("imported"), "imported.json")
    assert no.seen == [("confirm", DISCARD)] * 4
    expect(editor.node("imported")).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(editor.node("parameter")).to_be_visible()
    editor.shot("kept-after-four-noes")
    # Closing the tab asks too (the browser's own question).
    with page.expect_event("dialog"):
        page.close(run_before_unload=True)
    assert no.seen[-1][0] == "beforeunload"
    assert not page.is_closed()
    editor.button("Undo").click()
    expect(editor.node("parameter")).to_have_count(0)
    page.get_by_test_id("add-parameter").click()

    page.remove_listener("dialog", no)
    yes = DialogAnswers()
    page.on("dialog", yes)
    page.go_back()
    editor.node("classifier").wait_for()
    expect(page).to_have_url(f"{editor.base_url}/?workflow={first}")
    assert yes.seen == [("confirm", DISCARD)]
    page.go_forward()
    editor.node("second").wait_for()
    expect(editor.node("parameter")).to_have_count(0)
    # Nothing was unsaved this time: no question.
    assert yes.seen == [("confirm", DISCARD)]
    editor.shot("forward-again")


def test_right_click_delete_acts_on_that_node_unless_it_is_in_the_selection(editor):
    page = editor.page
    editor.goto()
    definition = demo_definition()
    definition["outputs"].append({"type": "JsonField", "name": "model", "selector": "$steps.classifier.model_id"})
    editor.import_definition(definition, "menu.json")
    editor.node("classifier").wait_for()
    editor.node("image").click()
    page.get_by_test_id("node-output-model").click(button="right")
    page.get_by_role("menu", name="Actions").get_by_role("menuitem", name="Delete").click()
    expect(page.get_by_test_id("node-output-model")).to_have_count(0)
    expect(page.locator(".react-flow__node")).to_have_count(3)
    editor.shot("only-the-clicked-node")

    editor.node("image").click()
    editor.node("classifier").click(modifiers=["Shift"])
    editor.node("classifier").click(button="right")
    page.get_by_role("menu", name="Actions").get_by_role("menuitem", name="Delete").click()
    expect(page.locator(".react-flow__node")).to_have_count(1)
    expect(page.get_by_test_id("node-output-predictions")).to_be_visible()
    editor.shot("the-selection")


def test_ctrl_s_and_cmd_s_save_from_a_text_field(editor):
    page = editor.page
    workflow_id = editor.open_saved("Typed", demo_definition())
    editor.node("classifier").click()
    page.evaluate("window.addEventListener('keydown', (e) => { window.lastPrevented = e.defaultPrevented; })")
    field = page.get_by_role("complementary", name="Inspector").get_by_label("model_id", exact=True)
    field.fill("demo-shapes/2")
    field.press("Control+s")
    editor.wait_message("Saved revision 2.")
    assert page.evaluate("window.lastPrevented") is True
    name = page.get_by_label("Workflow name")
    name.fill("Typed again")
    name.press("Meta+s")
    # The name alone makes no revision: the workflow is still at revision 2.
    expect(page.get_by_test_id("unsaved-marker")).to_have_count(0)
    workflow = Workflow.objects.get(pk=workflow_id)
    connections.close_all()
    assert workflow.name == "Typed again"
    editor.shot("saved-from-fields")


def test_quick_add_by_keyboard_is_one_undo_step_and_stays_in_the_canvas_and_menus_close(editor):
    page = editor.page
    editor.goto()
    page.get_by_test_id("add-image-input").click()
    canvas = page.get_by_test_id("canvas").bounding_box()
    handle = page.get_by_test_id("handle-out-image-value").bounding_box()
    # Dropped near the canvas' bottom right corner, where the popup would spill over the inspector.
    page.mouse.move(handle["x"] + 4, handle["y"] + 4)
    page.mouse.down()
    page.mouse.move(canvas["x"] + canvas["width"] - 10, canvas["y"] + canvas["height"] - 10, steps=10)
    page.mouse.up()
    quick = page.get_by_role("dialog", name="Add a block")
    quick.get_by_role("option").first.wait_for()
    box = quick.bounding_box()
    assert box["x"] + box["width"] <= canvas["x"] + canvas["width"]
    assert box["y"] + box["height"] <= canvas["y"] + canvas["height"]
    search = quick.get_by_role("searchbox", name="Find a block")
    expect(quick.locator("[aria-selected=true]")).to_have_text("Image Convert Grayscale v1")
    search.press("ArrowDown")
    search.press("ArrowDown")
    expect(quick.locator("[aria-selected=true]")).to_have_text("Single-Label Classification Model v1")
    search.press("ArrowUp")
    expect(quick.locator("[aria-selected=true]")).to_have_text("Image Preprocessing v1")
    editor.shot("highlighted")
    search.press("Enter")
    editor.node("image_preprocessing").wait_for()
    editor.expect_edges(1)
    editor.button("Undo").click()
    expect(editor.node("image_preprocessing")).to_have_count(0)
    editor.expect_edges(0)
    expect(editor.node("image")).to_be_visible()
    editor.shot("one-undo")

    editor.canvas_click(600, 500, button="right")
    menu = page.get_by_role("menu", name="Actions")
    expect(menu).to_be_visible()
    page.keyboard.press("Escape")
    expect(menu).to_have_count(0)
    editor.canvas_click(600, 500, button="right")
    expect(menu).to_be_visible()
    editor.canvas_click(300, 200)
    expect(menu).to_have_count(0)


def test_an_unknown_block_type_is_drawn_from_its_definition_and_the_run_says_why(editor):
    page = editor.page
    editor.goto()
    definition = demo_definition()
    definition["steps"].append(
        {"type": "acme/mystery@v1", "name": "mystery", "image": "$inputs.image", "threshold": 0.5}
    )
    definition["outputs"].append({"type": "JsonField", "name": "result", "selector": "$steps.mystery.result"})
    editor.import_definition(definition, "mystery.json")
    editor.node("mystery").wait_for()
    expect(page.get_by_test_id("handle-in-mystery-image")).to_be_visible()
    expect(page.get_by_test_id("handle-out-mystery-result")).to_be_visible()
    editor.expect_edges(4)
    editor.node("mystery").click()
    inspector = page.get_by_role("complementary", name="Inspector")
    expect(inspector.get_by_test_id("unknown-block-reason")).to_contain_text(
        "This server does not know the block type acme/mystery@v1."
    )
    step = inspector.get_by_label("Step as JSON")
    assert json.loads(step.input_value()) == definition["steps"][1]
    step.fill(json.dumps({**definition["steps"][1], "threshold": 0.7}))
    inspector.get_by_role("button", name="Apply JSON").click()
    editor.expect_edges(4)
    editor.shot("unknown-block")
    with page.expect_download() as download:
        editor.button("Export").click()
    exported = json.loads(Path(download.value.path()).read_text())
    definition["steps"][1]["threshold"] = 0.7
    assert exported == definition

    # The Run panel says why before anything is sent (the ui branch's run blockers).
    run = page.get_by_role("region", name="Run")
    expect(run.get_by_role("button", name="Run", exact=True)).to_be_disabled()
    editor.wait_text(
        "run-disabled-reason",
        "mystery uses acme/mystery@v1, which this server does not know: import its block or remove the step.",
    )
    editor.shot("run-says-why")


def test_opening_a_private_workflow_signed_out_asks_to_sign_in(editor):
    page = editor.page
    workflow_id = saved_workflow("Private", demo_definition())
    editor.goto(f"/?workflow={workflow_id}")
    dialog = page.get_by_role("dialog", name="Sign in")
    expect(dialog.get_by_test_id("sign-in-reason")).to_have_text(f"Sign in to open workflow {workflow_id}.")
    editor.shot("asked-to-sign-in")
    dialog.get_by_label("Username").fill(USER)
    dialog.get_by_label("Password").fill("pw-" + USER)
    dialog.get_by_role("button", name="Sign in").click()
    editor.node("classifier").wait_for()
    editor.wait_message('Opened "Private" at revision 1.')


def test_a_stale_save_offers_open_theirs_save_as_a_copy_and_overwrite(editor):
    page = editor.page
    workflow_id = editor.open_saved("Shared", demo_definition())

    def stale_dialog():
        page.get_by_test_id("add-parameter").click()
        editor.button("Save").click()
        return page.get_by_role("dialog", name="Someone saved a newer revision")

    theirs = demo_definition()
    theirs["steps"][0]["confidence"] = 0.9
    theirs["inputs"].append({"type": "WorkflowParameter", "name": "theirs"})
    _save_on_server(workflow_id, theirs)
    dialog = stale_dialog()
    expect(dialog.get_by_role("list", name="Their changes").get_by_role("listitem")).to_have_text(
        ["added input theirs", "changed step classifier"]
    )
    editor.shot("stale-choices")
    dialog.get_by_role("button", name="Overwrite").click()
    editor.wait_message("Saved revision 3.")
    assert Workflow.objects.get(pk=workflow_id).revisions.get(number=3).definition["inputs"][1]["name"] == "parameter"
    connections.close_all()

    _save_on_server(workflow_id, theirs)
    stale_dialog().get_by_role("button", name="Save as a copy").click()
    editor.wait_message('Saved "Shared (copy)" as revision 1.')
    copy = Workflow.objects.get(name="Shared (copy)")
    connections.close_all()
    expect(page).to_have_url(f"{editor.base_url}/?workflow={copy.pk}")

    _save_on_server(copy.pk, theirs)
    stale_dialog().get_by_role("button", name="Open theirs").click()
    editor.wait_message('Opened "Shared (copy)" at revision 2.')
    expect(page.get_by_test_id("unsaved-marker")).to_have_count(0)
    expect(editor.node("theirs")).to_be_visible()


def test_workflow_warnings_can_be_opened_read_and_followed(editor):
    page = editor.page
    editor.goto()
    definition = demo_definition()
    definition["inputs"].append({"type": "WorkflowParameter", "name": "unused"})
    editor.import_definition(definition, "warned.json")
    count = page.get_by_role("button", name="1 warning")
    count.click()
    warnings = page.get_by_role("list", name="Warnings")
    expect(warnings.get_by_role("listitem")).to_have_text(
        ["Input `unused` is not used by any step or output. /inputs/1"]
    )
    editor.shot("warnings-open")
    warnings.get_by_role("button").click()
    expect(page.locator(".react-flow__node.selected")).to_have_count(1)
    expect(page.locator(".react-flow__node.selected [data-testid=node-unused]")).to_have_count(1)
    count.click()
    expect(warnings).to_have_count(0)
