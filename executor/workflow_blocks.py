"""Saved workflows as block versions: the manifest a workflow's interface gives, and the export that
turns steps of such blocks back into Roboflow's inner workflow steps.

The block's interface is the workflow's: each image input an image property of the same name, each
parameter a property with its kinds and default (optional when the default is not null, as an inner
workflow's bindings are), each batch input a required selector, each output an output with the kinds
of what it selects. Its implementation is the revision it was published from, carried in the
description under `blockwise_workflow`; the compiler inlines it (`executor.compiler.nesting`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from blocks.selectors import DATA_SELECTOR_PATTERN
from blocks.spec import CatalogSnapshot
from executor.compiler.nesting import INNER_WORKFLOW_TYPE, PARAMETER_TYPES, WORKFLOW_SOURCE_KEY, workflow_source
from executor.plan import ExecutionPlan, Selector

BLOCK_TYPE = "workflow"


def _selector(kinds: tuple[str, ...]) -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": DATA_SELECTOR_PATTERN,
        "reference": True,
        "selected_element": "any_data",
        "kind": [{"name": kind} for kind in kinds],
        "selector_points_to_batch": "dynamic",
    }


def _property(item: Mapping[str, Any], kinds: tuple[str, ...]) -> dict[str, Any]:
    name = item["name"]
    if item.get("type") in PARAMETER_TYPES:
        prop: dict[str, Any] = {
            "title": name,
            "description": f"The workflow's parameter `{name}`: a value, or a selector of one.",
            "anyOf": [_selector(kinds), {}],
        }
        if item.get("default_value") is not None:
            prop["default"] = item["default_value"]
        return prop
    return {"title": name, "description": f"The workflow's input `{name}`.", **_selector(kinds)}


def _output_kinds(selector: Selector, plan: ExecutionPlan) -> tuple[str, ...]:
    if selector.source == "input":
        return next((item.kinds for item in plan.inputs if item.name == selector.name), ("*",))
    step = plan.steps.get(selector.name)
    output = step.spec.output(selector.output or "") if step is not None and not selector.is_wildcard else None
    return output.kinds if output is not None else ("*",)


def workflow_block_description(
    *,
    identifier: str,
    human_name: str,
    summary: str,
    definition: Mapping[str, Any],
    plan: ExecutionPlan,
    source: Mapping[str, Any],
) -> dict[str, Any]:
    """A Roboflow BlockDescription for a valid workflow's revision (`source` says which one)."""
    kinds = {item.name: item.kinds for item in plan.inputs}
    properties: dict[str, Any] = {
        "type": {"const": identifier, "title": "Type", "type": "string"},
        "name": {
            "title": "Step Name",
            "description": "A name for this step, unique in the workflow.",
            "type": "string",
        },
    }
    required = ["type", "name"]
    for item in definition.get("inputs") or []:
        properties[item["name"]] = _property(item, kinds.get(item["name"], ("*",)))
        if item.get("type") not in PARAMETER_TYPES or item.get("default_value") is None:
            required.append(item["name"])
    outputs = [
        {"name": out.name, "kind": [{"name": kind} for kind in _output_kinds(out.selector, plan)]}
        for out in plan.outputs
    ]
    version = identifier.rsplit("@", 1)[-1]
    return {
        "manifest_type_identifier": identifier,
        "manifest_type_identifier_aliases": [],
        "human_friendly_block_name": human_name,
        "block_schema": {
            "type": "object",
            "title": "BlockManifest",
            "name": human_name,
            "version": version,
            "short_description": summary,
            "long_description": f"{summary}\n\nA saved workflow published as a block: a step of it runs the "
            f"workflow's revision {source.get('revision')} with the step's properties as the workflow's inputs.",
            "block_type": BLOCK_TYPE,
            "properties": properties,
            "required": required,
        },
        "outputs_manifest": outputs,
        "block_source": BLOCK_TYPE,
        "execution_engine_compatibility": None,
        "restrictions": [],
        "input_dimensionality_offsets": {},
        "dimensionality_reference_property": None,
        "output_dimensionality_offset": 0,
        WORKFLOW_SOURCE_KEY: dict(source),
    }


def export_definition(definition: Mapping[str, Any], catalog: CatalogSnapshot) -> dict[str, Any]:
    """The definition as Roboflow runs it: each step of a workflow block becomes an inner workflow
    step with the block's pinned revision inline (exported the same way) and its properties as bindings."""
    steps = definition.get("steps")
    if not isinstance(steps, list):
        return dict(definition)
    exported = []
    for step in steps:
        spec = (
            catalog.resolve(step["type"]) if isinstance(step, Mapping) and isinstance(step.get("type"), str) else None
        )
        source = workflow_source(spec) if spec is not None else None
        if source is None:
            child = step.get("workflow_definition") if isinstance(step, Mapping) else None
            inline = step.get("type") == INNER_WORKFLOW_TYPE and isinstance(child, Mapping)
            exported.append({**step, "workflow_definition": export_definition(child, catalog)} if inline else step)  # type: ignore[arg-type]
            continue
        exported.append(
            {
                "type": INNER_WORKFLOW_TYPE,
                "name": step.get("name"),
                "workflow_definition": export_definition(source["definition"], catalog),
                "parameter_bindings": {key: value for key, value in step.items() if key not in ("type", "name")},
            }
        )
    return {**definition, "steps": exported}
