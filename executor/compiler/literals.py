"""Checks literal property values against their JSON Schema fragment, fast.

Each fragment is compiled once into a function (cached per fragment object, and the fragments live
as long as their catalog), so validating a step is a few function calls, not a schema walk. The
supported keywords are those block schemas use: type, enum, const, bounds, anyOf/oneOf, items,
additionalProperties, properties/required, minItems/maxItems, pattern and `$ref` into `$defs`.
Selector branches (``reference: true``) never match a literal.

Why not the `jsonschema` package: measured on this machine (median of 5), checking the 500 literal
`operations` of a 500-step property chain (tests' `chain_workflow(500)`) takes 9.7 ms here and
1,516 ms with `jsonschema.Draft202012Validator` (validators built once per property), and a 1,000-step
limit makes that the compile time of one request. Roboflow also reads values in pydantic's lax
mode (true is a number), which plain JSON Schema does not.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from typing import Any

# A checker returns None when the value is valid, else a message saying what is wrong.
Checker = Callable[[Any], str | None]

_TYPE_NAMES = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "null": "null",
    "array": "a list",
    "object": "an object",
}


# Roboflow validates manifests with pydantic in lax mode, where true and false are numbers too.
def _is_number(value: Any) -> bool:
    return isinstance(value, int | float)


def _is_integer(value: Any) -> bool:
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _is_type(value: Any, json_type: str) -> bool:
    test = _TYPE_TESTS.get(json_type)
    return test is None or test(value)


class LiteralValidator:
    """Compiles fragments of one block schema (whose `$defs` resolve `$ref`s)."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self._defs: Mapping[str, Any] = schema.get("$defs", {})
        self._compiled: dict[int, Checker] = {}
        self._keep: list[Mapping[str, Any]] = []
        # A block's validator is shared by the server's threads: another thread must never be handed
        # the placeholder of a checker still being compiled (calling it recursed until Python gave up).
        self._lock = threading.RLock()

    def checker(self, fragment: Mapping[str, Any]) -> Checker:
        key = id(fragment)
        with self._lock:
            found = self._compiled.get(key)
            if found is None:
                # Placeholder first: recursive `$ref`s (statement groups) resolve to the finished checker.
                def deferred(value: Any) -> str | None:
                    return self._compiled[key](value)

                self._compiled[key] = deferred
                self._keep.append(fragment)
                try:
                    found = self._compile(fragment)
                except BaseException:
                    del self._compiled[key]
                    raise
                self._compiled[key] = found
            return found

    def _compile(self, fragment: Mapping[str, Any]) -> Checker:
        if fragment.get("reference") is True:
            return lambda value: "must be a selector"
        checks: list[Checker] = []
        ref = fragment.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            target = self._defs.get(ref.rsplit("/", 1)[-1])
            if isinstance(target, Mapping):
                checks.append(self.checker(target))
        discriminator = fragment.get("discriminator")
        branches = fragment.get("anyOf") or fragment.get("oneOf")
        if isinstance(discriminator, Mapping) and isinstance(discriminator.get("mapping"), Mapping):
            checks.append(self._discriminated(discriminator))
        elif branches:
            checks.append(self._any_of([b for b in branches if isinstance(b, Mapping)]))
        json_type = fragment.get("type")
        if isinstance(json_type, str):
            checks.append(self._type(json_type))
        elif isinstance(json_type, list):
            types = [t for t in json_type if isinstance(t, str)]
            checks.append(lambda v: None if any(_is_type(v, t) for t in types) else f"must be one of {types}")
        if "enum" in fragment:
            allowed = list(fragment["enum"])
            checks.append(lambda v: None if v in allowed else f"must be one of {', '.join(map(repr, allowed))}")
        if "const" in fragment:
            expected = fragment["const"]
            checks.append(lambda v: None if v == expected else f"must be {expected!r}")
        checks.extend(self._bounds(fragment))
        if isinstance(fragment.get("pattern"), str) and not fragment.get("reference"):
            regex = re.compile(fragment["pattern"])
            checks.append(lambda v: None if not isinstance(v, str) or regex.search(v) else "has the wrong format")
        checks.extend(self._containers(fragment))
        if not checks:
            return lambda value: None
        if len(checks) == 1:
            return checks[0]

        def all_of(value: Any) -> str | None:
            for check in checks:
                problem = check(value)
                if problem is not None:
                    return problem
            return None

        return all_of

    def _type(self, json_type: str) -> Checker:
        name = _TYPE_NAMES.get(json_type, json_type)
        test = _TYPE_TESTS.get(json_type)
        if test is None:
            return lambda value: None
        message = f"must be {name}"
        return lambda value: None if test(value) else message

    def _any_of(self, branches: list[Mapping[str, Any]]) -> Checker:
        literal = [self.checker(b) for b in branches if b.get("reference") is not True]
        if not literal:
            return lambda value: "must be a selector (`$inputs.name` or `$steps.step.output`)"

        def any_of(value: Any) -> str | None:
            problems = []
            for check in literal:
                problem = check(value)
                if problem is None:
                    return None
                problems.append(problem)
            return problems[0] if len(set(problems)) == 1 else " or ".join(dict.fromkeys(problems))

        return any_of

    def _discriminated(self, discriminator: Mapping[str, Any]) -> Checker:
        """`oneOf` tagged by a property (query-language operations): check only the tagged branch."""
        tag = str(discriminator.get("propertyName", "type"))
        branches = {
            name: self.checker({"$ref": ref}) for name, ref in discriminator["mapping"].items() if isinstance(ref, str)
        }

        def tagged(value: Any) -> str | None:
            if not isinstance(value, dict):
                return "must be an object"
            branch = branches.get(value.get(tag))
            if branch is None:
                known = ", ".join(sorted(branches))
                return f"has unknown `{tag}` {value.get(tag)!r}; expected one of: {known}"
            return branch(value)

        return tagged

    @staticmethod
    def _bounds(fragment: Mapping[str, Any]) -> list[Checker]:
        checks: list[Checker] = []

        def numeric(value: Any) -> bool:
            return isinstance(value, int | float) and not isinstance(value, bool)

        for keyword, test, words in (
            ("minimum", lambda v, b: v >= b, "greater than or equal to"),
            ("maximum", lambda v, b: v <= b, "less than or equal to"),
            ("exclusiveMinimum", lambda v, b: v > b, "greater than"),
            ("exclusiveMaximum", lambda v, b: v < b, "less than"),
        ):
            bound = fragment.get(keyword)
            if numeric(bound):

                def check(value: Any, bound: Any = bound, test: Any = test, words: str = words) -> str | None:
                    return None if not numeric(value) or test(value, bound) else f"must be {words} {bound}"

                checks.append(check)
        min_items = fragment.get("minItems")
        if isinstance(min_items, int):
            checks.append(
                lambda v: None if not isinstance(v, list) or len(v) >= min_items else f"needs {min_items}+ items"
            )
        return checks

    def _containers(self, fragment: Mapping[str, Any]) -> list[Checker]:
        checks: list[Checker] = []
        items = fragment.get("items")
        if isinstance(items, Mapping):
            item_check = self.checker(items)

            def each_item(value: Any) -> str | None:
                if not isinstance(value, list):
                    return None
                for index, item in enumerate(value):
                    problem = item_check(item)
                    if problem is not None:
                        return f"item {index} {problem}"
                return None

            checks.append(each_item)
        properties = fragment.get("properties")
        required = fragment.get("required") or []
        if (isinstance(properties, Mapping) and fragment.get("type") == "object") or required:
            property_checks = {
                name: self.checker(sub) for name, sub in (properties or {}).items() if isinstance(sub, Mapping)
            }

            def each_property(value: Any) -> str | None:
                if not isinstance(value, dict):
                    return None
                for name in required:
                    if name not in value:
                        return f"needs `{name}`"
                for name, check in property_checks.items():
                    if name in value:
                        problem = check(value[name])
                        if problem is not None:
                            return f"`{name}` {problem}"
                return None

            checks.append(each_property)
        extra = fragment.get("additionalProperties")
        if isinstance(extra, Mapping):
            extra_check = self.checker(extra)

            def each_value(value: Any) -> str | None:
                if not isinstance(value, dict):
                    return None
                for key, item in value.items():
                    problem = extra_check(item)
                    if problem is not None:
                        return f"`{key}` {problem}"
                return None

            checks.append(each_value)
        return checks
