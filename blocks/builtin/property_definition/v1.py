"""Property definition v1."""

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from blocks.errors import ErrorCode
from blocks.kinds import WILDCARD_KIND
from blocks.manifest import BlockDefinition, BlockManifest, OutputDefinition, Selector, block_config
from blocks.query_language.evaluation import QueryLanguageError, apply_operations
from blocks.query_language.operations import Operation
from blocks.runtime import BlockRunContext, BlockRunError


class Manifest(BlockManifest):
    model_config = block_config(
        name="Property Definition",
        version="v1",
        short_description="Derive a value from data with a chain of operations.",
        long_description=(
            "Applies a sequence of query-language operations to the referenced data, such as reading "
            "the top class of a classification, rounding a number or changing the case of a string, "
            "and exposes the result as the `output`."
        ),
        block_type="formatter",
        search_keywords=(
            "property",
            "field",
            "number",
            "count",
            "classes",
            "confidences",
            "labels",
            "coordinates",
        ),
        ui_manifest={"section": "advanced", "icon": "fal fa-gear-code", "blockPriority": 0, "popular": True},
    )

    type: Literal["roboflow_core/property_definition@v1", "PropertyDefinition", "PropertyExtraction"]
    data: Selector(WILDCARD_KIND) = Field(
        title="Data",
        description="The value to operate on.",
        examples=["$steps.classifier.predictions"],
    )
    operations: list[Operation] = Field(
        title="Operations",
        description="Operations applied in order; each receives the previous one's result.",
        examples=[[{"type": "ClassificationPropertyExtract", "property_name": "top_class"}]],
    )


def run(values: Mapping[str, Any], context: BlockRunContext) -> dict[str, Any]:
    try:
        return {"output": apply_operations(values["data"], values["operations"])}
    except QueryLanguageError as exc:
        raise BlockRunError(f"Step `{context.step_name}`: {exc}.", code=ErrorCode.OPERATION_FAILED) from exc


DEFINITION = BlockDefinition(manifest=Manifest, outputs=(OutputDefinition("output", (WILDCARD_KIND,)),), run=run)
