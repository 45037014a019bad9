"""Generated messy definitions never crash the compiler; every issue is coded and located."""

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from executor.compiler import compile_workflow
from tests.executor.conftest import CLASSIFIER, PROPERTY_DEFINITION

names = st.one_of(st.text(max_size=12), st.sampled_from(["image", "classifier", "a", "b", "ünï", "$x", "a.b"]))
selectors = st.one_of(
    st.sampled_from(["$inputs.image", "$steps.a.output", "$steps.a", "$steps.a.*", "$steps.b.predictions", "$", "$$"]),
    names.map(lambda n: f"$inputs.{n}"),
    names.map(lambda n: f"$steps.{n}.output"),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20))
json_values = st.recursive(
    st.one_of(scalars, selectors),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)
steps = st.fixed_dictionaries(
    {
        "type": st.one_of(st.sampled_from([CLASSIFIER, PROPERTY_DEFINITION, "roboflow_core/continue_if@v1"]), names),
        "name": st.one_of(names, st.none()),
    },
    optional={
        "images": st.one_of(selectors, json_values),
        "model_id": json_values,
        "confidence": json_values,
        "data": st.one_of(selectors, json_values),
        "operations": json_values,
        "next_steps": json_values,
        "evaluation_parameters": json_values,
        "condition_statement": json_values,
    },
)
definitions = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "version": st.one_of(st.sampled_from(["1.0", "1", "2.0", "abc"]), json_values),
            "inputs": st.one_of(
                st.lists(
                    st.fixed_dictionaries(
                        {
                            "type": st.sampled_from(["WorkflowImage", "WorkflowParameter", "WorkflowBatchInput", "X"]),
                            "name": names,
                        },
                        optional={"kind": json_values, "dimensionality": json_values},
                    ),
                    max_size=4,
                ),
                json_values,
            ),
            "steps": st.one_of(st.lists(steps, max_size=5), json_values),
            "outputs": st.one_of(
                st.lists(
                    st.fixed_dictionaries({"type": st.just("JsonField"), "name": names, "selector": selectors}),
                    max_size=3,
                ),
                json_values,
            ),
        },
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(definition=definitions)
def test_compiler_never_crashes(catalog, definition: Any) -> None:
    result = compile_workflow(definition, catalog)
    for issue in (*result.errors, *result.warnings):
        assert issue.code
        assert isinstance(issue.pointer, str)
        assert issue.pointer == "" or issue.pointer.startswith("/")
        json.dumps(issue.as_dict())
    assert result.valid == (result.plan is not None)


def test_deep_nesting_and_huge_strings(catalog) -> None:
    deep: Any = "x"
    for _ in range(200):
        deep = [deep]
    huge = "é" * 200_000
    definition = {
        "version": "1.0",
        "inputs": [{"type": "WorkflowImage", "name": huge}],
        "steps": [{"type": huge, "name": "s", "images": deep}],
        "outputs": [],
    }
    result = compile_workflow(definition, catalog)
    assert [e.code for e in result.errors] == ["unknown_block_type"]
