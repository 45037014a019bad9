"""The revision list compares any two revisions on the canvas: steps and wires added, removed and
changed are marked (with a legend and the changes in words), and leaving the comparison gives back the
open document."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connections
from playwright.sync_api import expect

from tests.frontend.conftest import USER, demo_definition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _three_revisions() -> int:
    """r1: two classifiers; r2: the first one's confidence changed, the second replaced by a third;
    r3: as r2. Saved through the API's services, so without a layout (the comparison lays it out)."""
    from registry.services.workflows import workflow_create, workflow_save

    owner = get_user_model().objects.get(username=USER)
    first = demo_definition()
    first["steps"].append({**first["steps"][0], "name": "old_classifier"})
    second = demo_definition(confidence=0.7)
    second["steps"].append({**demo_definition()["steps"][0], "name": "new_classifier"})
    workflow = workflow_create(owner=owner, name="Compared", specification=first)
    workflow = workflow_save(workflow=workflow, user=owner, base_revision=1, specification=second)
    workflow = workflow_save(workflow=workflow, user=owner, base_revision=2, specification=second)
    connections.close_all()
    return int(workflow.pk)


def _marks(view, selector: str) -> dict[str, str]:
    """Each node's (or wire's) id and its diff class."""
    marks: dict[str, str] = view.locator(selector).evaluate_all(
        "els => Object.fromEntries(els.map(el => [el.dataset.id ?? el.dataset.testid, "
        "[...el.classList].find(c => c.startsWith('diff-'))]))"
    )
    return marks


def test_two_revisions_compared_on_the_canvas(editor):
    page = editor.page
    editor.goto()
    editor.sign_in()
    workflow = _three_revisions()
    editor.goto(f"/?workflow={workflow}")
    editor.node("new_classifier").wait_for()
    compare = page.get_by_role("group", name="Compare revisions")
    # By default the newest against the one before: r2 and r3 hold the same definition.
    compare.get_by_role("button", name="Show differences").click()
    view = page.get_by_test_id("diff-view")
    legend = page.get_by_role("region", name="Revision differences")
    expect(legend.get_by_role("list", name="Changes")).to_have_text("No differences.")
    legend.get_by_role("button", name="Leave diff").click()
    expect(view).to_have_count(0)

    compare.get_by_label("Compare from").select_option("r1")
    compare.get_by_label("Compare with").select_option("r2")
    compare.get_by_role("button", name="Show differences").click()
    expect(legend).to_contain_text("r1 → r2")
    expect(view.locator(".react-flow__edge")).to_have_count(4)
    expect(view.get_by_test_id("node-old_classifier")).to_be_visible()
    assert _marks(view, ".react-flow__node") == {
        "input:image": "diff-unchanged",
        "step:classifier": "diff-changed",
        "step:new_classifier": "diff-added",
        "step:old_classifier": "diff-removed",
        "output:predictions": "diff-unchanged",
    }
    assert _marks(view, ".react-flow__edge") == {
        "input:image/value->step:classifier/images": "diff-unchanged",
        "input:image/value->step:new_classifier/images": "diff-added",
        "input:image/value->step:old_classifier/images": "diff-removed",
        "step:classifier/predictions->output:predictions/value": "diff-unchanged",
    }
    # The legend names each mark and counts the steps and wires that carry it.
    expect(legend.get_by_test_id("diff-count-added")).to_have_text("Added: 2")
    expect(legend.get_by_test_id("diff-count-removed")).to_have_text("Removed: 2")
    expect(legend.get_by_test_id("diff-count-changed")).to_have_text("Changed: 1")
    expect(legend.get_by_role("list", name="Changes").get_by_role("listitem")).to_have_text(
        ["changed step classifier", "added step new_classifier", "removed step old_classifier"]
    )
    colour = view.locator('.react-flow__node[data-id="step:new_classifier"] > .node').evaluate(
        "el => getComputedStyle(el).boxShadow"
    )
    assert colour != "none"
    editor.shot("r1-against-r2")

    # Escape leaves the comparison; the open document (r3) is on the canvas as it was.
    page.keyboard.press("Escape")
    expect(view).to_have_count(0)
    expect(editor.node("old_classifier")).to_have_count(0)
    expect(editor.node("new_classifier")).to_be_visible()
    editor.wait_status("valid")
    editor.shot("left")
