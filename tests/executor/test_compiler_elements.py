"""The compiler and the connection graph share one rule for which references a step output may feed."""

from typing import Any

from blocks.spec import BlockSpec, CatalogSnapshot
from executor.compiler import compile_workflow
from tests.blocks.compatibility.builders import description, selector


def _catalog(element: str) -> CatalogSnapshot:
    reference = {**selector("string"), "selected_element": element}
    producer = description("acme/producer@v1", outputs=(("out", ("string",)),))
    consumer = description("acme/consumer@v1", properties={"data": reference}, required=("data",))
    specs = [BlockSpec.from_description(d) for d in (producer, consumer)]
    return CatalogSnapshot.build(specs, version=f"elements-{element}")


def _definition() -> dict[str, Any]:
    return {
        "version": "1.0",
        "inputs": [],
        "steps": [
            {"type": "acme/producer@v1", "name": "make"},
            {"type": "acme/consumer@v1", "name": "use", "data": "$steps.make.out"},
        ],
        "outputs": [{"type": "JsonField", "name": "result", "selector": "$steps.use.out"}],
    }


def test_a_batch_reference_takes_a_step_output_as_roboflow_connects_it() -> None:
    result = compile_workflow(_definition(), _catalog("batch"))

    assert [issue.code for issue in result.errors] == []


def test_a_parameter_reference_still_refuses_a_step_output() -> None:
    result = compile_workflow(_definition(), _catalog("workflow_parameter"))

    assert [(issue.code, issue.pointer) for issue in result.errors] == [("invalid_selector", "/steps/1/data")]
