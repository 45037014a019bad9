"""Switching a step's version applies the version's migration or drops what the new version lacks,
keeps the wires that still fit, says what changed, and is one undoable step."""

import pytest

from tests.frontend.conftest import STEP, demo_definition
from tests.frontend.exporting import export_definition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
V2 = "roboflow_core/roboflow_classification_model@v2"
V3 = "roboflow_core/roboflow_classification_model@v3"


def test_v3_to_v2_drops_what_v2_lacks_keeps_wires_and_undoes_in_one_step(editor, tmp_path):
    page = editor.page
    definition = demo_definition(step=STEP)
    definition["inputs"].append({"type": "WorkflowParameter", "name": "t", "default_value": 0.5})
    definition["steps"][0].update(type=V3, confidence_mode="custom", custom_confidence="$inputs.t")
    editor.goto()
    editor.import_definition(definition)
    editor.node(STEP).click()
    editor.expect_edges(3)
    inspector = page.get_by_role("complementary", name="Inspector")
    inspector.get_by_label("Version").select_option(label="v2")
    editor.wait_text(
        "version-changes",
        "v2 adds confidence; removes confidence_mode, custom_confidence (from v3). "
        'Dropped confidence_mode ("custom"), custom_confidence (its wire from $inputs.t).',
    )
    # The images wire and the output's wire stay; the dropped property's wire goes.
    editor.expect_edges(2)
    editor.shot("switched-to-v2")
    step = export_definition(editor, tmp_path, "v2.json")["steps"][0]
    assert step == {"type": V2, "name": STEP, "images": "$inputs.image", "model_id": "demo-shapes/1"}

    editor.button("Undo").click()
    editor.expect_edges(3)
    assert export_definition(editor, tmp_path, "undone.json") == definition
