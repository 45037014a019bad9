"""The semantic diff: every change code on a pair built for it, in both directions, and facts read
from Roboflow 1.8.3's catalog."""

import itertools
from collections import Counter, defaultdict
from typing import Any

import pytest

from blocks.catalog import builtin_descriptions
from blocks.compatibility.diff import diff_descriptions
from blocks.validation import family_and_version
from tests.blocks.compatibility.builders import selector, version

B, F = "backward", "forward"
P = "/block_schema/properties"


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    return [(c.code.value, c.pointer, list(c.breaks)) for c in diff_descriptions(old, new)]


NUMBER = {"type": "number"}

# (case, A's properties, B's properties, A -> B, B -> A); each A and B also has the output `out`.
PROPERTY_CASES = [
    (
        "optional property",
        {},
        {"threshold": {"type": "number", "default": 0.5}},
        [("PROPERTY_ADDED_OPTIONAL", f"{P}/threshold", [F])],
        [("PROPERTY_REMOVED", f"{P}/threshold", [B])],
    ),
    (
        "property made required",
        {"model": {"type": "string"}},
        {"model": {"type": "string"}, "!required": ["model"]},
        [("PROPERTY_MADE_REQUIRED", f"{P}/model", [B])],
        [("PROPERTY_MADE_OPTIONAL", f"{P}/model", [F])],
    ),
    (
        "type changed both ways",
        {"size": {"type": "integer"}},
        {"size": {"type": "string"}},
        [("PROPERTY_TYPE_CHANGED", f"{P}/size", [B, F])],
        [("PROPERTY_TYPE_CHANGED", f"{P}/size", [B, F])],
    ),
    (
        "type widened from integer to number",
        {"size": {"type": "integer"}},
        {"size": NUMBER},
        [("PROPERTY_TYPE_CHANGED", f"{P}/size", [F])],
        [("PROPERTY_TYPE_CHANGED", f"{P}/size", [B])],
    ),
    (
        "enum value added",
        {"mode": {"type": "string", "enum": ["fast", "exact"]}},
        {"mode": {"type": "string", "enum": ["fast", "exact", "auto"]}},
        [("ENUM_VALUES_ADDED", f"{P}/mode/enum", [F])],
        [("ENUM_VALUES_REMOVED", f"{P}/mode/enum", [B])],
    ),
    (
        "minimum raised",
        {"t": {"type": "number", "minimum": 0, "maximum": 1}},
        {"t": {"type": "number", "minimum": 0.2, "maximum": 1}},
        [("RANGE_NARROWED", f"{P}/t/minimum", [B])],
        [("RANGE_WIDENED", f"{P}/t/minimum", [F])],
    ),
    (
        "maximum made exclusive",
        {"t": {"anyOf": [{"type": "number", "maximum": 1}, selector("float")]}},
        {"t": {"anyOf": [{"type": "number", "exclusiveMaximum": 1}, selector("float")]}},
        [("RANGE_NARROWED", f"{P}/t/anyOf/0/exclusiveMaximum", [B])],
        [("RANGE_WIDENED", f"{P}/t/anyOf/0/maximum", [F])],
    ),
    (
        "default changed",
        {"t": {"type": "number", "default": 0.4}},
        {"t": {"type": "number", "default": 0.5}},
        [("DEFAULT_CHANGED", f"{P}/t/default", [])],
        [("DEFAULT_CHANGED", f"{P}/t/default", [])],
    ),
    (
        "input kind added",
        {"image": selector("image")},
        {"image": selector("image", "numpy_array")},
        [("INPUT_KINDS_ADDED", f"{P}/image/kind", [F])],
        [("INPUT_KINDS_REMOVED", f"{P}/image/kind", [B])],
    ),
    (
        "input kinds widened to any",
        {"data": selector("string")},
        {"data": selector("*")},
        [("INPUT_KINDS_ADDED", f"{P}/data/kind", [F])],
        [("INPUT_KINDS_REMOVED", f"{P}/data/kind", [B])],
    ),
    (
        "reference added",
        {"t": NUMBER},
        {"t": {"anyOf": [NUMBER, selector("float")]}},
        [("REFERENCE_ADDED", f"{P}/t/anyOf/1", [F])],
        [("REFERENCE_REMOVED", f"{P}/t/anyOf/1", [B])],
    ),
]


def _split(properties: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...]]:
    properties = dict(properties)
    required = tuple(properties.pop("!required", ()))
    return properties, required


@pytest.mark.parametrize(("case", "a", "b", "forward", "backward"), PROPERTY_CASES, ids=[c[0] for c in PROPERTY_CASES])
def test_property_changes_in_both_directions(case, a, b, forward, backward):
    a_props, a_required = _split(a)
    b_props, b_required = _split(b)
    old = version(1, properties=a_props, required=a_required)
    new = version(2, properties=b_props, required=b_required)
    assert changes(old, new) == forward
    assert changes(new, old) == backward


def test_required_property_added_and_removed():
    old = version(1)
    new = version(2, properties={"model": {"type": "string"}}, required=("model",))
    assert changes(old, new) == [("PROPERTY_ADDED_REQUIRED", f"{P}/model", [B, F])]
    assert changes(new, old) == [("PROPERTY_REMOVED", f"{P}/model", [B, F])]


def test_enum_that_appears_narrows_the_property():
    old = version(1, properties={"mode": {"type": "string"}})
    new = version(2, properties={"mode": {"type": "string", "enum": ["a"]}})
    assert changes(old, new) == [("ENUM_VALUES_REMOVED", f"{P}/mode/enum", [B])]
    assert changes(new, old) == [("ENUM_VALUES_ADDED", f"{P}/mode/enum", [F])]


@pytest.mark.parametrize(
    ("a", "b", "forward", "backward"),
    [
        (
            (("out", ("string",)),),
            (("out", ("string",)), ("extra", ("integer",))),
            [("OUTPUT_ADDED", "/outputs_manifest/1", [F])],
            [("OUTPUT_REMOVED", "/outputs_manifest/1", [B])],
        ),
        (
            (("out", ("string",)),),
            (("out", ("inference_id",)),),
            [("OUTPUT_KINDS_CHANGED", "/outputs_manifest/0/kind", [B, F])],
            [("OUTPUT_KINDS_CHANGED", "/outputs_manifest/0/kind", [B, F])],
        ),
        (
            (("out", ("string",)),),
            (("out", ("string", "integer")),),
            [("OUTPUT_KINDS_CHANGED", "/outputs_manifest/0/kind", [F])],
            [("OUTPUT_KINDS_CHANGED", "/outputs_manifest/0/kind", [B])],
        ),
        (
            (("out", ("string",)),),
            (("out", ("*",)),),
            [("OUTPUT_KINDS_CHANGED", "/outputs_manifest/0/kind", [F])],
            [("OUTPUT_KINDS_CHANGED", "/outputs_manifest/0/kind", [B])],
        ),
    ],
    ids=["output added", "output kind replaced", "output kind added", "output kind wildcard"],
)
def test_output_changes_in_both_directions(a, b, forward, backward):
    old, new = version(1, outputs=a), version(2, outputs=b)
    assert changes(old, new) == forward
    assert changes(new, old) == backward


def test_dimensionality_changed_both_ways():
    old, new = version(1), version(2, output_dimensionality_offset=1)
    expected = [("DIMENSIONALITY_CHANGED", "/output_dimensionality_offset", [B, F])]
    assert changes(old, new) == expected
    assert changes(new, old) == expected


def test_identical_versions_and_reworded_ones_have_no_changes():
    old = version(1, properties={"t": {"type": "number", "title": "T", "description": "old words"}})
    new = version(2, properties={"t": {"type": "number", "title": "Threshold", "description": "new words"}})
    assert changes(old, old) == []
    assert changes(old, new) == []


def test_pointers_escape_property_names():
    old, new = version(1), version(2, properties={"a/b~c": NUMBER})
    assert changes(old, new) == [("PROPERTY_ADDED_OPTIONAL", f"{P}/a~1b~0c", [F])]


def test_messages_are_plain_sentences():
    old = version(1, properties={"t": {"type": "number", "minimum": 0}})
    new = version(2, properties={"t": {"type": "number", "minimum": 0.5}})
    assert [c.as_dict() for c in diff_descriptions(old, new)] == [
        {
            "code": "RANGE_NARROWED",
            "pointer": f"{P}/t/minimum",
            "message": "The minimum of `t` changed from 0 to 0.5.",
            "breaks": [B],
        }
    ]


# Facts read from the two descriptions in Roboflow 1.8.3's catalog.


def _blocks(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["manifest_type_identifier"]: b for b in payload["blocks"]}


def test_classification_v2_to_v3_replaces_confidence(roboflow_describe):
    blocks = _blocks(roboflow_describe)
    v2 = blocks["roboflow_core/roboflow_classification_model@v2"]
    v3 = blocks["roboflow_core/roboflow_classification_model@v3"]
    assert changes(v2, v3) == [
        ("PROPERTY_REMOVED", f"{P}/confidence", [B]),
        ("PROPERTY_ADDED_OPTIONAL", f"{P}/confidence_mode", [F]),
        ("PROPERTY_ADDED_OPTIONAL", f"{P}/custom_confidence", [F]),
    ]


def test_classification_v1_to_v2_gives_inference_id_its_kind(roboflow_describe):
    blocks = _blocks(roboflow_describe)
    assert changes(
        blocks["roboflow_core/roboflow_classification_model@v1"],
        blocks["roboflow_core/roboflow_classification_model@v2"],
    ) == [
        ("OUTPUT_KINDS_CHANGED", "/outputs_manifest/1/kind", [B, F]),
        ("OUTPUT_ADDED", "/outputs_manifest/2", [F]),
    ]


def test_sift_comparison_ratio_threshold_selector_kind(roboflow_describe):
    blocks = _blocks(roboflow_describe)
    found = changes(blocks["roboflow_core/sift_comparison@v1"], blocks["roboflow_core/sift_comparison@v2"])
    ratio = [c for c in found if c[1].startswith(f"{P}/ratio_threshold")]
    assert ratio == [
        ("INPUT_KINDS_REMOVED", f"{P}/ratio_threshold/anyOf/1/kind", [B]),
        ("INPUT_KINDS_ADDED", f"{P}/ratio_threshold/anyOf/1/kind", [F]),
    ]


def test_morphological_transformation_adds_an_operation_and_changes_default(roboflow_describe):
    blocks = _blocks(roboflow_describe)
    assert changes(
        blocks["roboflow_core/morphological_transformation@v1"],
        blocks["roboflow_core/morphological_transformation@v2"],
    ) == [
        ("ENUM_VALUES_ADDED", f"{P}/operation/anyOf/1/enum", [F]),
        ("DEFAULT_CHANGED", f"{P}/operation/default", []),
    ]


def test_qwen_max_tokens_becomes_nullable_keeping_its_bound(roboflow_describe):
    blocks = _blocks(roboflow_describe)
    found = changes(blocks["roboflow_core/qwen_vlm@v1"], blocks["roboflow_core/qwen_vlm@v2"])
    assert [c for c in found if c[1].startswith(f"{P}/max_tokens")] == [
        ("PROPERTY_TYPE_CHANGED", f"{P}/max_tokens/anyOf/0", [F]),
        ("DEFAULT_CHANGED", f"{P}/max_tokens/default", []),
    ]


def test_our_classification_v3_differs_from_v2_as_roboflows_does(roboflow_describe):
    ours = {d["manifest_type_identifier"]: d for d in builtin_descriptions()}
    theirs = _blocks(roboflow_describe)
    for old, new in (("v1", "v2"), ("v2", "v3")):
        family = "roboflow_core/roboflow_classification_model@"
        assert changes(ours[family + old], ours[family + new]) == changes(theirs[family + old], theirs[family + new])


# A change and its mirror (the same fact seen from the other version) share a group.
GROUP = {
    "PROPERTY_ADDED_OPTIONAL": "presence",
    "PROPERTY_ADDED_REQUIRED": "presence",
    "PROPERTY_REMOVED": "presence",
    "PROPERTY_MADE_REQUIRED": "required",
    "PROPERTY_MADE_OPTIONAL": "required",
    "ENUM_VALUES_ADDED": "enum",
    "ENUM_VALUES_REMOVED": "enum",
    "RANGE_NARROWED": "range",
    "RANGE_WIDENED": "range",
    "INPUT_KINDS_ADDED": "kinds",
    "INPUT_KINDS_REMOVED": "kinds",
    "REFERENCE_ADDED": "reference",
    "REFERENCE_REMOVED": "reference",
    "OUTPUT_ADDED": "output",
    "OUTPUT_REMOVED": "output",
}


def test_every_consecutive_pair_of_the_catalog_mirrors_in_reverse(roboflow_describe):
    families: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    for block in roboflow_describe["blocks"]:
        family, label = family_and_version(block["manifest_type_identifier"])
        families[family].append((int(label[1:]), block))
    pairs = 0
    for versions in families.values():
        versions.sort(key=lambda item: item[0])
        for (_, old), (_, new) in itertools.pairwise(versions):
            pairs += 1
            forward = diff_descriptions(old, new)
            backward = diff_descriptions(new, old)
            swap = {B: F, F: B}
            assert Counter(
                (GROUP.get(c.code, c.code), tuple(sorted(swap[d] for d in c.breaks))) for c in forward
            ) == Counter((GROUP.get(c.code, c.code), tuple(sorted(c.breaks))) for c in backward)
    assert pairs == 66
    assert len([f for f, v in families.items() if len(v) > 1]) == 37
