"""The diff of every consecutive pair of versions in a catalog: what `compat_report` prints."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from blocks.compatibility.diff import Change, diff_specs
from blocks.compatibility.policy import version_number
from blocks.spec import BlockSpec


@dataclass(frozen=True, slots=True)
class PairReport:
    family: str
    old: str
    new: str
    changes: tuple[Change, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "family": self.family,
            "from": self.old,
            "to": self.new,
            "changes": [change.as_dict() for change in self.changes],
        }


def consecutive_pairs(descriptions: Iterable[Mapping[str, Any]]) -> list[PairReport]:
    """Families with two or more versions, each version diffed against the one before it."""
    families: dict[str, list[BlockSpec]] = defaultdict(list)
    for description in descriptions:
        spec = BlockSpec.from_description(description)
        families[spec.family].append(spec)
    reports = []
    for family in sorted(families):
        versions = sorted(families[family], key=lambda spec: version_number(spec.type_identifier))
        for old, new in itertools.pairwise(versions):
            reports.append(PairReport(family, old.type_identifier, new.type_identifier, diff_specs(old, new)))
    return reports
