"""The built-in catalog: every block version that ships with Blockwise and runs here."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel

from blocks.builtin.absolute_static_crop import v1 as absolute_static_crop_v1
from blocks.builtin.classification import v1 as classification_v1
from blocks.builtin.classification import v2 as classification_v2
from blocks.builtin.classification import v3 as classification_v3
from blocks.builtin.continue_if import v1 as continue_if_v1
from blocks.builtin.convert_grayscale import v1 as convert_grayscale_v1
from blocks.builtin.image_preprocessing import v1 as image_preprocessing_v1
from blocks.builtin.inner_workflow import v1 as inner_workflow_v1
from blocks.builtin.property_definition import v1 as property_definition_v1
from blocks.builtin.relative_static_crop import v1 as relative_static_crop_v1
from blocks.describe import describe_block
from blocks.manifest import BlockDefinition
from blocks.query_language.operations import OPERATION_MODELS
from blocks.query_language.statements import BINARY_OPERATOR_MODELS, UNARY_OPERATOR_MODELS
from blocks.spec import BlockSpec

BUILTIN_BLOCKS: tuple[BlockDefinition, ...] = (
    classification_v1.DEFINITION,
    classification_v2.DEFINITION,
    classification_v3.DEFINITION,
    property_definition_v1.DEFINITION,
    continue_if_v1.DEFINITION,
    image_preprocessing_v1.DEFINITION,
    absolute_static_crop_v1.DEFINITION,
    relative_static_crop_v1.DEFINITION,
    convert_grayscale_v1.DEFINITION,
    inner_workflow_v1.DEFINITION,
)

BUILTIN_BY_IDENTIFIER: dict[str, BlockDefinition] = {
    definition.type_identifier: definition for definition in BUILTIN_BLOCKS
}


@cache
def builtin_descriptions() -> tuple[dict[str, Any], ...]:
    return tuple(describe_block(definition) for definition in BUILTIN_BLOCKS)


@cache
def builtin_specs() -> tuple[BlockSpec, ...]:
    return tuple(
        BlockSpec.from_description(
            description,
            batch_properties=definition.batch_properties,
            executable=definition.run is not None,
            source="builtin",
        )
        for definition, description in zip(BUILTIN_BLOCKS, builtin_descriptions(), strict=True)
    )


def _literal_values(model: type[BaseModel]) -> list[str]:
    return [str(value) for value in getattr(model.model_fields["type"].annotation, "__args__", ())]


def _kind_names(extra: dict[str, Any], key: str) -> list[str]:
    return [kind["name"] for kind in extra.get(key, [])]


@cache
def query_language_description() -> dict[str, Any]:
    """The query-language subset we support, in the payload shape Roboflow's describe uses."""
    operations = []
    for model in OPERATION_MODELS:
        extra: dict[str, Any] = model.model_config.get("json_schema_extra") or {}  # type: ignore[assignment]
        property_options = None
        if "property_name" in model.model_fields:
            property_options = [str(v) for v in getattr(model.model_fields["property_name"].annotation, "__args__", ())]
        operations.append(
            {
                "operation_type": _literal_values(model)[0],
                "compound": False,
                "input_kind": _kind_names(extra, "input_kind"),
                "output_kind": _kind_names(extra, "output_kind"),
                "nested_operation_input_kind": None,
                "nested_operation_output_kind": None,
                "description": extra.get("description"),
                "property_name_options": property_options,
            }
        )
    operators = []
    for model in (*BINARY_OPERATOR_MODELS, *UNARY_OPERATOR_MODELS):
        extra = model.model_config.get("json_schema_extra") or {}  # type: ignore[assignment]
        for operator_type in _literal_values(model):
            operators.append(
                {
                    "operator_type": operator_type,
                    "operands_number": extra["operands_number"],
                    "operands_kinds": [[k["name"] for k in kinds] for kinds in extra["operands_kinds"]],
                    "description": extra.get("description"),
                }
            )
    return {"operations_description": operations, "operators_descriptions": operators}
