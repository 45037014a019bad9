"""The compiler's steps stage (executor/compiler/steps.py): block types, their versions and required properties."""

from blocks.spec import CatalogSnapshot
from executor.compiler import compile_workflow
from tests.executor.conftest import (
    CLASSIFIER,
    classification_workflow,
    issues,
)


def test_image_alias_and_identifier_alias_are_accepted(catalog):
    definition = classification_workflow(type="ClassificationModel", images=None, image="$inputs.image")
    definition["outputs"] = definition["outputs"][:1]
    result = compile_workflow(definition, catalog)
    assert result.valid, result.errors
    assert result.plan.steps["classifier"].type_identifier == "roboflow_core/roboflow_classification_model@v1"


def test_unknown_block_type_suggests_a_few_close_ones(catalog):
    result = compile_workflow(classification_workflow(type="roboflow_core/roboflow_clasification_model@v2"), catalog)
    [error] = result.errors
    assert (error.code, error.pointer, error.step, error.property) == (
        "unknown_block_type",
        "/steps/0/type",
        "classifier",
        "type",
    )
    assert error.suggestions[0] == CLASSIFIER
    assert len(error.suggestions) <= 5


def test_missing_properties(catalog):
    result = compile_workflow(classification_workflow(images=None, model_id=None), catalog)
    assert issues(result) == [
        {
            "code": "missing_property",
            "pointer": "/steps/0/images",
            "step": "classifier",
            "property": "images",
            "selector": None,
        },
        {
            "code": "missing_property",
            "pointer": "/steps/0/model_id",
            "step": "classifier",
            "property": "model_id",
            "selector": None,
        },
    ]


def test_disabled_version_is_named_with_its_replacement(catalog):
    import dataclasses

    specs = dict(catalog.blocks)
    disabled = dataclasses.replace(specs.pop(CLASSIFIER), state="disabled")
    v3 = "roboflow_core/roboflow_classification_model@v3"
    specs[v3] = dataclasses.replace(specs[v3], is_default=True)
    without_v2 = CatalogSnapshot.build(list(specs.values()), version="v2-disabled", disabled=[disabled])
    result = compile_workflow(classification_workflow(), without_v2)
    assert [issue.as_dict() for issue in result.errors] == [
        {
            "code": "disabled_block",
            "message": f"Step `classifier` uses {CLASSIFIER}, which is disabled. Use {v3} instead.",
            "pointer": "/steps/0/type",
            "step": "classifier",
            "property": "type",
            "selector": None,
            "suggestions": [],
            "replacement": v3,
        }
    ]
    # The step's inputs are used: no warning says otherwise.
    assert result.warnings == ()
    # A declared replacement wins over the family's default.
    pointed = dataclasses.replace(disabled, replacement="roboflow_core/roboflow_classification_model@v1")
    declared = CatalogSnapshot.build(list(specs.values()), version="v2-pointed", disabled=[pointed])
    [error] = compile_workflow(classification_workflow(), declared).errors
    assert error.details == {"replacement": "roboflow_core/roboflow_classification_model@v1"}
