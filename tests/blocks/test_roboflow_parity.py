"""Our built-in manifests equal Roboflow 1.8.3's for the same identifier, fact by fact."""

from typing import Any

import pytest

from blocks.catalog import BUILTIN_BLOCKS, builtin_descriptions
from blocks.spec import BlockSpec

QUERY_LANGUAGE_PROPERTIES = {"operations", "condition_statement"}
FACT_KEYS = (
    "type",
    "enum",
    "const",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "gt",
    "minItems",
)


def _roboflow_entry(payload: dict[str, Any], identifier: str) -> dict[str, Any]:
    return next(b for b in payload["blocks"] if b["manifest_type_identifier"] == identifier)


def _facts(fragment: Any) -> Any:
    """The checkable facts of a schema fragment: types, bounds, enums and selector kinds."""
    if isinstance(fragment, list):
        return sorted((_facts(item) for item in fragment), key=repr)
    if not isinstance(fragment, dict):
        return fragment
    facts: dict[str, Any] = {key: fragment[key] for key in FACT_KEYS if key in fragment}
    if "enum" in facts:
        facts["enum"] = sorted(facts["enum"])
    if fragment.get("reference"):
        facts["reference"] = {
            "selected_element": fragment.get("selected_element"),
            "kinds": sorted(k["name"] for k in fragment.get("kind", [])),
            "points_to_batch": fragment.get("selector_points_to_batch"),
            "pattern": fragment.get("pattern"),
        }
    for key in ("anyOf", "oneOf", "items", "additionalProperties"):
        if key in fragment and not isinstance(fragment[key], bool):
            facts[key] = _facts(fragment[key])
    if "default" in fragment:
        facts["default"] = fragment["default"]
    return facts


@pytest.mark.parametrize("description", builtin_descriptions(), ids=lambda d: d["manifest_type_identifier"])
def test_manifest_matches_roboflow(description, roboflow_describe):
    theirs = _roboflow_entry(roboflow_describe, description["manifest_type_identifier"])
    ours_schema, their_schema = description["block_schema"], theirs["block_schema"]

    assert list(ours_schema["properties"]) == list(their_schema["properties"])
    assert ours_schema["required"] == their_schema["required"]
    for name, fragment in ours_schema["properties"].items():
        if name in QUERY_LANGUAGE_PROPERTIES or name == "name":
            continue
        assert _facts(fragment) == _facts(their_schema["properties"][name]), name

    assert description["manifest_type_identifier_aliases"] == theirs["manifest_type_identifier_aliases"]
    assert description["human_friendly_block_name"] == theirs["human_friendly_block_name"]
    assert ours_schema["block_type"] == their_schema["block_type"]
    assert ours_schema.get("version") == their_schema.get("version")
    assert [(o["name"], [k["name"] for k in o["kind"]]) for o in description["outputs_manifest"]] == [
        (o["name"], [k["name"] for k in o["kind"]]) for o in theirs["outputs_manifest"]
    ]
    for key in (
        "input_dimensionality_offsets",
        "dimensionality_reference_property",
        "output_dimensionality_offset",
    ):
        assert description[key] == theirs[key], key


@pytest.mark.parametrize("identifier", ["roboflow_core/property_definition@v1", "roboflow_core/continue_if@v1"])
def test_query_language_is_a_subset_with_roboflow_fields(identifier, roboflow_describe):
    ours = next(d for d in builtin_descriptions() if d["manifest_type_identifier"] == identifier)
    their_defs = _roboflow_entry(roboflow_describe, identifier)["block_schema"]["$defs"]
    for name, definition in ours["block_schema"]["$defs"].items():
        assert name in their_defs, name
        assert set(definition.get("properties", {})) == set(their_defs[name].get("properties", {})), name
        assert definition.get("required") == their_defs[name].get("required"), name
        assert _facts(definition.get("properties", {}).get("type")) == _facts(
            their_defs[name].get("properties", {}).get("type")
        ), name


def test_descriptions_are_our_own(roboflow_describe):
    for description in builtin_descriptions():
        theirs = _roboflow_entry(roboflow_describe, description["manifest_type_identifier"])["block_schema"]
        for key in ("short_description", "long_description"):
            assert description["block_schema"][key].strip() != theirs[key].strip()
        for name, fragment in description["block_schema"]["properties"].items():
            their_text = theirs["properties"][name].get("description")
            if their_text is not None:
                assert fragment.get("description") != their_text, name


def test_specs_round_trip_selector_properties():
    for definition, description in zip(BUILTIN_BLOCKS, builtin_descriptions(), strict=True):
        spec = BlockSpec.from_description(description)
        assert spec.type_identifier == definition.type_identifier
        assert [o.name for o in spec.outputs] == [o.name for o in definition.outputs]
        for prop in spec.selector_properties():
            assert prop.references, prop.name
