"""Every property has an editor that fits it: Continue If built by clicking (its gated steps as wires,
its named references as rows, its condition as a builder with JSON beside it), and the schema-driven
fields (enums, bounds, booleans, none, descriptions and examples)."""

import json

import pytest
from playwright.sync_api import expect

from tests.frontend.conftest import STEP, demo_definition
from tests.frontend.exporting import export_definition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONTINUE_IF = "roboflow_core/continue_if@v1"
GRAYSCALE = "roboflow_core/convert_grayscale@v1"


def inspector(page):
    return page.get_by_role("complementary", name="Inspector")


def test_continue_if_is_built_by_clicking_and_exports_what_runs(editor, tmp_path):
    page = editor.page
    editor.goto()
    editor.import_definition(demo_definition(step=STEP))
    editor.node(STEP).wait_for()
    editor.add_block(CONTINUE_IF, 700, 200)
    editor.node("continue_if").wait_for()
    editor.add_block(GRAYSCALE, 1100, 200)
    editor.node("convert_grayscale").wait_for()
    editor.wire("handle-out-image-value", "handle-in-convert_grayscale-image")
    # The gated step: a wire from the Continue If's flow output to the step's flow handle.
    editor.wire("handle-out-continue_if-next_steps", "handle-flow-convert_grayscale")
    editor.expect_edges(4)

    editor.node("continue_if").click()
    side = inspector(page)
    gated = side.get_by_role("list", name="next_steps list")
    expect(gated.get_by_role("listitem").locator("span")).to_have_text(["convert_grayscale"])
    expect(gated.get_by_role("button", name="Remove convert_grayscale")).to_have_count(1)
    params = side.get_by_role("group", name="evaluation_parameters")
    params.get_by_role("button", name="Add").click()
    params.get_by_label("Name").fill("colour")
    params.get_by_label("Name").press("Enter")
    params.get_by_label("Source").select_option(label=f"$steps.{STEP}.predictions")
    editor.expect_edges(5)
    # The named source is a wire into its own handle on the node.
    expect(page.get_by_test_id("handle-in-continue_if-evaluation_parameters.colour")).to_have_count(1)
    editor.shot("parameters")

    side.get_by_role("button", name="Add condition").click()
    condition = side.get_by_role("group", name="Condition 1")
    condition.get_by_label("Left name").select_option("colour")
    condition.get_by_role("button", name="Add operation").click()
    condition.get_by_label("Left operation 1", exact=True).select_option("ClassificationPropertyExtract")
    condition.get_by_label("property_name").select_option("top_class")
    condition.get_by_label("Comparator").select_option("==")
    condition.get_by_label("Right value").fill("blue")
    condition.get_by_label("Right value").press("Tab")
    editor.wait_status("valid")
    editor.shot("condition")

    definition = export_definition(editor, tmp_path)
    gate = next(s for s in definition["steps"] if s["name"] == "continue_if")
    assert gate == {
        "type": CONTINUE_IF,
        "name": "continue_if",
        "evaluation_parameters": {"colour": f"$steps.{STEP}.predictions"},
        "next_steps": ["$steps.convert_grayscale"],
        "condition_statement": {
            "type": "StatementGroup",
            "operator": "or",
            "statements": [
                {
                    "type": "BinaryStatement",
                    "left_operand": {
                        "type": "DynamicOperand",
                        "operand_name": "colour",
                        "operations": [{"type": "ClassificationPropertyExtract", "property_name": "top_class"}],
                    },
                    "comparator": {"type": "=="},
                    "right_operand": {"type": "StaticOperand", "value": "blue"},
                }
            ],
        },
    }

    # The JSON view beside the builder shows the same value and edits it: the builder follows.
    json_view = side.get_by_label("condition_statement as JSON")
    assert json.loads(json_view.input_value()) == gate["condition_statement"]
    changed = {**gate["condition_statement"], "operator": "and"}
    json_view.fill(json.dumps(changed))
    json_view.press("Tab")
    expect(side.get_by_label("Combine with")).to_have_value("and")
    assert (
        next(s for s in export_definition(editor, tmp_path, "2.json")["steps"] if s["name"] == "continue_if")[
            "condition_statement"
        ]
        == changed
    )


def test_an_imported_continue_if_draws_its_references_and_keeps_its_map(editor, tmp_path):
    page = editor.page
    definition = demo_definition(step=STEP)
    definition["inputs"].append({"type": "WorkflowParameter", "name": "wanted", "default_value": "blue"})
    definition["steps"] += [
        {
            "type": CONTINUE_IF,
            "name": "gate",
            "condition_statement": {"type": "StatementGroup", "statements": []},
            "evaluation_parameters": {"left": f"$steps.{STEP}.predictions", "wanted": "$inputs.wanted"},
            "next_steps": ["$steps.grey"],
        },
        {"type": GRAYSCALE, "name": "grey", "image": "$inputs.image"},
    ]
    editor.goto()
    editor.import_definition(definition)
    editor.node("gate").wait_for()
    # image->classifier, classifier->output, two named references, one gated step, image->grey.
    editor.expect_edges(6)
    editor.node("gate").click()
    params = inspector(page).get_by_role("group", name="evaluation_parameters")
    expect(params.get_by_label("Name")).to_have_count(2)
    assert [n.input_value() for n in params.get_by_label("Name").all()] == ["left", "wanted"]
    params.get_by_role("button", name="Add").click()
    params.get_by_label("Name").nth(2).fill("picture")
    params.get_by_label("Name").nth(2).press("Enter")
    params.get_by_label("Source").nth(2).select_option(label="$inputs.image")
    editor.expect_edges(7)
    editor.shot("imported-map")
    exported = next(s for s in export_definition(editor, tmp_path)["steps"] if s["name"] == "gate")
    assert exported["evaluation_parameters"] == {
        "left": f"$steps.{STEP}.predictions",
        "wanted": "$inputs.wanted",
        "picture": "$inputs.image",
    }
    assert exported["next_steps"] == ["$steps.grey"]


def test_fields_follow_the_schema_with_descriptions_examples_bounds_and_none(editor, tmp_path):
    page = editor.page
    definition = demo_definition(step=STEP)
    definition["steps"][0]["type"] = "roboflow_core/roboflow_classification_model@v3"
    editor.goto()
    editor.import_definition(definition)
    editor.node(STEP).click()
    side = inspector(page)
    mode = side.get_by_label("confidence_mode", exact=True)
    assert mode.evaluate("el => el.tagName") == "SELECT"
    assert mode.locator("option").all_inner_texts() == ["default", "custom"]
    mode.select_option("custom")
    custom = side.get_by_label("custom_confidence", exact=True)
    assert (custom.get_attribute("type"), custom.get_attribute("min"), custom.get_attribute("max")) == (
        "number",
        "0",
        "1",
    )
    expect(side.get_by_test_id("bounds-custom_confidence")).to_have_text("0 \u2013 1")
    custom.fill("0.65")
    toggle = side.get_by_label("disable_active_learning", exact=True)
    assert toggle.get_attribute("type") == "checkbox"
    toggle.uncheck()
    side.get_by_label("active_learning_target_dataset: none").check()
    expect(side.get_by_label("active_learning_target_dataset", exact=True)).to_have_count(0)
    field = side.locator(".field").filter(has=page.get_by_label("model_id", exact=True))
    expect(field.locator(".description")).to_have_text(
        "The model to run: a Roboflow `project/version` or a local model's id."
    )
    expect(field.locator(".examples")).to_have_text("e.g. my_project/3")
    editor.shot("schema-fields")
    step = export_definition(editor, tmp_path)["steps"][0]
    assert {
        k: step[k]
        for k in ("confidence_mode", "custom_confidence", "disable_active_learning", "active_learning_target_dataset")
    } == {
        "confidence_mode": "custom",
        "custom_confidence": 0.65,
        "disable_active_learning": False,
        "active_learning_target_dataset": None,
    }


def test_an_unknown_block_draws_its_wires_and_stays_editable_as_json(editor, tmp_path):
    from tests.conformance.seeds import detect_crop_classify

    page = editor.page
    definition = detect_crop_classify()
    editor.goto()
    editor.import_definition(definition)
    editor.node("detector").wait_for()
    # Every selector is a wire, the unknown blocks' included.
    editor.expect_edges(9)
    editor.node("detector").click()
    side = inspector(page)
    expect(side.get_by_test_id("unknown-block-reason")).to_be_visible()
    step = side.get_by_label("Step as JSON")
    assert json.loads(step.input_value()) == definition["steps"][0]
    step.fill(json.dumps({**definition["steps"][0], "model_id": "animals/2", "confidence": 0.6}))
    side.get_by_role("button", name="Apply JSON").click()
    editor.expect_edges(9)
    editor.shot("unknown-block")
    exported = export_definition(editor, tmp_path)
    definition["steps"][0].update(model_id="animals/2", confidence=0.6)
    assert exported == definition
