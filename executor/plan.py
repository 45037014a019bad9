"""The execution plan: what the compiler hands the engine.

Everything the engine needs is resolved here once: each step's block version, its literal values
(defaults applied), its selector bindings already parsed, its predecessors, the topological layers
(a step's layer is its longest distance from the inputs, so steps of a layer can run concurrently)
and the dimensionality of every step's output (1 for one value per input image, 2 for a list per
image such as crops, 0 for a value computed once).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from blocks.spec import BlockSpec

InputType = Literal["WorkflowImage", "WorkflowParameter", "WorkflowBatchInput", "WorkflowVideoMetadata"]


@dataclass(frozen=True, slots=True)
class Selector:
    """A parsed `$inputs.x`, `$steps.s.o` or `$steps.s` (output None) selector."""

    raw: str
    source: Literal["input", "step"]
    name: str
    output: str | None = None

    @property
    def is_wildcard(self) -> bool:
        return self.output == "*"


@dataclass(frozen=True, slots=True)
class InputPlan:
    name: str
    type: InputType
    kinds: tuple[str, ...]
    dimensionality: int
    default_value: Any = None

    @property
    def is_batch(self) -> bool:
        return self.dimensionality > 0


@dataclass(frozen=True, slots=True)
class Binding:
    """A selector in a step property; `key` is the list index or dict key when inside a container."""

    property: str
    selector: Selector
    key: int | str | None = None
    pointer: str = ""


@dataclass(frozen=True, slots=True)
class StepPlan:
    name: str
    index: int
    spec: BlockSpec
    literals: Mapping[str, Any]
    bindings: tuple[Binding, ...]
    flow_targets: tuple[str, ...]
    data_predecessors: frozenset[str]
    control_predecessors: frozenset[str]
    dimensionality: int

    @property
    def type_identifier(self) -> str:
        return self.spec.type_identifier


@dataclass(frozen=True, slots=True)
class OutputPlan:
    name: str
    selector: Selector


@dataclass(frozen=True, slots=True)
class ExecutionPlan:
    definition_hash: str
    inputs: tuple[InputPlan, ...]
    steps: Mapping[str, StepPlan]
    layers: tuple[tuple[str, ...], ...]
    outputs: tuple[OutputPlan, ...]
    # Steps that were workflows (inner workflows, published workflow blocks), expanded into the
    # steps named `outer/inner`: display path -> lockfile entry, with the `workflow` revision it pins.
    composites: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: MappingProxyType({}))

    def lockfile(self) -> dict[str, dict[str, Any]]:
        """For each step, the block version it was validated against (and each composite's pin)."""
        lockfile: dict[str, dict[str, Any]] = {
            name: {"type_identifier": step.spec.type_identifier, "content_hash": step.spec.content_hash}
            for name, step in self.steps.items()
        }
        lockfile.update((path, dict(entry)) for path, entry in self.composites.items())
        return lockfile
