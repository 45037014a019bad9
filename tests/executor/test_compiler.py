"""The compiler as a whole: a valid plan, every problem in one pass, warnings and the cache. Each
stage's own codes are pinned in test_compiler_parse, _steps, _literals and _wiring."""

from blocks.spec import CatalogSnapshot
from executor.compiler import compile_workflow
from tests.executor.conftest import (
    CLASSIFIER,
    classification_workflow,
    with_steps,
)


def test_valid_definition_compiles_to_a_plan(catalog):
    result = compile_workflow(classification_workflow(), catalog)
    assert result.valid
    assert result.errors == ()
    plan = result.plan
    assert plan.layers == (("classifier",),)
    step = plan.steps["classifier"]
    assert step.type_identifier == CLASSIFIER
    assert dict(step.literals) == {"disable_active_learning": True, "active_learning_target_dataset": None}
    assert [(b.property, b.selector.raw) for b in step.bindings] == [
        ("images", "$inputs.image"),
        ("model_id", "$inputs.model_id"),
        ("confidence", "$inputs.confidence"),
    ]
    assert step.dimensionality == 1
    assert [o.name for o in plan.outputs] == ["predictions", "model"]
    assert plan.lockfile() == {"classifier": {"type_identifier": CLASSIFIER, "content_hash": ""}}


def test_every_independent_problem_in_one_pass(catalog):
    bad_second = {"type": "nope", "name": "x"}
    definition = with_steps(classification_workflow(confidence=3, model_id="$inputs.mdl"), bad_second)
    definition["outputs"].append({"type": "JsonField", "name": "y", "selector": "$steps.classifier.nothing"})
    codes = sorted(e.code for e in compile_workflow(definition, catalog).errors)
    assert codes == ["invalid_value", "unknown_block_type", "unknown_input", "unknown_output"]


def test_warnings(catalog):
    deprecated = {s.type_identifier: s for s in catalog.blocks.values()}
    import dataclasses

    specs = dict(deprecated)
    specs[CLASSIFIER] = dataclasses.replace(
        specs[CLASSIFIER],
        state="deprecated",
        deprecation_message="v2 is old.",
        replacement="roboflow_core/roboflow_classification_model@v3",
        executable=True,
    )
    modified = CatalogSnapshot.build(list(specs.values()), version="deprecated-v2")
    definition = classification_workflow()
    definition["inputs"].append({"type": "WorkflowParameter", "name": "unused"})
    result = compile_workflow(definition, modified)
    assert result.valid
    assert [(w.code, w.pointer) for w in result.warnings] == [
        ("deprecated_block", "/steps/0/type"),
        ("unused_input", "/inputs/3"),
    ]
    assert result.warnings[0].message == (
        "Step `classifier`: v2 is old. Use roboflow_core/roboflow_classification_model@v3 instead."
    )
    imported = compile_workflow(
        with_steps(
            classification_workflow(),
            {
                "type": "roboflow_core/google_gemini@v1",
                "name": "g",
                "images": "$inputs.image",
                "prompt": "hi",
                "api_key": "k",
            },
        ),
        catalog,
    )
    assert ("not_executable", "g") in [(w.code, w.step) for w in imported.warnings]
