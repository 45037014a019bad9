"""Step migrations declared as data, and the built-in classification v3's migration from v2."""

from typing import Any

import pytest

from blocks.catalog import builtin_descriptions
from blocks.compatibility.migrations import declared_migrations, migrate_step, migration_problems
from tests.blocks.compatibility.builders import version

CLASSIFICATION = "roboflow_core/roboflow_classification_model"


def _family() -> list[dict[str, Any]]:
    return [d for d in builtin_descriptions() if d["manifest_type_identifier"].startswith(CLASSIFICATION + "@")]


def test_classification_v3_moves_a_set_confidence_to_custom_mode():
    step = {
        "type": f"{CLASSIFICATION}@v2",
        "name": "c",
        "images": "$inputs.image",
        "model_id": "m/1",
        "confidence": 0.3,
    }
    moved, applied = migrate_step(step, target=f"{CLASSIFICATION}@v3", versions=_family())
    assert moved == {
        "type": f"{CLASSIFICATION}@v3",
        "name": "c",
        "images": "$inputs.image",
        "model_id": "m/1",
        "confidence_mode": "custom",
        "custom_confidence": 0.3,
    }
    assert applied == [
        {"op": "set", "property": "confidence_mode", "value": "custom"},
        {"op": "rename", "from": "confidence", "to": "custom_confidence"},
    ]
    assert step["confidence"] == 0.3  # the input is left as it was


def test_v1_to_v3_passes_through_v2():
    step = {"type": f"{CLASSIFICATION}@v1", "name": "c", "confidence": "$inputs.threshold"}
    moved, applied = migrate_step(step, target=f"{CLASSIFICATION}@v3", versions=_family())
    assert moved == {
        "type": f"{CLASSIFICATION}@v3",
        "name": "c",
        "confidence_mode": "custom",
        "custom_confidence": "$inputs.threshold",
    }
    assert [a["op"] for a in applied] == ["set", "rename"]


def test_moving_back_applies_nothing():
    step = {"type": f"{CLASSIFICATION}@v3", "name": "c", "custom_confidence": 0.2}
    moved, applied = migrate_step(step, target=f"{CLASSIFICATION}@v2", versions=_family())
    assert (moved, applied) == ({"type": f"{CLASSIFICATION}@v2", "name": "c", "custom_confidence": 0.2}, [])


def test_value_maps_apply_only_to_listed_values():
    target = version(2)
    target["block_schema"]["migrations"] = [
        {
            "from": "acme/thing@v1",
            "operations": [{"op": "map_values", "property": "mode", "values": [{"from": "fast", "to": "quick"}]}],
        }
    ]
    family = [version(1), target]
    assert migrate_step({"type": "acme/thing@v1", "mode": "fast"}, target="acme/thing@v2", versions=family) == (
        {"type": "acme/thing@v2", "mode": "quick"},
        [{"op": "map_values", "property": "mode", "from": "fast", "to": "quick"}],
    )
    assert migrate_step({"type": "acme/thing@v1", "mode": "exact"}, target="acme/thing@v2", versions=family) == (
        {"type": "acme/thing@v2", "mode": "exact"},
        [],
    )


@pytest.mark.parametrize(
    ("migrations", "problem"),
    [
        ([{"from": "a@v1", "operations": [{"op": "drop", "property": "x"}]}], "malformed"),
        ([{"from": "a@v1", "operations": [{"op": "rename", "from": "name", "to": "title"}]}], "`type` or `name`"),
        ("not a list", "malformed"),
    ],
)
def test_malformed_migrations_are_reported(migrations, problem):
    description = version(2)
    description["block_schema"]["migrations"] = migrations
    problems = migration_problems(description)
    assert len(problems) == 1 and problem in problems[0]


def test_builtin_declarations_are_well_formed():
    for description in builtin_descriptions():
        assert migration_problems(description) == []
    v3 = next(d for d in _family() if d["manifest_type_identifier"].endswith("@v3"))
    assert [m.source for m in declared_migrations(v3)] == [f"{CLASSIFICATION}@v2"]
