"""The evaluation gate's query parameters, shared by the routes that change a workflow (upgrade,
restore, save): `?evaluate_on=DATASET[&output=predictions][&max_accuracy_drop=1][&require=evaluation]`.

Without `evaluate_on` or `require` nothing is evaluated and the route behaves as before. `require`
alone gates on the dataset (and output) of the workflow's latest evaluation, and refuses with 409
when the workflow has never been evaluated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from blocks.errors import ConflictError, ErrorCode
from registry.api.schema import ID_MAX
from registry.models import Workflow
from registry.selectors.datasets import dataset_get
from registry.selectors.evaluations import evaluation_latest
from registry.services.evaluation_gate import GateRequest, gate_check


class GateQuerySerializer(serializers.Serializer[Any]):
    evaluate_on = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=ID_MAX,
        help_text="check the change against this dataset first (default with `require`: the latest evaluation's)",
    )
    output = serializers.CharField(
        required=False, max_length=200, help_text="the workflow output holding the class (`predictions`)"
    )
    max_accuracy_drop = serializers.FloatField(
        required=False, min_value=0, max_value=100, default=1.0, help_text="accuracy points the change may lose"
    )
    require = serializers.ChoiceField(
        required=False, choices=["evaluation"], help_text="refuse (409) a change that fails the gate"
    )


GATE_PARAMETERS = [GateQuerySerializer]


def _gate_request(request: Request, workflow: Workflow) -> GateRequest | None:
    query = GateQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    values = query.validated_data
    required = values.get("require") == "evaluation"
    if "evaluate_on" in values:
        dataset = dataset_get(user=request.user, dataset_id=values["evaluate_on"])
        output = values.get("output", "predictions")
    elif required:
        latest = evaluation_latest(user=request.user, workflow=workflow)
        if latest is None:
            raise ConflictError(
                f"Workflow {workflow.pk} has no evaluation to gate on: name a dataset with `evaluate_on`.",
                code=ErrorCode.NO_EVALUATION,
            )
        dataset, output = latest.dataset, values.get("output", latest.output)
    else:
        return None
    return GateRequest(dataset=dataset, output=output, max_accuracy_drop=values["max_accuracy_drop"], require=required)


def gate_from_query(request: Request, *, workflow: Workflow, candidate: Callable[[], Any]) -> dict[str, Any] | None:
    """The gate's answer for the proposed definition (`candidate()`, worked out only when the query asks
    for a gate); a 409 if it fails and the query requires it."""
    gate = _gate_request(request, workflow)
    if gate is None:
        return None
    return gate_check(user=request.user, workflow=workflow, candidate=candidate(), request=gate)  # type: ignore[arg-type]
