"""Invalid workflow definitions made by bending valid ones, for differential tests against Roboflow.

Every field of every input, step and output (and of the top level) is removed, nulled, given a
value of each other JSON type and renamed; every selector is pointed at a missing input, step or
output, at a value of the wrong kind, at its own step, or spelled wrongly; names are duplicated,
versions bent and cycles closed. Each case has a stable label saying what was done to which seed.
Some mutations leave a definition valid (an optional field removed); those are compared too.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

from tests.conformance.seeds import SEEDS

Case = tuple[str, Any]
Path = tuple[str | int, ...]

# One value of each JSON type; a field gets each one its own type is not.
OTHER_TYPES: dict[str, Any] = {
    "int": 7,
    "float": 2.5,
    "bool": True,
    "str": "text",
    "list": ["x"],
    "dict": {"a": 1},
}
TYPE_OF = {int: "int", float: "float", bool: "bool", str: "str", list: "list", dict: "dict"}


def _get(tree: Any, path: Path) -> Any:
    for part in path:
        tree = tree[part]
    return tree


def _edited(seed: dict[str, Any], path: Path, edit: Callable[[Any, str | int], None]) -> dict[str, Any]:
    tree = copy.deepcopy(seed)
    edit(_get(tree, path[:-1]), path[-1])
    return tree


def _set(value: Any) -> Callable[[Any, str | int], None]:
    def apply(parent: Any, key: str | int) -> None:
        parent[key] = copy.deepcopy(value)

    return apply


def _remove(parent: Any, key: str | int) -> None:
    del parent[key]


def _rename(parent: Any, key: str | int) -> None:
    # Rebuilt in order, so only the key changes.
    items = list(parent.items())
    parent.clear()
    parent.update((f"{k}_renamed" if k == key else k, v) for k, v in items)


def _label(seed: str, path: Path, operation: str) -> str:
    return f"{seed}:/{'/'.join(map(str, path))}:{operation}"


def field_mutations(seed_name: str, seed: dict[str, Any], path: Path) -> Iterator[Case]:
    """Removed, nulled, retyped and renamed: the field at `path` (a key of an object)."""
    value = _get(seed, path)
    yield _label(seed_name, path, "remove"), _edited(seed, path, _remove)
    yield _label(seed_name, path, "rename"), _edited(seed, path, _rename)
    if value is not None:
        yield _label(seed_name, path, "null"), _edited(seed, path, _set(None))
    own = TYPE_OF.get(type(value))
    for type_name, other in OTHER_TYPES.items():
        if type_name != own and not (own == "float" and type_name == "int"):
            yield _label(seed_name, path, f"retype:{type_name}"), _edited(seed, path, _set(other))


def selector_paths(tree: Any, path: Path = ()) -> Iterator[Path]:
    if isinstance(tree, str) and tree.startswith("$"):
        yield path
    elif isinstance(tree, dict):
        for key, value in tree.items():
            yield from selector_paths(value, (*path, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from selector_paths(value, (*path, index))


def bent_selectors(seed: dict[str, Any], path: Path) -> dict[str, str]:
    """Wrong versions of the selector at `path`, by what is wrong with them."""
    selector: str = _get(seed, path)
    parts = selector.split(".")
    steps = [s["name"] for s in seed["steps"]]
    own_step = seed["steps"][path[1]]["name"] if path[0] == "steps" else None
    other_step = next((name for name in steps if name != own_step), steps[0])
    bent = {
        "missing_input": "$inputs.ghost",
        "missing_step": "$steps.ghost.predictions",
        "bare_missing_step": "$steps.ghost",
        "bare_step": f"$steps.{other_step}",
        "wildcard": f"$steps.{other_step}.*",
        "no_dollar": selector[1:],
        "bad_prefix": "$input." + parts[-1],
        "empty_name": "$steps.",
        "too_deep": f"$steps.{other_step}.predictions.top",
        "spaces": f"$steps.{other_step} .predictions",
    }
    if parts[0] == "$steps" and len(parts) == 3:
        bent["missing_output"] = f"$steps.{parts[1]}.ghost"
    if parts[0] == "$inputs":
        # Every other input and step output: some kinds fit, most do not.
        for item in seed["inputs"]:
            if item["name"] != parts[1]:
                bent[f"input:{item['name']}"] = f"$inputs.{item['name']}"
    for step in seed["steps"]:
        if step["name"] != own_step:
            bent[f"step_output:{step['name']}"] = f"$steps.{step['name']}.predictions"
    if own_step is not None:
        bent["own_output"] = f"$steps.{own_step}.predictions"
    return bent


def seed_mutations(seed_name: str, seed: dict[str, Any]) -> Iterator[Case]:
    for key in ("version", "inputs", "steps", "outputs"):
        yield from field_mutations(seed_name, seed, (key,))
    for section in ("inputs", "steps", "outputs"):
        for index, item in enumerate(seed[section]):
            for key in item:
                yield from field_mutations(seed_name, seed, (section, index, key))
            yield _label(seed_name, (section, index), "not_an_object"), _edited(seed, (section, index), _set("x"))
            yield _label(seed_name, (section, index), "empty_object"), _edited(seed, (section, index), _set({}))
            if index > 0:
                first = seed[section][0]["name"]
                duplicate = _edited(seed, (section, index, "name"), _set(first))
                yield _label(seed_name, (section, index, "name"), "duplicate"), duplicate
    for path in selector_paths({"steps": seed["steps"], "outputs": seed["outputs"]}):
        for what, value in bent_selectors(seed, path).items():
            yield _label(seed_name, path, f"selector:{what}"), _edited(seed, path, _set(value))
    yield from _special_values(seed_name, seed)


def _special_values(seed_name: str, seed: dict[str, Any]) -> Iterator[Case]:
    for version in ("abc", "2.0", "1.99.0", "", "1", "0.9"):
        yield _label(seed_name, ("version",), f"value:{version}"), _edited(seed, ("version",), _set(version))
    for index, step in enumerate(seed["steps"]):
        for what, value in {
            "unknown_type": "NotExistingBlock",
            "unknown_version": step["type"].split("@")[0] + "@v9",
            "empty_type": "",
        }.items():
            path: Path = ("steps", index, "type")
            yield _label(seed_name, path, what), _edited(seed, path, _set(value))
        yield _label(seed_name, ("steps", index), "extra_field"), _edited(seed, ("steps", index, "surprise"), _set(1))
    for index, item in enumerate(seed["inputs"]):
        yield (
            _label(seed_name, ("inputs", index, "type"), "unknown_input_type"),
            _edited(seed, ("inputs", index, "type"), _set("WorkflowPicture")),
        )
        if item["type"] == "WorkflowBatchInput":
            for dimensionality in (0, -1, 2, 3, 6, "1", 1.5):
                yield (
                    _label(seed_name, ("inputs", index, "dimensionality"), f"value:{dimensionality}"),
                    _edited(seed, ("inputs", index, "dimensionality"), _set(dimensionality)),
                )
    # A cycle: the first step fed by the last step's output.
    last, first = seed["steps"][-1]["name"], seed["steps"][0]
    for key, value in first.items():
        if isinstance(value, str) and value.startswith("$inputs."):
            cycle = _edited(seed, ("steps", 0, key), _set(f"$steps.{last}.predictions"))
            yield _label(seed_name, ("steps", 0, key), "cycle"), cycle
            break
    yield _label(seed_name, ("steps",), "empty"), _edited(seed, ("steps",), _set([]))
    yield _label(seed_name, ("outputs",), "empty"), _edited(seed, ("outputs",), _set([]))


def all_cases() -> list[Case]:
    """The seeds themselves first (they must be valid on both sides), then every mutation."""
    cases: list[Case] = [(f"{name}:seed", build()) for name, build in SEEDS.items()]
    cases += [(f"body:{type(body).__name__}", body) for body in ([SEEDS["classify"]()], "text", 7, None)]
    seen: set[str] = set()
    for name, build in SEEDS.items():
        for label, definition in seed_mutations(name, build()):
            if label not in seen:
                seen.add(label)
                cases.append((label, definition))
    return cases
