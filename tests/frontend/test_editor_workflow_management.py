"""Issue 18's workflow management in the editor: the Open dialog searches, shows owner, last change and
revision count, duplicates, deletes and restores; a new document offers templates."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from playwright.sync_api import expect

from registry.models import Workflow
from tests.frontend.conftest import DialogAnswers, demo_definition, sample_image, saved_workflow
from tests.registry.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _rows(dialog):
    return dialog.get_by_role("table", name="Workflows").locator("tbody tr")


def test_the_open_dialog_searches_duplicates_deletes_and_restores(editor):
    from registry.services.workflows import workflow_create

    page = editor.page
    editor.goto()
    editor.sign_in()
    saved_workflow("Alpha shapes", demo_definition(), revisions=3)
    saved_workflow("Beta", demo_definition())
    workflow_create(owner=make_user("carol"), name="Carol's public", specification=demo_definition(), public=True)
    connections.close_all()

    editor.button("Open").click()
    dialog = page.get_by_role("dialog", name="Open a saved workflow")
    # Beside the demo workflow that `seed_demo` makes public.
    expect(_rows(dialog)).to_have_count(4)
    alpha = _rows(dialog).filter(has_text="Alpha shapes")
    expect(alpha.locator("td").nth(1)).to_have_text("editor-user")
    expect(alpha.locator("td").nth(3)).to_have_text("3 revisions")
    updated = Workflow.objects.get(name="Alpha shapes").updated_at
    connections.close_all()
    shown = page.evaluate("iso => new Date(iso).toLocaleString()", updated.isoformat())
    assert alpha.locator("td").nth(2).inner_text() == shown
    carol = _rows(dialog).filter(has_text="Carol's public")
    expect(carol.locator("td").nth(1)).to_have_text("carol")
    expect(carol.get_by_role("button", name="Delete")).to_have_count(0)
    editor.shot("listed")

    dialog.get_by_role("searchbox", name="Search workflows").fill("ALP")
    expect(_rows(dialog)).to_have_count(1)
    expect(_rows(dialog).first.locator("td").first).to_have_text("Alpha shapes")
    _rows(dialog).first.get_by_role("button", name="Duplicate").click()
    editor.wait_message('Duplicated "Alpha shapes".')
    expect(_rows(dialog)).to_have_count(2)
    expect(_rows(dialog).filter(has_text="Alpha shapes (copy)").locator("td").nth(3)).to_have_text("1 revision")
    editor.shot("duplicated")

    dialog.get_by_role("searchbox", name="Search workflows").fill("")
    _rows(dialog).filter(has_text="Beta").get_by_role("button", name="Delete").click()
    editor.wait_message('Deleted "Beta": it can be restored for 30 days.')
    expect(_rows(dialog).filter(has_text="Beta")).to_have_count(0)
    deleted = dialog.get_by_role("region", name="Recently deleted")
    expect(deleted.get_by_role("listitem")).to_have_count(1)
    assert not Workflow.objects.filter(name="Beta").exists()
    connections.close_all()
    editor.shot("deleted")
    deleted.get_by_role("listitem", name="Beta").get_by_role("button", name="Restore").click()
    editor.wait_message('Restored "Beta".')
    expect(_rows(dialog).filter(has_text="Beta")).to_have_count(1)
    expect(dialog.get_by_role("region", name="Recently deleted")).to_have_count(0)
    _rows(dialog).filter(has_text="Beta").get_by_role("button", name="Beta").click()
    editor.node("classifier").wait_for()
    editor.wait_message('Opened "Beta" at revision 1.')


@pytest.mark.parametrize(
    ("title", "steps"),
    [
        ("Classify an image", ["classifier"]),
        ("Crop then classify", ["crop", "classifier"]),
        ("Classify then a condition", ["classifier", "top", "only_green", "green"]),
    ],
)
def test_a_new_document_offers_templates_that_are_valid_and_run(editor, tmp_path, title, steps):
    page = editor.page
    editor.goto()
    editor.import_definition(demo_definition("other"), "other.json")
    editor.node("other").wait_for()
    page.once("dialog", DialogAnswers())
    editor.button("New").click()
    templates = page.get_by_role("group", name="Start from a template")
    templates.get_by_role("button", name=title).click()
    editor.wait_message(f'Started from the template "{title}".')
    for step in steps:
        expect(editor.node(step)).to_be_visible()
    assert page.get_by_label("Workflow name").input_value() == title
    editor.wait_status("valid")
    expect(templates).to_have_count(0)
    run = page.get_by_role("region", name="Run")
    run.get_by_label("image", exact=True).set_input_files(str(sample_image(tmp_path)))
    run.get_by_role("button", name="Run", exact=True).click()
    editor.wait_message("Run finished.")
    editor.shot("template-ran")
    assert get_user_model().objects.count() >= 1
