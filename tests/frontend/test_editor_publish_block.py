"""Issue 20 in the editor: "Publish as block" asks for a family and a version and publishes the saved
workflow, which the palette then lists; a version the family's policy refuses shows the compatibility
report. A step of a published workflow block whose family has a newer default gets the upgrade badge,
and a double-click on it opens the saved workflow it was published from."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from playwright.sync_api import expect

from registry.models import BlockVersion, Workflow
from registry.services.block_versions import block_version_make_default
from registry.services.workflow_blocks import workflow_block_publish
from tests.frontend.conftest import USER, saved_workflow
from tests.frontend.definitions import top_class_workflow
from tests.frontend.exporting import export_definition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAMILY = f"{USER}/shape_gate"


def publish(editor, version: str) -> None:
    editor.button("Publish as block").click()
    dialog = editor.page.get_by_role("dialog", name="Publish as block")
    dialog.get_by_label("Family").fill(FAMILY)
    dialog.get_by_label("Version").fill(version)
    dialog.get_by_role("button", name="Publish").click()


def test_publish_as_block_lists_the_block_and_shows_a_refusal_as_the_report(editor):
    page = editor.page
    workflow = saved_workflow("Shape gate", top_class_workflow())
    editor.goto()
    editor.sign_in()
    editor.goto(f"/?workflow={workflow}")
    editor.wait_message('Opened "Shape gate" at revision 1.')
    publish(editor, "v1")
    editor.wait_message(f"Published {FAMILY}@v1.")
    expect(page.get_by_role("dialog", name="Publish as block")).to_have_count(0)
    expect(page.get_by_test_id(f"palette-item-{FAMILY}@v1")).to_be_visible()
    editor.shot("published")

    # Without its `predictions` output, the next version breaks the family's BACKWARD policy.
    page.get_by_test_id("node-output-predictions").click()
    page.keyboard.press("Delete")
    page.keyboard.press("Control+s")
    editor.wait_message("Saved revision 2.")
    publish(editor, "v2")
    report = page.get_by_test_id("compatibility-report")
    expect(report).to_contain_text("Policy BACKWARD")
    expect(report.locator("li.status-error code")).to_have_text(["OUTPUT_REMOVED"])
    expect(page.get_by_test_id("publish-error")).to_contain_text("breaks the BACKWARD compatibility policy")
    editor.shot("refused")
    assert not BlockVersion.objects.filter(type_identifier=f"{FAMILY}@v2").exists()
    # The browser logs the refused request itself; nothing else went wrong.
    assert [e for e in editor.console_errors if "409" not in e] == []


def test_a_published_workflow_blocks_step_offers_the_newer_default_and_opens_its_workflow(editor, tmp_path):
    page = editor.page
    owner = get_user_model().objects.get(username=USER)
    workflow = Workflow.objects.get(pk=saved_workflow("Shape gate", top_class_workflow()))
    workflow_block_publish(workflow=workflow, user=owner, family=FAMILY, version="v1")
    newer = workflow_block_publish(workflow=workflow, user=owner, family=FAMILY, version="v2")
    block_version_make_default(block_version=newer, user=owner)
    connections.close_all()
    definition = top_class_workflow()
    definition["steps"] = [{"type": f"{FAMILY}@v1", "name": "gate", "image": "$inputs.image", "model": "$inputs.model"}]
    definition["outputs"] = [{"type": "JsonField", "name": "label", "selector": "$steps.gate.label"}]
    editor.goto()
    editor.sign_in()
    editor.import_definition(definition, name="Using the gate.json")
    editor.wait_status("valid")
    editor.wait_text("node-upgrade-gate", "v2 available")
    page.get_by_test_id("node-upgrade-gate").click()
    editor.wait_text("upgrade-summary", f"{FAMILY}@v1 → {FAMILY}@v2")
    editor.wait_text("upgrade-validation", "The upgraded workflow is valid.")
    editor.shot("preview")
    page.get_by_role("dialog", name="Upgrade gate").get_by_role("button", name="Apply").click()
    editor.wait_message(f"Upgraded gate to {FAMILY}@v2.")
    expect(page.get_by_test_id("node-upgrade-gate")).to_have_count(0)
    # Its child is the saved workflow it was published from: a double-click opens it, the trail leads back.
    editor.node("gate").locator(".step-name").dblclick()
    expect(page.get_by_label("Workflow name")).to_have_value("Shape gate")
    trail = page.get_by_role("navigation", name="Breadcrumb")
    expect(trail.get_by_role("listitem")).to_have_text(["Using the gate", "Shape gate"])
    trail.get_by_role("button", name="Using the gate").click()
    expect(page.get_by_label("Workflow name")).to_have_value("Using the gate")
    assert export_definition(editor, tmp_path)["steps"][0]["type"] == f"{FAMILY}@v2"
    assert editor.console_errors == []
