"""The connection graph and Roboflow's describe maps, computed from the 1.8.3 catalog itself."""

import pytest

from blocks.catalog import builtin_specs
from blocks.connections import build_connections, expanded, kinds_connections, primitives_connections, type_annotation
from blocks.spec import BlockSpec

CLASSIFIER = "roboflow_core/roboflow_classification_model@v2"
PROPERTY_DEFINITION = "roboflow_core/property_definition@v1"
GRAYSCALE = "roboflow_core/convert_grayscale@v1"


@pytest.fixture(scope="module")
def roboflow_specs(roboflow_describe):
    return [BlockSpec.from_description(b) for b in roboflow_describe["blocks"]]


def _entries(mapping):
    return {
        kind: {
            (
                e["manifest_type_identifier"],
                e["property_name"],
                e["compatible_element"],
                e["is_list_element"],
                e["is_dict_element"],
            )
            for e in entries
        }
        for kind, entries in mapping.items()
    }


def test_kinds_connections_equal_roboflows(roboflow_describe, roboflow_specs):
    assert _entries(kinds_connections(roboflow_specs)) == _entries(roboflow_describe["kinds_connections"])


def test_primitive_properties_equal_roboflows(roboflow_describe, roboflow_specs):
    ours = {(e["manifest_type_identifier"], e["property_name"]) for e in primitives_connections(roboflow_specs)}
    theirs = {(e["manifest_type_identifier"], e["property_name"]) for e in roboflow_describe["primitives_connections"]}
    assert ours == theirs


def test_simple_annotations_match_roboflows(roboflow_describe, roboflow_specs):
    ours = {
        (e["manifest_type_identifier"], e["property_name"]): e["type_annotation"]
        for e in primitives_connections(roboflow_specs)
    }
    for entry in roboflow_describe["primitives_connections"]:
        if entry["type_annotation"] in {"str", "int", "float", "bool", "List[str]"}:
            assert ours[(entry["manifest_type_identifier"], entry["property_name"])] == entry["type_annotation"]


def test_image_input_is_fed_only_by_blocks_with_image_outputs(roboflow_specs):
    graph = build_connections(roboflow_specs)
    producers = {p.type_identifier: p.outputs for p in graph.blocks[CLASSIFIER].inputs["images"]}
    assert producers["roboflow_core/convert_grayscale@v1"] == ("image",)
    assert producers["roboflow_core/absolute_static_crop@v1"] == ("crops",)
    assert "roboflow_core/roboflow_classification_model@v1" not in producers
    # Every producer really declares an image output.
    specs = {s.type_identifier: s for s in roboflow_specs}
    for identifier, outputs in producers.items():
        for output in outputs:
            assert "image" in specs[identifier].output(output).kinds


def test_wildcard_is_asymmetric(roboflow_specs):
    graph = build_connections(roboflow_specs)
    # property_definition.data accepts `*`: every block feeds it, the grayscale block included...
    assert graph.blocks[PROPERTY_DEFINITION].any_inputs == {"data"}
    feeding = expanded(graph.blocks[PROPERTY_DEFINITION], graph)["inputs"]["data"]
    assert {p["type_identifier"] for p in feeding} == {s.type_identifier for s in roboflow_specs}
    grayscale = next(p for p in feeding if p["type_identifier"] == GRAYSCALE)
    assert grayscale["outputs"] == ["image"]
    # ...but the grayscale output does not list it, since `*` properties appear only under `*` outputs.
    consumers = {c.type_identifier for c in graph.blocks[GRAYSCALE].outputs["image"]}
    assert PROPERTY_DEFINITION not in consumers
    assert CLASSIFIER in consumers
    # property_definition's `*` output is consumed by every block with a data selector.
    assert graph.blocks[PROPERTY_DEFINITION].any_outputs == {"output"}
    wildcard = expanded(graph.blocks[PROPERTY_DEFINITION], graph)["outputs"]["output"]
    classifier = next(c for c in wildcard if c["type_identifier"] == CLASSIFIER)
    assert classifier["properties"] == [
        "images",
        "model_id",
        "confidence",
        "disable_active_learning",
        "active_learning_target_dataset",
    ]


def test_classification_predictions_feed_property_definition_only_via_wildcard(roboflow_specs):
    graph = build_connections(roboflow_specs)
    consumers = {c.type_identifier: c.properties for c in graph.blocks[CLASSIFIER].outputs["predictions"]}
    assert PROPERTY_DEFINITION not in consumers
    assert all(identifier != CLASSIFIER for identifier in consumers)


def test_builtin_graph_links_the_builtins():
    graph = build_connections(builtin_specs())
    producers = {p.type_identifier for p in graph.blocks[CLASSIFIER].inputs["images"]}
    assert producers == {
        "roboflow_core/image_preprocessing@v1",
        "roboflow_core/absolute_static_crop@v1",
        "roboflow_core/relative_statoic_crop@v1",
        "roboflow_core/convert_grayscale@v1",
    }


@pytest.mark.parametrize(
    ("fragment", "expected"),
    [
        ({"type": "string"}, "str"),
        ({"anyOf": [{"type": "number"}, {"reference": True, "type": "string"}]}, "float"),
        ({"anyOf": [{"type": "string"}, {"type": "null"}]}, "str"),
        (
            {"anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}, {"type": "null"}]},
            "Optional[List[str], str]",
        ),
        ({"anyOf": [{"type": "integer"}, {"type": "number"}]}, "Union[float, int]"),
        ({"type": "object", "additionalProperties": {"type": "string"}}, "Dict[str, str]"),
        ({"$ref": "#/$defs/StatementGroup"}, "StatementGroup"),
    ],
)
def test_type_annotation(fragment, expected):
    assert type_annotation(fragment) == expected
