"""How two answers to `POST /workflows/validate` are compared, and which differences are deliberate.

Compared: the status, `error_type`, and `blocks_errors` as (block_id, block_type, property_name) in
any order. Messages are not compared: ours are our own words.
"""

import json
from collections.abc import Callable
from typing import Any

Outcome = tuple[int, str | None, tuple[tuple[Any, ...], ...]]

# name -> (does it apply to (label, ours, theirs), why we answer differently on purpose); the README
# lists the same.
DELIBERATE: dict[str, tuple[Callable[[str, Outcome, Outcome], bool], str]] = {
    "never a 500": (
        lambda label, ours, theirs: theirs[0] >= 500 and ours[0] == 400,
        "Roboflow answers 500 (its parser or graph builder crashes: a step whose name or type is not "
        "a string, `steps` that is a number, an output selecting a step itself); the definition is at "
        "fault, so we answer 400.",
    ),
    "no remote dispatch": (
        lambda label, ours, theirs: label == "inner:remote_dispatch" and ours == (400, "WorkflowDefinitionError", ()),
        "an inner workflow step in `remote_dispatch` mode (send the child to another inference server, "
        "outputs discarded) is refused with a coded error: inner workflows run embedded here.",
    ),
    "cross-field checks in block code": (
        lambda label, ours, theirs: label.endswith("/custom_confidence:null") and ours[0] == 200,
        "v3 classification's `custom_confidence: null` with `confidence_mode: custom` is refused by a "
        "validator written in Roboflow's block code, not by its schema; our compiler validates every step "
        "(imported ones too) from its block's JSON Schema, which carries no such rule.",
    ),
}


def outcome(status: int, body: Any) -> Outcome:
    body = body if isinstance(body, dict) else {}
    blocks = sorted(
        (json.dumps(e.get("block_id")), json.dumps(e.get("block_type")), json.dumps(e.get("property_name")))
        for e in body.get("blocks_errors") or []
    )
    return status, body.get("error_type"), tuple(tuple(b) for b in blocks)


def deliberate_reason(label: str, ours: Outcome, theirs: Outcome) -> str | None:
    for name, (applies, reason) in DELIBERATE.items():
        if applies(label, ours, theirs):
            return f"{name}: {reason}"
    return None
