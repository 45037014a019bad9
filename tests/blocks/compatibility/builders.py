"""Small block descriptions built for one change each, in Roboflow's BlockDescription shape."""

from __future__ import annotations

from typing import Any

from blocks.selectors import DATA_SELECTOR_PATTERN


def selector(*kinds: str) -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": DATA_SELECTOR_PATTERN,
        "reference": True,
        "selected_element": "any_data",
        "kind": [{"name": kind} for kind in kinds],
        "selector_points_to_batch": "dynamic",
    }


def description(
    identifier: str = "acme/thing@v1",
    *,
    properties: dict[str, Any] | None = None,
    required: tuple[str, ...] = (),
    outputs: tuple[tuple[str, tuple[str, ...]], ...] = (("out", ("string",)),),
    **overrides: Any,
) -> dict[str, Any]:
    return {
        "manifest_type_identifier": identifier,
        "manifest_type_identifier_aliases": [],
        "human_friendly_block_name": "Thing",
        "block_schema": {
            "type": "object",
            "properties": {
                "type": {"const": identifier, "type": "string"},
                "name": {"type": "string"},
                **(properties or {}),
            },
            "required": ["type", "name", *required],
            "block_type": "transformation",
        },
        "outputs_manifest": [{"name": name, "kind": [{"name": k} for k in kinds]} for name, kinds in outputs],
        "input_dimensionality_offsets": {},
        "dimensionality_reference_property": None,
        "output_dimensionality_offset": 0,
        **overrides,
    }


def version(number: int, **kwargs: Any) -> dict[str, Any]:
    return description(f"acme/thing@v{number}", **kwargs)
