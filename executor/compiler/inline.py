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
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

JsonPath = tuple[str | int, ...]
_SCALARS = frozenset({int, float, bool, type(None)})
_PLAIN = re.compile(r"[A-Za-z0-9_\-]+__")
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
    """`value` with every string leaf that holds a `$` replaced by `rewrite(text, path)` (no rewrite
    touches any other); keys stay as they are. Copy on write: a list or dict none of whose members
    changed is returned as it is, so the result shares what did not change with `value` (nothing
    here or after mutates a definition)."""
    kind = type(value)
    if kind is str:
        return rewrite(value, path) if "$" in value else value
    if kind is list:
        members: Iterable[tuple[Any, Any]] = enumerate(value)
    elif kind is dict or (kind not in _SCALARS and isinstance(value, Mapping)):
        members = value.items()
    else:
        return value
    changed: list[tuple[Any, Any]] = []
    for key, item in members:
        # Most members are plain: passed over without a call or a path (this runs for every value
        # of every inlined step).
        item_kind = type(item)
        if item_kind is str:
            if "$" not in item:
                continue
            mapped = rewrite(item, (*path, key))
        elif item_kind in _SCALARS:
            continue
        else:
            mapped = map_strings(item, rewrite, (*path, key))
        if mapped is not item:
            changed.append((key, mapped))
    if not changed:
        return value if kind is dict or kind is list else dict(value)
    copy_ = list(value) if kind is list else dict(value)
    for key, mapped in changed:
        copy_[key] = mapped
    return copy_


def _step_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """`$steps.{name}` for any of `names`, longest first, unless `__` follows (already inlined)."""
    ordered = sorted(names, key=len, reverse=True)
    if not ordered:
        return None
    return re.compile(r"\$steps\.(" + "|".join(map(re.escape, ordered)) + r")(?!__)")


class ChildRewriter:
    """Rewrites the texts of one child's steps and outputs for inlining under one composite step.

    Upstream renames `$steps.{old}.` and then a bare `$steps.{old}` (not followed by `.` or `__`);
    one pattern over all names, longest first, does both in a single scan of each text."""

    def __init__(self, renames: list[tuple[str, str]], bindings: Mapping[str, Any], defaults: Mapping[str, Any]):
        self._new = dict(renames)
        self._pattern = _step_pattern(self._new)
        # Renames are `{composite}__{child}` unless a name was taken: then one template does them all.
        prefix = renames[0][1][: len(renames[0][1]) - len(renames[0][0])] if renames else ""
        plain = _PLAIN.fullmatch(prefix) and all(new == prefix + old for old, new in renames)
        self._template = f"$steps.{prefix}\\1" if plain else None
        self._dotless = not any("." in old for old in self._new)
        self._bindings = bindings
        self._defaults = defaults
        self._keys = sorted(bindings, key=len, reverse=True)
        # Whether a binding's value went into a text since the caller last cleared it: only such
        # texts can hold references of the parent's.
        self.bound_something = False

    def _simple_selector(self, text: str) -> str | None:
        """The renamed text of the commonest case, `$steps.{child}` or `$steps.{child}.{output}` with no
        other `$` in it, without a regex (what the pattern gives it: no longer name can match when
        no name holds a `.`); None for any other text."""
        if not self._dotless or not text.startswith("$steps.") or text.count("$") != 1:
            return None
        name, dot, rest = text[7:].partition(".")
        new = self._new.get(name)
        return None if new is None else f"$steps.{new}{dot}{rest}"

    def rewrite(self, text: str) -> tuple[Any, str | None]:
        """The rewritten value, and the binding that replaced the whole text, if one did."""
        if self._pattern is not None and "$steps." in text:
            simple = self._simple_selector(text)
            if simple is not None:
                return simple, None
            if self._template is not None:
                text = self._pattern.sub(self._template, text)
            else:
                text = self._pattern.sub(lambda match: "$steps." + self._new[match.group(1)], text)
        if "$inputs." not in text:
            return text, None
        whole = _WHOLE_INPUT.match(text)
        if whole is not None:
            name = whole.group(1)
            if name in self._bindings:
                self.bound_something = True
                return _copied(self._bindings[name]), name
            if name in self._defaults:
                return _copied(self._defaults[name]), None
        for key in self._keys:
            replaced = text.replace(f"$inputs.{key}", str(self._bindings[key]))
            self.bound_something = self.bound_something or replaced != text
            text = replaced
        return text, None


def _copied(value: Any) -> Any:
    """A value of its own for each place a binding goes (a text or a number is one already)."""
    return value if type(value) in _SCALARS or type(value) is str else copy.deepcopy(value)


def composite_patcher(patches: Sequence[tuple[str, Mapping[str, str], str]]) -> Callable[[Any, str | None], Any]:
    """What turns a part of a level into a copy with, for each composite (its name, its outputs'
    selectors, its first inlined step), the references `$steps.{composite}.{output}` replaced by the
    output's selector and a bare `$steps.{composite}` by the first inlined step.

    Upstream patches the whole level after each composite it inlines; one pass that applies the
    composites from the last inlined to the first gives the same texts (a selector one composite's
    output stands for may name an earlier composite, never a later one that was not yet there).
    Callers pass only the parts that can hold such references. Upstream inserts a composite's steps
    after patching the level, so they are never patched for that composite: `skip` names it."""
    prepared = []
    for composite, outputs, first_step in reversed(patches):
        tokens = [(f"$steps.{composite}.{name}", outputs[name]) for name in sorted(outputs, key=len, reverse=True)]
        bare = re.compile(rf"\$steps\.{re.escape(composite)}(?!\.)(?!__)")
        prepared.append((f"$steps.{composite}", tokens, bare, f"$steps.{first_step}"))

    rewriters: dict[str | None, Callable[[str, JsonPath], str]] = {}

    def rewriter(skip: str | None) -> Callable[[str, JsonPath], str]:
        applied = [entry for entry in prepared if entry[0] != f"$steps.{skip}"]

        def rewrite(text: str, _: JsonPath) -> str:
            if "$steps." not in text:
                return text
            for marker, tokens, bare, first in applied:
                if marker in text:
                    for token, selector in tokens:
                        text = text.replace(token, selector)
                    text = bare.sub(first, text)
            return text

        return rewrite

    def patch(value: Any, skip: str | None) -> Any:
        if skip not in rewriters:
            rewriters[skip] = rewriter(skip)
        return map_strings(value, rewriters[skip])

    return patch
