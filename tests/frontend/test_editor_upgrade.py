"""Issue 12 in the editor: a step whose family has a newer default version gets a badge that opens the
upgrade preview; applying it is one change that Ctrl+Z takes back."""

from django.contrib.auth import get_user_model
from django.db import connections
from playwright.sync_api import expect

from registry.models import BlockVersion
from registry.services.block_versions import block_version_make_default
from tests.frontend.conftest import CLASSIFIER, USER, demo_definition

V3 = CLASSIFIER.replace("@v2", "@v3")


def _make_v3_the_default() -> None:
    block_version_make_default(
        block_version=BlockVersion.objects.get(type_identifier=V3),
        user=get_user_model().objects.get(username=USER),
    )
    connections.close_all()


def test_badge_opens_the_preview_and_the_applied_upgrade_is_one_undo(editor):
    _make_v3_the_default()
    page = editor.page
    editor.goto()
    editor.import_definition(demo_definition())
    badge = page.get_by_test_id("node-upgrade-classifier")
    editor.wait_text("node-upgrade-classifier", "v3 available")
    version = editor.node("classifier").locator("header small")
    expect(version).to_have_text("v2")
    editor.shot("badge")

    badge.click()
    dialog = page.get_by_role("dialog", name="Upgrade classifier")
    editor.wait_text("upgrade-summary", f"{CLASSIFIER} → {V3}")
    codes = dialog.get_by_test_id("upgrade-changes").locator("code").all_inner_texts()
    assert "PROPERTY_REMOVED" in codes
    editor.wait_text("upgrade-validation", "The upgraded workflow is valid.")
    editor.shot("preview")

    dialog.get_by_role("button", name="Apply").click()
    editor.wait_message(f"Upgraded classifier to {V3}.")
    page.wait_for_function(
        "() => document.querySelector(`[data-testid='node-classifier'] header small`)?.innerText === 'v3'"
    )
    expect(badge).to_have_count(0)
    editor.shot("applied")

    editor.canvas_click(50, 650)
    page.keyboard.press("Control+z")
    page.wait_for_function(
        "() => document.querySelector(`[data-testid='node-classifier'] header small`)?.innerText === 'v2'"
    )
    editor.wait_text("node-upgrade-classifier", "v3 available")
    assert editor.console_errors == []
    editor.shot("undone")
