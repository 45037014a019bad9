"""Running workflows that contain workflows: the outputs of the steps written out, under nested names."""

from executor.compiler import compile_workflow
from executor.engine import run_plan
from tests.executor.nested_builders import inline_equivalent, inner_step, nested, parent_workflow
from tests.executor.test_engine import context, image_of  # noqa: F401 - the fixture is used by name


def without_ids(outputs):
    return [{**o, "predictions": {**o["predictions"], "inference_id": None}} for o in outputs]


def plan_of(definition, catalog):
    result = compile_workflow(definition, catalog)
    assert result.valid, [e.as_dict() for e in result.errors]
    return result.plan


def test_a_run_gives_the_outputs_of_the_same_steps_written_inline(catalog, context):  # noqa: F811
    images = {"image": [image_of("red"), image_of("blue", seed=1), image_of("green", seed=2)]}
    nested_run = run_plan(plan_of(parent_workflow(), catalog), images, context)
    inline_run = run_plan(plan_of(inline_equivalent(), catalog), images, context)
    assert nested_run.succeeded and inline_run.succeeded
    # Every run draws its own inference ids; everything else is the same.
    assert without_ids(nested_run.outputs) == without_ids(inline_run.outputs)
    assert [output["top"] for output in nested_run.outputs] == ["red", "blue", "green"]
    assert set(nested_run.timings) == {"outer/classifier", "outer/top"}


def test_steps_nested_twice_run_and_are_timed_by_their_whole_path(catalog, context):  # noqa: F811
    definition = parent_workflow(
        inner_step(child=nested(1), bindings={"image": "$inputs.image", "model_id": "$inputs.model"}),
        outputs=[{"type": "JsonField", "name": "top", "selector": "$steps.outer.top"}],
    )
    result = run_plan(plan_of(definition, catalog), {"image": image_of("yellow")}, context)
    assert result.outputs == [{"top": "yellow"}]
    assert set(result.timings) == {"outer/level1/classifier", "outer/level1/top"}


def test_a_failing_nested_step_is_named_by_its_path(catalog, context):  # noqa: F811
    result = run_plan(plan_of(parent_workflow(), catalog), {"image": image_of("red"), "model": "ghost/1"}, context)
    assert [(error.step, error.code) for error in result.errors] == [("outer/classifier", "no_model")]
    assert result.outputs == [{"top": None, "predictions": None}]
