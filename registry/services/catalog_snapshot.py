"""Recomputes the catalog snapshot: the connection graph, the describe payload, the definition schema.

Called explicitly by every service that changes the catalog, inside its transaction, so a reader
never sees a catalog without its graph.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import msgspec
from django.db import IntegrityError, transaction

from blocks.catalog import query_language_description
from blocks.connections import BlockConnectionsIndex, build_connections, kinds_connections, primitives_connections
from blocks.errors import ConflictError, ErrorCode
from blocks.selectors import grammar_sources
from blocks.spec import BlockSpec
from registry.models import CatalogSnapshot, Kind
from registry.selectors.catalog import catalog_block_specs

SNAPSHOTS_KEPT = 20
VERSION_ATTEMPTS = 5


def _dumps(value: Any) -> str:
    """Compact JSON, as `json.dumps(value, separators=(",", ":"), ensure_ascii=False)` writes it, by
    msgspec: the three documents are about 11 MB, which the standard library took a third of every
    catalog change to write."""
    return msgspec.json.encode(value).decode("utf-8")


def _definition_schema(specs: list[BlockSpec]) -> dict[str, Any]:
    """JSON Schema of a workflow definition, one `$defs` entry per block manifest."""
    defs: dict[str, Any] = {}
    for spec in specs:
        schema = dict(spec.schema)
        nested = schema.pop("$defs", {})
        for name, definition in nested.items():
            defs.setdefault(name, definition)
        defs[spec.type_identifier] = schema
    step_refs = [{"$ref": f"#/$defs/{spec.type_identifier}"} for spec in specs]
    return {
        "title": "WorkflowSpecificationV1",
        "type": "object",
        "properties": {
            "version": {"type": "string", "title": "Version"},
            "inputs": {"type": "array", "title": "Inputs", "items": {"type": "object"}},
            "steps": {"type": "array", "title": "Steps", "items": {"anyOf": step_refs}},
            "outputs": {"type": "array", "title": "Outputs", "items": {"type": "object"}},
        },
        "required": ["version", "inputs", "steps", "outputs"],
        "$defs": defs,
    }


def _snapshot_create(specs: list[BlockSpec], graph: BlockConnectionsIndex, describe: dict[str, Any]) -> CatalogSnapshot:
    latest = CatalogSnapshot.objects.order_by("-version").values_list("version", flat=True).first() or 0
    version = latest + 1
    graph_json = _dumps({"version": str(version), **graph.as_compact_dict(), "selectors": grammar_sources()})
    return CatalogSnapshot.objects.create(
        version=version,
        etag='"' + hashlib.sha256(graph_json.encode()).hexdigest()[:32] + f'-{version}"',
        token=secrets.token_hex(16),
        block_count=len(specs),
        graph_json=graph_json,
        describe_json=_dumps(describe),
        definition_schema_json=_dumps({"schema": _definition_schema(specs)}),
    )


def catalog_snapshot_rebuild() -> CatalogSnapshot:
    specs = list(catalog_block_specs())
    graph = build_connections(specs)
    describe = {
        "blocks": [spec.extra["description"] for spec in specs],
        "declared_kinds": [kind.as_dict() for kind in Kind.objects.all()],
        "kinds_connections": kinds_connections(specs),
        "primitives_connections": primitives_connections(specs),
        "universal_query_language_description": query_language_description(),
        "dynamic_block_definition_schema": {},
    }
    for attempt in range(VERSION_ATTEMPTS):
        try:
            # A savepoint: a concurrent rebuild may take the next version number first (PostgreSQL
            # checks the unique version at insert); the next attempt reads the new latest.
            with transaction.atomic():
                snapshot = _snapshot_create(specs, graph, describe)
            break
        except IntegrityError as exc:
            if attempt == VERSION_ATTEMPTS - 1:
                raise ConflictError(
                    "The catalog was changed by another request at the same time; try again.",
                    code=ErrorCode.CATALOG_CHANGED,
                ) from exc
    stale = CatalogSnapshot.objects.order_by("-version").values_list("pk", flat=True)[SNAPSHOTS_KEPT:]
    CatalogSnapshot.objects.filter(pk__in=list(stale)).delete()
    return snapshot
