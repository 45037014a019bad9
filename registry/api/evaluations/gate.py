"""The evaluation gate's query parameters, shared by the routes that change a workflow (upgrade,
restore, save): `?evaluate_on=DATASET[&output=predictions][&max_accuracy_drop=1][&require=evaluation]`.

Without `evaluate_on` nothing is evaluated and the route behaves as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request

from registry.api.schema import ID_MAX
from registry.models import Workflow
from registry.selectors.datasets import dataset_get
from registry.services.evaluation_gate import GateRequest, gate_check


class GateQuerySerializer(serializers.Serializer[Any]):
    evaluate_on = serializers.IntegerField(
        required=False, min_value=1, max_value=ID_MAX, help_text="check the change against this dataset first"
    )
    output = serializers.CharField(
        required=False, max_length=200, default="predictions", help_text="the workflow output holding the class"
    )
    max_accuracy_drop = serializers.FloatField(
        required=False, min_value=0, max_value=100, default=1.0, help_text="accuracy points the change may lose"
    )
    require = serializers.ChoiceField(
        required=False, choices=["evaluation"], help_text="refuse (409) a change that fails the gate"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("require") and "evaluate_on" not in attrs:
            raise serializers.ValidationError({"evaluate_on": "`require=evaluation` needs a dataset to evaluate on."})
        return attrs


GATE_PARAMETERS = [GateQuerySerializer]


def gate_from_query(request: Request, *, workflow: Workflow, candidate: Callable[[], Any]) -> dict[str, Any] | None:
    """The gate's answer for the proposed definition (`candidate()`, worked out only when the query asks
    for a gate); a 409 if it fails and the query requires it."""
    query = GateQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    values = query.validated_data
    if "evaluate_on" not in values:
        return None
    gate = GateRequest(
        dataset=dataset_get(user=request.user, dataset_id=values["evaluate_on"]),
        output=values["output"],
        max_accuracy_drop=values["max_accuracy_drop"],
        require=values.get("require") == "evaluation",
    )
    return gate_check(user=request.user, workflow=workflow, candidate=candidate(), request=gate)  # type: ignore[arg-type]
