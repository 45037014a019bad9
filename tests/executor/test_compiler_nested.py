"""Inner workflows in the compiler: expansion, names, composition errors located inside children."""

import copy

from blocks.errors import ErrorCode
from executor.compiler import CompilerConfig, compile_workflow, definition_hash
from tests.executor.conftest import top_class_step
from tests.executor.nested_builders import (
    SavedWorkflows,
    child_workflow,
    inline_equivalent,
    inner_step,
    nested,
    parent_workflow,
)


def errors_of(result):
    return [(e.code, e.pointer, e.step) for e in result.errors]


def test_an_inline_child_expands_into_steps_named_outer_slash_inner(catalog):
    result = compile_workflow(parent_workflow(), catalog)
    assert result.valid, [e.as_dict() for e in result.errors]
    plan = result.plan
    assert list(plan.steps) == ["outer/classifier", "outer/top"]
    assert plan.layers == (("outer/classifier",), ("outer/top",))
    assert [(o.name, o.selector.name, o.selector.output) for o in plan.outputs] == [
        ("top", "outer/top", "output"),
        ("predictions", "outer/classifier", "predictions"),
    ]
    classifier = plan.steps["outer/classifier"]
    assert {(b.property, b.selector.raw) for b in classifier.bindings} == {
        ("images", "$inputs.image"),
        ("model_id", "$inputs.model"),
    }
    # The unbound `confidence` takes the child's default.
    assert classifier.literals["confidence"] == 0.4
    assert plan.steps["outer/top"].data_predecessors == frozenset({"outer/classifier"})
    assert plan.lockfile()["outer"]["type_identifier"] == "roboflow_core/inner_workflow@v1"


def test_the_plan_is_the_inline_plan_under_other_names(catalog):
    nested_plan = compile_workflow(parent_workflow(), catalog).plan
    inline_plan = compile_workflow(inline_equivalent(), catalog).plan
    assert [tuple(n.split("/")[-1] for n in layer) for layer in nested_plan.layers] == list(inline_plan.layers)
    for name, step in inline_plan.steps.items():
        mine = nested_plan.steps[f"outer/{name}"]
        assert dict(mine.literals) == dict(step.literals)
        assert mine.dimensionality == step.dimensionality


def test_the_plan_is_named_by_the_definition_as_written(catalog):
    parent = parent_workflow()
    assert compile_workflow(parent, catalog).plan.definition_hash == definition_hash(parent)
    given = compile_workflow(parent, catalog, digest="given").plan
    assert given.definition_hash == "given"


GRAY = {"type": "roboflow_core/convert_grayscale@v1", "name": "gray", "image": "$inputs.image"}


def test_a_parent_step_reads_child_outputs_and_a_child_reads_parent_steps(catalog):
    definition = parent_workflow(
        GRAY,
        inner_step(child=child_workflow(), bindings={"image": "$steps.gray.image", "model_id": "$inputs.model"}),
        top_class_step("after", "$steps.outer.predictions"),
        outputs=[{"type": "JsonField", "name": "top", "selector": "$steps.after.output"}],
    )
    plan = compile_workflow(definition, catalog).plan
    assert set(plan.steps) == {"gray", "outer/classifier", "outer/top", "after"}
    assert plan.steps["outer/classifier"].data_predecessors == frozenset({"gray"})
    assert plan.steps["after"].data_predecessors == frozenset({"outer/classifier"})
    assert plan.layers == (("gray",), ("outer/classifier",), ("outer/top", "after"))


def test_a_binding_whose_kinds_do_not_fit_is_reported_at_the_binding(catalog):
    definition = parent_workflow(
        inner_step(child=child_workflow()),
        inner_step(
            "again", child_workflow(), bindings={"image": "$steps.outer.predictions", "model_id": "$inputs.model"}
        ),
        outputs=[],
    )
    result = compile_workflow(definition, catalog)
    # `images` takes images, not classifications.
    assert errors_of(result) == [
        (ErrorCode.BINDING_KIND_MISMATCH, "/steps/1/parameter_bindings/image", "again/classifier")
    ]
    assert result.errors[0].details["child_pointer"] == "/steps/1/workflow_definition/steps/0/images"
    assert result.errors[0].selector == "$steps.outer/classifier.predictions"


def test_a_child_by_reference_resolves_through_the_given_resolver(catalog):
    saved = SavedWorkflows({"7": child_workflow()})
    step = inner_step(workflow_workspace_id="acme", workflow_id="7", workflow_version_id="3")
    result = compile_workflow(parent_workflow(step), catalog, children=saved)
    assert result.valid, [e.as_dict() for e in result.errors]
    assert saved.asked == [("outer", "3")]
    assert result.plan.lockfile()["outer"]["workflow"] == {"workspace": "acme", "id": "7", "revision": 3}


def test_children_nest_and_their_steps_name_the_whole_path(catalog):
    definition = parent_workflow(
        inner_step(child=nested(2), bindings={"image": "$inputs.image", "model_id": "$inputs.model"}),
        outputs=[{"type": "JsonField", "name": "top", "selector": "$steps.outer.top"}],
    )
    result = compile_workflow(definition, catalog)
    assert result.valid, [e.as_dict() for e in result.errors]
    assert list(result.plan.steps) == ["outer/level1/level2/classifier", "outer/level1/level2/top"]


def test_nesting_deeper_than_the_limit_is_refused_where_it_happens(catalog):
    definition = parent_workflow(
        inner_step(child=nested(4), bindings={"image": "$inputs.image", "model_id": "$inputs.model"}),
        outputs=[{"type": "JsonField", "name": "top", "selector": "$steps.outer.top"}],
    )
    deepest = "/steps/0" + "/workflow_definition/steps/0" * 4
    assert errors_of(compile_workflow(definition, catalog)) == [(ErrorCode.INNER_WORKFLOW_TOO_DEEP, deepest, "level4")]
    assert compile_workflow(definition, catalog, CompilerConfig(max_nesting_depth=5)).valid


def test_binding_mistakes_are_each_reported_at_the_binding(catalog):
    step = inner_step(child=child_workflow(), bindings={"image": "$inputs.image", "modelid": "$inputs.model"})
    result = compile_workflow(parent_workflow(step), catalog)
    assert errors_of(result) == [
        (ErrorCode.UNKNOWN_CHILD_INPUT, "/steps/0/parameter_bindings/modelid", "outer"),
        (ErrorCode.UNBOUND_CHILD_INPUT, "/steps/0/parameter_bindings", "outer"),
    ]
    assert result.errors[1].details == {"input": "model_id", "child_pointer": "/steps/0/workflow_definition/inputs/1"}


def test_an_output_the_child_does_not_have(catalog):
    definition = parent_workflow(inner_step(child=child_workflow()), top_class_step("after", "$steps.outer.nope"))
    result = compile_workflow(definition, catalog)
    assert errors_of(result) == [(ErrorCode.UNKNOWN_OUTPUT, "/steps/1/data", "after")]
    assert result.errors[0].selector == "$steps.outer.nope"


def test_a_problem_inside_the_child_points_into_it(catalog):
    result = compile_workflow(parent_workflow(inner_step(child=child_workflow(confidence=1.5))), catalog)
    assert errors_of(result) == [
        (ErrorCode.INVALID_VALUE, "/steps/0/workflow_definition/steps/0/confidence", "outer/classifier")
    ]
    child = child_workflow()
    del child["outputs"]
    result = compile_workflow(parent_workflow(inner_step(child=child)), catalog)
    assert errors_of(result) == [(ErrorCode.MISSING_FIELD, "/steps/0/workflow_definition/outputs", None)]


def test_a_saved_child_that_is_missing_or_unreadable(catalog):
    step = inner_step(workflow_workspace_id="acme", workflow_id="8")
    result = compile_workflow(parent_workflow(step), catalog, children=SavedWorkflows())
    assert errors_of(result) == [(ErrorCode.INNER_WORKFLOW_NOT_FOUND, "/steps/0/workflow_id", "outer")]
    # Without a resolver no reference resolves; the parent's references to the step are not reported twice.
    assert errors_of(compile_workflow(parent_workflow(step), catalog)) == errors_of(result)


def test_a_child_that_uses_itself_directly_or_through_others(catalog):
    def referring(to):
        step = inner_step(workflow_workspace_id="acme", workflow_id=to, bindings={"image": "$inputs.image"})
        return {
            "version": "1.0",
            "inputs": [{"type": "WorkflowImage", "name": "image"}],
            "steps": [step],
            "outputs": [{"type": "JsonField", "name": "top", "selector": "$steps.outer.top"}],
        }

    saved = SavedWorkflows({"1": referring("2"), "2": referring("1")}, root_key="workflow:1")
    result = compile_workflow(referring("2"), catalog, children=saved)
    at = "/steps/0/workflow_definition/steps/0/workflow_id"
    assert errors_of(result) == [(ErrorCode.INNER_WORKFLOW_CYCLE, at, "outer")]
    assert result.errors[0].details["cycle"] == ["workflow:1", "workflow:2", "workflow:1"]
    itself = SavedWorkflows({"1": referring("1")}, root_key="workflow:1")
    result = compile_workflow(referring("1"), catalog, children=itself)
    assert errors_of(result) == [(ErrorCode.INNER_WORKFLOW_CYCLE, "/steps/0/workflow_id", "outer")]


def test_both_sources_neither_and_remote_dispatch_are_refused(catalog):
    both = inner_step(child=child_workflow(), workflow_workspace_id="acme", workflow_id="7")
    neither = inner_step(workflow_definition={})
    remote = inner_step(child=child_workflow(), execution_mode="remote_dispatch")
    for step, code, at in (
        (both, ErrorCode.INNER_WORKFLOW_TWO_SOURCES, "/steps/0"),
        (neither, ErrorCode.INNER_WORKFLOW_NO_SOURCE, "/steps/0"),
        (remote, ErrorCode.INNER_WORKFLOW_REMOTE_DISPATCH, "/steps/0/execution_mode"),
    ):
        assert errors_of(compile_workflow(parent_workflow(step), catalog)) == [(code, at, "outer")]


def test_too_many_inner_workflows(catalog):
    steps = [inner_step(f"s{n}", child_workflow()) for n in range(3)]
    result = compile_workflow(parent_workflow(*steps, outputs=[]), catalog, CompilerConfig(max_inner_workflows=2))
    assert errors_of(result) == [(ErrorCode.INNER_WORKFLOW_TOO_MANY, "/steps/2", "s2")]


def test_the_definition_is_not_changed(catalog):
    definition = parent_workflow()
    before = copy.deepcopy(definition)
    compile_workflow(definition, catalog)
    assert definition == before
