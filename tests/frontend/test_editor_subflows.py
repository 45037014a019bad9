"""Issue 20 in the editor: steps grouped into a subflow (an inner workflow with its child inline) and
ungrouped back, each one undo step; a subflow's ports; its child opened (in place, or the saved
workflow it names) with a trail back; a newer revision of a saved child offered as an upgrade."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from playwright.sync_api import expect

from registry.models import Workflow, WorkflowRevision
from registry.services.workflows import workflow_save
from tests.frontend.conftest import USER, saved_workflow
from tests.frontend.definitions import top_class_workflow
from tests.frontend.exporting import export_definition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INNER = "roboflow_core/inner_workflow@v1"


def grouped_workflow() -> dict[str, Any]:
    original = top_class_workflow()
    child = {
        "version": "1.0",
        "inputs": [{"type": "WorkflowImage", "name": "image"}, {"type": "WorkflowParameter", "name": "model"}],
        "steps": original["steps"],
        "outputs": [
            {"type": "JsonField", "name": "output", "selector": "$steps.top.output"},
            {"type": "JsonField", "name": "predictions", "selector": "$steps.classifier.predictions"},
        ],
    }
    step = {
        "type": INNER,
        "name": "subflow",
        "workflow_definition": child,
        "parameter_bindings": {"image": "$inputs.image", "model": "$inputs.model"},
    }
    return {
        **original,
        "steps": [step],
        "outputs": [
            {"type": "JsonField", "name": "label", "selector": "$steps.subflow.output"},
            {"type": "JsonField", "name": "predictions", "selector": "$steps.subflow.predictions"},
        ],
    }


def select_steps(editor: Any, *names: str) -> None:
    editor.node(names[0]).locator(".step-name").click()
    for name in names[1:]:
        editor.node(name).locator(".step-name").click(modifiers=["Shift"])


def test_group_then_ungroup_gives_back_the_definition_and_each_is_one_undo(editor, tmp_path):
    page = editor.page
    editor.goto()
    editor.import_definition(top_class_workflow())
    editor.wait_status("valid")
    select_steps(editor, "classifier", "top")
    editor.node("top").click(button="right")
    page.get_by_role("menuitem", name="Group into subflow").click()
    editor.wait_message("Grouped 2 steps into the subflow subflow.")
    expect(editor.node("classifier")).to_have_count(0)
    # The child's inputs and outputs are the subflow's ports, with their kinds; every wire is kept.
    expect(page.get_by_test_id("subflow-input-subflow-image")).to_have_text("image image")
    expect(page.get_by_test_id("subflow-input-subflow-model")).to_have_text("model *")
    expect(page.get_by_test_id("subflow-output-subflow-predictions")).to_have_text(
        "predictions classification_prediction"
    )
    expect(page.get_by_test_id("subflow-output-subflow-output")).to_have_text("output *")
    editor.expect_edges(4)
    editor.wait_status("valid")
    editor.shot("grouped")
    assert export_definition(editor, tmp_path, "grouped.json") == grouped_workflow()

    editor.canvas_click(50, 650)
    page.keyboard.press("Control+z")
    expect(editor.node("classifier")).to_be_visible()
    assert export_definition(editor, tmp_path, "undone.json") == top_class_workflow()
    page.keyboard.press("Control+Shift+z")
    expect(editor.node("subflow")).to_be_visible()

    # Ungroup with the keyboard: the steps come back, and the same definition with them.
    editor.node("subflow").locator(".step-name").click()
    page.keyboard.press("Control+Shift+g")
    editor.wait_message("Ungrouped subflow into 2 steps.")
    expect(editor.node("subflow")).to_have_count(0)
    editor.expect_edges(5)
    editor.shot("ungrouped")
    assert export_definition(editor, tmp_path, "ungrouped.json") == top_class_workflow()
    editor.canvas_click(50, 650)
    page.keyboard.press("Control+z")
    expect(editor.node("subflow")).to_be_visible()
    assert export_definition(editor, tmp_path, "regrouped.json") == grouped_workflow()

    # Ctrl+G groups too; a step alone is a subflow of one.
    page.keyboard.press("Control+z")
    expect(editor.node("top")).to_be_visible()
    editor.node("top").locator(".step-name").click()
    page.keyboard.press("Control+g")
    editor.wait_message("Grouped 1 step into the subflow subflow.")
    editor.wait_status("valid")
    assert editor.console_errors == []


def test_double_click_edits_an_inline_child_in_place_with_a_trail_back(editor, tmp_path):
    page = editor.page
    editor.goto()
    editor.import_definition(grouped_workflow(), name="Parent.json")
    expect(editor.node("subflow")).to_be_visible()
    editor.node("subflow").locator(".step-name").dblclick()
    trail = page.get_by_role("navigation", name="Breadcrumb")
    expect(trail.get_by_role("listitem")).to_have_text(["Parent", "subflow"])
    expect(editor.node("classifier")).to_be_visible()
    expect(page.get_by_test_id("node-output-output")).to_be_visible()
    editor.shot("child")
    editor.node("top").locator(".step-name").click()
    editor.rename_selected("label_of_top")
    expect(editor.node("label_of_top")).to_be_visible()

    trail.get_by_role("button", name="Parent").click()
    expect(trail).to_have_count(0)
    expect(editor.node("subflow")).to_be_visible()
    expect(page.get_by_label("Workflow name")).to_have_value("Parent")
    exported = export_definition(editor, tmp_path, "edited.json")
    child = exported["steps"][0]["workflow_definition"]
    assert [s["name"] for s in child["steps"]] == ["classifier", "label_of_top"]
    assert child["outputs"][0]["selector"] == "$steps.label_of_top.output"
    editor.shot("back")
    # The child's edit is one change of the parent.
    editor.canvas_click(50, 650)
    page.keyboard.press("Control+z")
    assert export_definition(editor, tmp_path, "undone.json") == grouped_workflow()
    assert editor.console_errors == []


def referring(workflow_id: int, version: str | None = None) -> dict[str, Any]:
    step: dict[str, Any] = {
        "type": INNER,
        "name": "shared",
        "workflow_workspace_id": "here",
        "workflow_id": str(workflow_id),
        "parameter_bindings": {"image": "$inputs.image", "model": "$inputs.model"},
    }
    if version is not None:
        step["workflow_version_id"] = version
    return {
        **top_class_workflow(),
        "steps": [step],
        "outputs": [{"type": "JsonField", "name": "label", "selector": "$steps.shared.label"}],
    }


def test_a_child_by_reference_shows_its_ports_offers_its_newer_revision_and_opens(editor, tmp_path):
    page = editor.page
    child = saved_workflow("Shared child", top_class_workflow(), revisions=2)
    parent = saved_workflow("Parent", referring(child, "1"))
    editor.goto()
    editor.sign_in()
    editor.goto(f"/?workflow={parent}")
    expect(page.get_by_test_id("subflow-source-shared")).to_have_text(f"workflow {child} revision 1")
    expect(page.get_by_test_id("subflow-output-shared-label")).to_have_text("label *")
    expect(page.get_by_test_id("subflow-input-shared-image")).to_have_text("image image")
    editor.wait_text("node-upgrade-shared", "revision 2 available")
    editor.shot("badge")
    page.get_by_test_id("node-upgrade-shared").click()
    dialog = page.get_by_role("dialog", name="Upgrade shared")
    editor.wait_text("upgrade-summary", f"workflow {child}: revision 1 → 2")
    editor.wait_text("upgrade-validation", "The upgraded workflow is valid.")
    dialog.get_by_role("button", name="Apply").click()
    editor.wait_message(f"Upgraded shared to revision 2 of workflow {child}.")
    expect(page.get_by_test_id("node-upgrade-shared")).to_have_count(0)
    assert export_definition(editor, tmp_path, "upgraded.json")["steps"][0]["workflow_version_id"] == "2"

    editor.node("shared").locator(".step-name").dblclick()
    expect(page.get_by_label("Workflow name")).to_have_value("Shared child")
    trail = page.get_by_role("navigation", name="Breadcrumb")
    expect(trail.get_by_role("listitem")).to_have_text(["Parent", "Shared child"])
    assert page.url.endswith(f"/?workflow={child}")
    editor.shot("opened")
    trail.get_by_role("button", name="Parent").click()
    expect(page.get_by_label("Workflow name")).to_have_value("Parent")
    assert page.url.endswith(f"/?workflow={parent}")
    # The parent is as it was left: upgraded, not saved yet.
    expect(page.get_by_test_id("unsaved-marker")).to_be_visible()
    assert export_definition(editor, tmp_path, "back.json")["steps"][0]["workflow_version_id"] == "2"
    assert editor.console_errors == []


def test_save_inside_an_inline_child_saves_the_parent_with_it(editor):
    page = editor.page
    parent = saved_workflow("Parent", grouped_workflow())
    editor.goto()
    editor.sign_in()
    editor.goto(f"/?workflow={parent}")
    editor.node("subflow").click(button="right")
    page.get_by_role("menuitem", name="Open subflow").click()
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_be_visible()
    editor.node("top").locator(".step-name").click()
    editor.rename_selected("label_of_top")
    page.keyboard.press("Control+s")
    editor.wait_message("Saved revision 2.")
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_have_count(0)
    expect(page.get_by_label("Workflow name")).to_have_value("Parent")
    saved = WorkflowRevision.objects.get(workflow_id=parent, number=2).definition
    assert [s["name"] for s in saved["steps"][0]["workflow_definition"]["steps"]] == ["classifier", "label_of_top"]
    assert saved["steps"][0]["parameter_bindings"] == grouped_workflow()["steps"][0]["parameter_bindings"]
    expect(page.get_by_test_id("unsaved-marker")).to_have_count(0)
    assert editor.console_errors == []


def test_a_child_by_reference_without_a_revision_is_compared_with_the_revision_the_lockfile_pins(editor, tmp_path):
    page = editor.page
    child = saved_workflow("Shared child", top_class_workflow())
    parent = saved_workflow("Parent", referring(child))
    # The child changes after the parent was saved (and pinned its revision 1).
    owner = get_user_model().objects.get(username=USER)
    changed = Workflow.objects.get(pk=child)
    workflow_save(workflow=changed, user=owner, base_revision=1, specification=top_class_workflow())
    connections.close_all()
    editor.goto()
    editor.sign_in()
    editor.goto(f"/?workflow={parent}")
    expect(page.get_by_test_id("subflow-source-shared")).to_have_text(f"workflow {child}")
    editor.wait_text("node-upgrade-shared", "revision 2 available")
    page.get_by_test_id("node-upgrade-shared").click()
    editor.wait_text("upgrade-summary", f"workflow {child}: revision 1 → 2")
    patch = page.get_by_role("dialog", name="Upgrade shared").get_by_test_id("upgrade-patch")
    expect(patch).to_contain_text('"op": "add"', use_inner_text=False)
    page.get_by_role("dialog", name="Upgrade shared").get_by_role("button", name="Apply").click()
    expect(page.get_by_test_id("subflow-source-shared")).to_have_text(f"workflow {child} revision 2")
    expect(page.get_by_test_id("node-upgrade-shared")).to_have_count(0)
    assert export_definition(editor, tmp_path)["steps"][0]["workflow_version_id"] == "2"
    assert editor.console_errors == []
