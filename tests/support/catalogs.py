"""Catalog snapshots for tests and benchmarks: Roboflow 1.8.3's blocks, our built-ins in their place."""

from typing import Any

from blocks.catalog import builtin_specs
from blocks.spec import BlockSpec, CatalogSnapshot


def payload_catalog(payload: dict[str, Any], version: str) -> CatalogSnapshot:
    specs = {s.type_identifier: s for s in (BlockSpec.from_description(b) for b in payload["blocks"])}
    specs.update({s.type_identifier: s for s in builtin_specs()})
    return CatalogSnapshot.build(list(specs.values()), version=version)
