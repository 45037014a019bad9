"""The compatible-connection graph, derived from kinds as Roboflow derives it (spec section 3.5).

For every block version: which block versions can feed each selector property (and through which
outputs), and which can consume each output (and through which properties). The rule for the
wildcard is Roboflow's, asymmetric on purpose: a property accepting `*` is fed by every block, but an
output of a specific kind lists only properties that name that kind; properties accepting `*` show up
only under outputs of kind `*`. The compiler's rule (either side `*`, or shared names) is wider: the
graph is what the editor and the docs offer, not what compiles.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from blocks.spec import WILDCARD_KIND, BlockSpec, PropertySpec

# Legacy `workflow_parameter` / `workflow_image` selectors cannot point at step outputs.
STEP_COMPATIBLE_ELEMENTS = frozenset({"step_output", "batch", "any_data"})


@dataclass(frozen=True, slots=True)
class Producer:
    type_identifier: str
    human_name: str
    outputs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Consumer:
    type_identifier: str
    human_name: str
    properties: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BlockConnections:
    """A block's connections. `any_inputs` / `any_outputs` name the properties and outputs that
    connect to everything (the `*` kind): their lists are left empty rather than listing the whole
    catalog, which keeps the graph small; ``expanded`` lists them in full."""

    inputs: Mapping[str, tuple[Producer, ...]]
    outputs: Mapping[str, tuple[Consumer, ...]]
    any_inputs: frozenset[str] = frozenset()
    any_outputs: frozenset[str] = frozenset()

    def as_compact_dict(self, position: Mapping[str, int], memo: dict[int, list[Any]]) -> dict[str, Any]:
        """Edges as `[block index, [names]]`, or `"*"` for everything: compact enough to ship whole.

        ``memo`` maps shared producer and consumer tuples (by identity) to their rendering."""

        def render(edges: tuple[Producer, ...] | tuple[Consumer, ...]) -> list[Any]:
            rendered = memo.get(id(edges))
            if rendered is None:
                rendered = [
                    [position[e.type_identifier], list(e.outputs if isinstance(e, Producer) else e.properties)]
                    for e in edges
                ]
                memo[id(edges)] = rendered
            return rendered

        return {
            "inputs": {
                prop: "*" if prop in self.any_inputs else render(producers) for prop, producers in self.inputs.items()
            },
            "outputs": {
                out: "*" if out in self.any_outputs else render(consumers) for out, consumers in self.outputs.items()
            },
        }


def expanded(connections: BlockConnections, everything: BlockConnectionsIndex) -> dict[str, Any]:
    """Every compatible block spelled out, with human names: the per-block API's shape."""
    inputs = {
        prop: everything.all_producers if prop in connections.any_inputs else producers
        for prop, producers in connections.inputs.items()
    }
    outputs = {
        out: everything.all_consumers if out in connections.any_outputs else consumers
        for out, consumers in connections.outputs.items()
    }
    return {
        "inputs": {
            prop: [
                {"type_identifier": p.type_identifier, "human_name": p.human_name, "outputs": list(p.outputs)}
                for p in producers
            ]
            for prop, producers in inputs.items()
        },
        "outputs": {
            out: [
                {"type_identifier": c.type_identifier, "human_name": c.human_name, "properties": list(c.properties)}
                for c in consumers
            ]
            for out, consumers in outputs.items()
        },
    }


@dataclass(frozen=True, slots=True)
class BlockConnectionsIndex:
    """The graph: per block its connections, plus the `*` lists shared by every wildcard entry."""

    blocks: Mapping[str, BlockConnections]
    all_producers: tuple[Producer, ...]
    all_consumers: tuple[Consumer, ...]

    def as_compact_dict(self) -> dict[str, Any]:
        """`blocks` lists the identifiers; edges refer to blocks by their position in that list."""
        identifiers = list(self.blocks)
        position = {identifier: index for index, identifier in enumerate(identifiers)}
        memo: dict[int, list[Any]] = {}
        return {
            "blocks": identifiers,
            "edges": {
                identifier: connections.as_compact_dict(position, memo)
                for identifier, connections in self.blocks.items()
            },
        }


def kinds_compatible(produced: Iterable[str], accepted: Iterable[str]) -> bool:
    """Whether a value of the `produced` kinds may feed a property accepting the `accepted` kinds:
    the compiler's rule (either side `*`, or a kind both sides name)."""
    produced_set, accepted_set = set(produced), set(accepted)
    return WILDCARD_KIND in produced_set or WILDCARD_KIND in accepted_set or not produced_set.isdisjoint(accepted_set)


def kinds_accepting(kind: str, every_kind: Iterable[str]) -> list[str]:
    """The kinds a property may declare to accept a value of ``kind``: the rule above as data, so the
    editor looks it up instead of writing it again."""
    return [other for other in every_kind if kinds_compatible((kind,), (other,))]


def step_output_kinds(prop: PropertySpec) -> tuple[str, ...]:
    """Kinds of the references that can point at step outputs."""
    seen: dict[str, None] = {}
    for ref in prop.references:
        if ref.selected_element in STEP_COMPATIBLE_ELEMENTS:
            for kind in ref.kinds:
                seen.setdefault(kind, None)
    return tuple(seen)


def build_connections(specs: Sequence[BlockSpec]) -> BlockConnectionsIndex:
    """The graph, keyed by type identifier; linear in blocks x (properties + outputs) x kinds."""
    # kind -> {identifier: [output names]}; every block is reachable under `*` with all its outputs.
    output_index: dict[str, dict[str, list[str]]] = {WILDCARD_KIND: {}}
    # kind -> {identifier: [property names]}; every step-compatible property also under `*`.
    input_index: dict[str, dict[str, list[str]]] = {WILDCARD_KIND: {}}
    names = {spec.type_identifier: spec.human_name for spec in specs}

    for spec in specs:
        output_index[WILDCARD_KIND][spec.type_identifier] = [out.name for out in spec.outputs]
        for out in spec.outputs:
            for kind in out.kinds:
                if kind != WILDCARD_KIND:
                    output_index.setdefault(kind, {}).setdefault(spec.type_identifier, []).append(out.name)
        for prop in spec.selector_properties():
            kinds = step_output_kinds(prop)
            if not kinds:
                continue
            for kind in {*kinds, WILDCARD_KIND}:
                input_index.setdefault(kind, {}).setdefault(spec.type_identifier, []).append(prop.name)

    all_producers = _merge_producers([output_index[WILDCARD_KIND]], names)
    all_consumers = _merge_consumers([input_index[WILDCARD_KIND]], names)
    # Many properties share a kind set (`image` alone is most of them): merge each set once.
    producers_by_kinds: dict[tuple[str, ...], tuple[Producer, ...]] = {}
    consumers_by_kinds: dict[tuple[str, ...], tuple[Consumer, ...]] = {}
    graph: dict[str, BlockConnections] = {}
    for spec in specs:
        inputs: dict[str, tuple[Producer, ...]] = {}
        any_inputs = set()
        for prop in spec.selector_properties():
            kinds = step_output_kinds(prop)
            if not kinds:
                continue
            if WILDCARD_KIND in kinds:
                any_inputs.add(prop.name)
                inputs[prop.name] = ()
            else:
                if kinds not in producers_by_kinds:
                    producers_by_kinds[kinds] = _merge_producers((output_index.get(k, {}) for k in kinds), names)
                inputs[prop.name] = producers_by_kinds[kinds]
        outputs: dict[str, tuple[Consumer, ...]] = {}
        any_outputs = set()
        for out in spec.outputs:
            if WILDCARD_KIND in out.kinds:
                any_outputs.add(out.name)
                outputs[out.name] = ()
            else:
                if out.kinds not in consumers_by_kinds:
                    consumers_by_kinds[out.kinds] = _merge_consumers((input_index.get(k, {}) for k in out.kinds), names)
                outputs[out.name] = consumers_by_kinds[out.kinds]
        graph[spec.type_identifier] = BlockConnections(
            inputs=inputs, outputs=outputs, any_inputs=frozenset(any_inputs), any_outputs=frozenset(any_outputs)
        )
    return BlockConnectionsIndex(blocks=graph, all_producers=all_producers, all_consumers=all_consumers)


def _merge(indexes: Iterable[Mapping[str, list[str]]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for index in indexes:
        for identifier, members in index.items():
            bucket = merged.setdefault(identifier, [])
            bucket.extend(member for member in members if member not in bucket)
    return merged


def _merge_producers(indexes: Iterable[Mapping[str, list[str]]], names: Mapping[str, str]) -> tuple[Producer, ...]:
    merged = _merge(indexes)
    return tuple(Producer(ident, names[ident], tuple(outs)) for ident, outs in sorted(merged.items()))


def _merge_consumers(indexes: Iterable[Mapping[str, list[str]]], names: Mapping[str, str]) -> tuple[Consumer, ...]:
    merged = _merge(indexes)
    return tuple(Consumer(ident, names[ident], tuple(props)) for ident, props in sorted(merged.items()))


def kinds_connections(specs: Sequence[BlockSpec]) -> dict[str, list[dict[str, Any]]]:
    """Roboflow's kind -> accepting properties map; `*` lists every selector property."""
    result: dict[str, list[dict[str, Any]]] = {}
    for spec in specs:
        for prop in spec.selector_properties():
            seen: set[tuple[str, str]] = set()
            for ref in prop.references:
                if ref.selected_element == "step":
                    continue
                for kind in {*ref.kinds, WILDCARD_KIND}:
                    if (kind, ref.selected_element) in seen:
                        continue
                    seen.add((kind, ref.selected_element))
                    result.setdefault(kind, []).append(
                        {
                            "manifest_type_identifier": spec.type_identifier,
                            "property_name": prop.name,
                            "property_description": prop.description,
                            "compatible_element": ref.selected_element,
                            "is_list_element": prop.is_list_element,
                            "is_dict_element": prop.is_dict_element,
                        }
                    )
    return result


def primitives_connections(specs: Sequence[BlockSpec]) -> list[dict[str, Any]]:
    """One entry per property that takes a literal, with a Python-style type annotation."""
    entries = []
    for spec in specs:
        for prop in spec.properties.values():
            if not prop.accepts_literals or prop.takes_step_selector:
                continue
            entries.append(
                {
                    "manifest_type_identifier": spec.type_identifier,
                    "property_name": prop.name,
                    "property_description": prop.description,
                    "type_annotation": type_annotation(prop.schema),
                }
            )
    return entries


_JSON_TO_PYTHON = {"integer": "int", "number": "float", "string": "str", "boolean": "bool"}


def type_annotation(fragment: Mapping[str, Any]) -> str:
    """The literal part of a property's schema as a Python annotation (`float`, `Optional[...]`)."""
    options: list[str] = []
    nullable = False
    for branch in _flatten_branches(fragment):
        if branch.get("reference"):
            continue
        if branch.get("type") == "null":
            nullable = True
            continue
        annotation = _single_annotation(branch)
        if annotation not in options:
            options.append(annotation)
    if not options:
        return "Any"
    if len(options) == 1:
        return options[0]
    options.sort()
    return f"{'Optional' if nullable else 'Union'}[{', '.join(options)}]"


def _flatten_branches(fragment: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    branches = fragment.get("anyOf") or fragment.get("oneOf")
    if not branches:
        return [fragment]
    return [leaf for branch in branches for leaf in _flatten_branches(branch)]


def _single_annotation(branch: Mapping[str, Any]) -> str:
    if "$ref" in branch:
        return str(branch["$ref"]).rsplit("/", 1)[-1]
    json_type = branch.get("type")
    if json_type == "array":
        items = branch.get("items")
        return f"List[{type_annotation(items) if isinstance(items, Mapping) else 'Any'}]"
    if json_type == "object":
        values = branch.get("additionalProperties")
        return f"Dict[str, {type_annotation(values) if isinstance(values, Mapping) else 'Any'}]"
    if isinstance(json_type, str):
        return _JSON_TO_PYTHON.get(json_type, "Any")
    if "enum" in branch or "const" in branch:
        return "str"
    return "Any"
