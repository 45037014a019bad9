"""The contract between the engine and a block's `run` function.

A block that takes batches (its `batch_properties` are non-empty) is called once per batch with
those properties as equal-length lists and returns one result per element (an output dict, or the
exception that element failed with). Any other block is called once per element with plain values
and returns its output dict. Flow-control blocks return a `FlowDecision` instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from blocks.errors import DomainError, ErrorCode
from blocks.ports import ClassificationModelPort


@dataclass(frozen=True, slots=True)
class BlockRunContext:
    step_name: str
    model_port: ClassificationModelPort | None = None
    api_key: str | None = None


@dataclass(frozen=True, slots=True)
class FlowDecision:
    """A flow-control outcome for one element: whether the controlled steps run for it."""

    proceed: bool


class BlockRunError(DomainError):
    """A failure inside a block with a stable code, e.g. a value the block cannot work with."""

    code = ErrorCode.STEP_FAILED
