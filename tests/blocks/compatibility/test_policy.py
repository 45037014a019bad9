"""Confluent's seven modes, each with three versions; transitive modes look past the latest."""

import pytest

from blocks.compatibility.policy import Compatibility, check_compatibility, version_number
from tests.blocks.compatibility.builders import version

A = {"a": {"type": "number", "default": 1}}
C = {"c": {"type": "string", "default": "x"}}

# family -> (v1, v2, candidate v3), each as its properties.
FAMILIES = {
    # v2 dropped `a`; v3 keeps v2's shape, so it breaks v1 backward only.
    "dropped earlier": ({**A}, {}, {}),
    # v2 added `c`; v3 keeps it, so it breaks v1 forward only.
    "added earlier": ({}, {**C}, {**C}),
    # v3 drops what v2 added: it breaks v2 backward only.
    "drops latest": ({}, {**C}, {}),
}
EXPECTED = {
    "dropped earlier": {"BACKWARD": True, "BACKWARD_TRANSITIVE": False, "FORWARD": True, "FORWARD_TRANSITIVE": True,
                        "FULL": True, "FULL_TRANSITIVE": False, "NONE": True},
    "added earlier": {"BACKWARD": True, "BACKWARD_TRANSITIVE": True, "FORWARD": True, "FORWARD_TRANSITIVE": False,
                      "FULL": True, "FULL_TRANSITIVE": False, "NONE": True},
    "drops latest": {"BACKWARD": False, "BACKWARD_TRANSITIVE": False, "FORWARD": True, "FORWARD_TRANSITIVE": True,
                     "FULL": False, "FULL_TRANSITIVE": False, "NONE": True},
}  # fmt: skip


@pytest.mark.parametrize("mode", list(Compatibility), ids=str)
@pytest.mark.parametrize("family", list(FAMILIES))
def test_each_mode_on_three_versions(family, mode):
    first, second, candidate = FAMILIES[family]
    existing = [version(2, properties=second), version(1, properties=first)]
    report = check_compatibility(version(3, properties=candidate), existing, mode)
    assert report.is_compatible is EXPECTED[family][mode.value]
    transitive = ("acme/thing@v2", "acme/thing@v1")
    assert report.compared_with == (transitive if mode.transitive else transitive[:1])


def test_report_lists_every_change_and_which_violate():
    existing = [version(1, properties={}), version(2, properties={**C})]
    report = check_compatibility(version(3, properties={}), existing, Compatibility.BACKWARD_TRANSITIVE)
    assert report.as_dict() == {
        "is_compatible": False,
        "compatibility": "BACKWARD_TRANSITIVE",
        "compared_with": ["acme/thing@v2", "acme/thing@v1"],
        "changes": [
            {
                "code": "PROPERTY_REMOVED",
                "pointer": "/block_schema/properties/c",
                "message": "`c` was removed: steps that set it lose the value.",
                "breaks": ["backward"],
                "against": "acme/thing@v2",
                "violates_policy": True,
            }
        ],
    }


def test_first_version_of_a_family_is_compatible():
    report = check_compatibility(version(1), [], Compatibility.FULL_TRANSITIVE)
    assert (report.is_compatible, report.compared_with, report.changes) == (True, (), ())


def test_versions_order_by_number_not_text():
    assert sorted(["a@v10", "a@v2", "a@v1"], key=version_number) == ["a@v1", "a@v2", "a@v10"]
