"""The selector grammar, in one place: `$inputs.<name>`, `$steps.<step>.<output>` and `$steps.<step>`.

The compiler parses definitions with it, manifests validate selector fields with it and the editor
receives its regex sources (`grammar_sources()`, in the connections payload) instead of writing its
own. The sources use only syntax that Python's `re` and JavaScript's `RegExp` read alike.
Roboflow's own pattern strings (`DATA_SELECTOR_PATTERN`, `STEP_SELECTOR_PATTERN`) are kept byte for
byte, since manifests' JSON schemas must equal upstream's; they leave the `$inputs` dot unescaped,
so a definition is parsed with ours.
"""

from __future__ import annotations

import re

INPUTS_PREFIX = "$inputs."
_NAME = r"[A-Za-z_0-9\-]+"
_OUTPUT_NAME = r"[A-Za-z_*0-9\-]+"

INPUT_SELECTOR = re.compile(rf"^\$inputs\.({_NAME})$")
STEP_OUTPUT_SELECTOR = re.compile(rf"^\$steps\.({_NAME})\.({_OUTPUT_NAME})$")
STEP_SELECTOR = re.compile(rf"^\$steps\.({_NAME})$")

# Roboflow's exact pattern strings for `Selector(...)` and `StepSelector` fields, kept for schema equality.
DATA_SELECTOR_PATTERN = r"(^\$steps\.[A-Za-z_\-0-9]+\.[A-Za-z_*0-9\-]+$)|(^\$inputs.[A-Za-z_0-9\-]+$)"
STEP_SELECTOR_PATTERN = r"^\$steps\.[A-Za-z_0-9\-]+"


def grammar_sources() -> dict[str, str]:
    """The regex sources the editor builds its `RegExp`s from (groups: the names)."""
    return {"input": INPUT_SELECTOR.pattern, "step_output": STEP_OUTPUT_SELECTOR.pattern, "step": STEP_SELECTOR.pattern}
