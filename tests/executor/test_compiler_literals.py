"""The compiler's literal checks (executor/compiler/literals.py): values written in the definition,
against the manifests."""

from executor.compiler import compile_workflow
from tests.executor.conftest import (
    classification_workflow,
    top_class_step,
    with_steps,
)


def test_invalid_literal_values(catalog):
    result = compile_workflow(
        classification_workflow(confidence=1.5, images="image.jpg", disable_active_learning="yes"), catalog
    )
    by_property = {e.property: e for e in result.errors}
    assert set(by_property) == {"confidence", "images", "disable_active_learning"}
    assert by_property["confidence"].code == "invalid_value"
    assert by_property["confidence"].message == "`confidence` of step `classifier` must be less than or equal to 1.0."
    assert by_property["images"].code == "invalid_value"
    assert by_property["images"].message == "`images` of step `classifier` must be a selector."
    assert by_property["disable_active_learning"].pointer == "/steps/0/disable_active_learning"


def test_v3_confidence_mode_enum(catalog):
    definition = classification_workflow(
        type="roboflow_core/roboflow_classification_model@v3", confidence=None, confidence_mode="best"
    )
    [error] = compile_workflow(definition, catalog).errors
    assert (error.code, error.property) == ("invalid_value", "confidence_mode")
    assert error.message == "`confidence_mode` of step `classifier` must be one of 'default', 'custom'."


def test_query_language_operations_are_checked(catalog):
    step = top_class_step("top", "$steps.classifier.predictions")
    step["operations"] = [{"type": "DetectionsFilter"}]
    [error] = compile_workflow(with_steps(classification_workflow(), step), catalog).errors
    assert (error.code, error.pointer, error.property) == ("invalid_value", "/steps/1/operations", "operations")
    assert "unknown `type` 'DetectionsFilter'" in error.message
