"""Roboflow's rules for turning a child workflow's steps into steps of its parent (text rewriting).

Each child step is renamed `{composite}__{child}` (with `__2`, `__3`... when that name is taken) and
every string in it is rewritten: references to sibling child steps follow the renames, and the
child's `$inputs.x` become what the composite binds `x` to (or the input's default). The parent's
references to the composite's outputs, `$steps.{composite}.{output}`, then become the selectors the
child's outputs stand for, and a bare `$steps.{composite}` (flow control) names the first inlined
step. Rewriting the same texts as Roboflow 1.8.3 does makes the flattened workflow, and so every
later check, the same as Roboflow's. One deliberate difference: a literal bound to an input that a
property takes whole keeps its JSON type, where Roboflow turns it into a string.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from typing import Any

JsonPath = tuple[str | int, ...]
_WHOLE_INPUT = re.compile(r"^\$inputs\.([A-Za-z0-9_\-]+)$")


def inlined_name(composite: str, child: str, taken: set[str]) -> str:
    """`{composite}__{child}`, made unique among `taken` (which it joins)."""
    base = candidate = f"{composite}__{child}"
    suffix = 2
    while candidate in taken:
        candidate = f"{base}__{suffix}"
        suffix += 1
    taken.add(candidate)
    return candidate


def map_strings(value: Any, rewrite: Callable[[str, JsonPath], Any], path: JsonPath = ()) -> Any:
    """A copy of `value` with every string leaf replaced by `rewrite(text, path)`; keys stay as they are."""
    if isinstance(value, Mapping):
        return {key: map_strings(item, rewrite, (*path, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [map_strings(item, rewrite, (*path, index)) for index, item in enumerate(value)]
    if isinstance(value, str):
        return rewrite(value, path)
    return value


class ChildRewriter:
    """Rewrites the texts of one child's steps and outputs for inlining under one composite step."""

    def __init__(self, renames: list[tuple[str, str]], bindings: Mapping[str, Any], defaults: Mapping[str, Any]):
        # Longer names first, so a name that begins another is never replaced inside it.
        self._renames = sorted(renames, key=lambda pair: len(pair[0]), reverse=True)
        self._bare = [
            (re.compile(rf"\$steps\.{re.escape(old)}(?!\.)(?!__)"), f"$steps.{new}") for old, new in self._renames
        ]
        self._bindings = bindings
        self._defaults = defaults
        self._keys = sorted(bindings, key=len, reverse=True)

    def rewrite(self, text: str) -> tuple[Any, str | None]:
        """The rewritten value, and the binding that replaced the whole text, if one did."""
        for old, new in self._renames:
            text = text.replace(f"$steps.{old}.", f"$steps.{new}.")
        for pattern, replacement in self._bare:
            text = pattern.sub(replacement, text)
        whole = _WHOLE_INPUT.match(text)
        if whole is not None:
            name = whole.group(1)
            if name in self._bindings:
                return copy.deepcopy(self._bindings[name]), name
            if name in self._defaults:
                return copy.deepcopy(self._defaults[name]), None
        for key in self._keys:
            text = text.replace(f"$inputs.{key}", str(self._bindings[key]))
        return text, None


def patch_composite_references(value: Any, composite: str, outputs: Mapping[str, str], first_step: str) -> Any:
    """The parent with `$steps.{composite}.{output}` replaced by the output's selector and a bare
    `$steps.{composite}` by the first inlined step."""
    tokens = [(f"$steps.{composite}.{name}", outputs[name]) for name in sorted(outputs, key=len, reverse=True)]
    bare = re.compile(rf"\$steps\.{re.escape(composite)}(?!\.)(?!__)")
    marker = f"$steps.{composite}"

    def rewrite(text: str, _: JsonPath) -> str:
        if marker not in text:
            return text
        for token, selector in tokens:
            text = text.replace(token, selector)
        return bare.sub(f"$steps.{first_step}", text)

    return map_strings(value, rewrite)
