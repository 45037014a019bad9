"""A built-in block version as a Roboflow ``BlockDescription`` dict (spec section 4).

Built-in and imported versions then travel through the registry in the same shape.
"""

from __future__ import annotations

from typing import Any

from blocks.manifest import BlockDefinition, manifest_json_schema

BLOCK_SOURCE = "blockwise_core"
EXECUTION_ENGINE_COMPATIBILITY = ">=1.3.0,<2.0.0"


def describe_block(definition: BlockDefinition) -> dict[str, Any]:
    manifest = definition.manifest
    schema = manifest_json_schema(manifest)
    return {
        "block_schema": schema,
        "outputs_manifest": [output.as_dict() for output in definition.outputs],
        "block_source": BLOCK_SOURCE,
        "fully_qualified_block_class_name": f"{manifest.__module__}.{manifest.__qualname__}",
        "human_friendly_block_name": schema.get("name", ""),
        "manifest_type_identifier": definition.type_identifier,
        "manifest_type_identifier_aliases": list(definition.aliases),
        "execution_engine_compatibility": EXECUTION_ENGINE_COMPATIBILITY,
        "restrictions": [],
        "input_dimensionality_offsets": dict(definition.input_dimensionality_offsets),
        "dimensionality_reference_property": definition.dimensionality_reference_property,
        "output_dimensionality_offset": definition.output_dimensionality_offset,
    }
