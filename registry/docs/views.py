"""A documentation page per block version, generated from its manifest and the connection graph.

Sections follow the block docs people know: description, type identifier, properties with the Refs
column, available connections, input and output bindings with kinds, and an example step.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from blocks.connections import expanded, type_annotation
from blocks.errors import NotFoundError
from blocks.spec import BlockSpec
from registry.selectors.catalog import block_version_get, block_versions_of_family, published_snapshot


def _example_value(fragment: Any) -> Any:
    examples = fragment.get("examples") if isinstance(fragment, dict) else None
    if examples:
        return examples[0]
    return fragment.get("default") if isinstance(fragment, dict) else None


def _example_step(spec: BlockSpec) -> str:
    step: dict[str, Any] = {"name": "<your_step_name_here>", "type": spec.type_identifier}
    for prop in spec.properties.values():
        if prop.name == "name":
            continue
        value = _example_value(prop.schema)
        if value is not None:
            step[prop.name] = value
    return json.dumps(step, indent=4)


def _connected_names(identifier: str) -> tuple[list[str], list[str]]:
    snapshot = published_snapshot()
    connections = snapshot.graph.blocks.get(identifier) if snapshot else None
    if snapshot is None or connections is None:
        return [], []
    entry = expanded(connections, snapshot.graph)
    inputs = sorted({p["human_name"] for producers in entry["inputs"].values() for p in producers})
    outputs = sorted({c["human_name"] for consumers in entry["outputs"].values() for c in consumers})
    return inputs, outputs


def block_docs(request: HttpRequest, type_identifier: str) -> HttpResponse:
    try:
        row = block_version_get(type_identifier)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    spec = BlockSpec.from_description(row.description)
    inputs, outputs = _connected_names(spec.type_identifier)
    properties = [
        {
            "name": prop.name,
            "type": type_annotation(prop.schema),
            "description": prop.description,
            "refs": prop.takes_reference,
        }
        for prop in spec.properties.values()
        if prop.accepts_literals and not prop.takes_step_selector
    ]
    kind_descriptions = {
        kind["name"]: kind.get("description", "") for out in row.outputs for kind in out.get("kind", [])
    }
    context = {
        "row": row,
        "spec": spec,
        "versions": block_versions_of_family(row),
        "properties": properties,
        "input_bindings": [
            {"name": p.name, "kinds": p.kinds, "description": p.description}
            for p in spec.selector_properties()
            if p.takes_reference
        ],
        "output_bindings": [
            {
                "name": out.name,
                "kinds": out.kinds,
                "description": "; ".join(kind_descriptions.get(kind, "") for kind in out.kinds),
            }
            for out in spec.outputs
        ],
        "connected_inputs": inputs,
        "connected_outputs": outputs,
        "example": _example_step(spec),
    }
    return render(request, "registry/docs/block.html", context)
