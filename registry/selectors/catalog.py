"""Reads of the block catalog.

`catalog_snapshot()` is on the hot path of every validation and run: it costs one indexed query for
the latest snapshot version and rebuilds the in-process catalog only when that version changes.
"""

from __future__ import annotations

import difflib
import gc
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from blocks.catalog import BUILTIN_BY_IDENTIFIER
from blocks.connections import BlockConnectionsIndex, build_connections
from blocks.errors import ErrorCode, NotFoundError
from blocks.spec import BlockSpec, CatalogSnapshot
from registry.models import CATALOG_STATES_VALUES, BlockVersion, Kind, Source, State
from registry.models import CatalogSnapshot as SnapshotRow
from registry.models.plain_sql import plain_select

SUGGESTIONS = 5


@dataclass(frozen=True, slots=True)
class PublishedSnapshot:
    """What readers are served, as bytes ready to send."""

    key: tuple[int, str, str]
    version: int
    etag: str
    graph_json: bytes
    describe_json: bytes
    definition_schema_json: bytes
    catalog: CatalogSnapshot
    graph: BlockConnectionsIndex


_lock = threading.Lock()
_cached: PublishedSnapshot | None = None


def published_snapshot_key() -> tuple[int, str, str] | None:
    """Identifies the current snapshot with one indexed query that reads no large column."""
    rows = plain_select(SnapshotRow, "version", "etag", "token", newest_first_by="version")
    if not rows:
        return None
    version, etag, token = rows[0]
    return int(version), str(etag), str(token)


def block_spec_from_row(row: BlockVersion) -> BlockSpec:
    builtin = BUILTIN_BY_IDENTIFIER.get(row.type_identifier) if row.source == Source.BUILTIN else None
    return BlockSpec.from_description(
        row.description,
        batch_properties=builtin.batch_properties if builtin is not None else None,
        state=row.state,
        executable=row.executable,
        content_hash=row.content_hash,
        deprecation_message=row.deprecation_message,
        replacement=row.replacement,
        sunset_date=row.sunset_date.isoformat() if row.sunset_date else "",
        source=row.source,
        is_default=row.block_type.default_version_id == row.pk,
        extra={"description": row.description},
    )


def catalog_block_specs() -> Iterator[BlockSpec]:
    """Block versions that workflows compile against: published and deprecated ones."""
    rows = BlockVersion.objects.filter(state__in=CATALOG_STATES_VALUES).select_related("block_type")
    for row in rows.order_by("type_identifier"):
        yield block_spec_from_row(row)


def disabled_block_specs() -> Iterator[BlockSpec]:
    """Disabled block versions: the compiler names them (and their replacement) in its errors."""
    rows = BlockVersion.objects.filter(state=State.DISABLED).select_related("block_type")
    for row in rows.order_by("type_identifier"):
        yield block_spec_from_row(row)


def published_snapshot() -> PublishedSnapshot | None:
    global _cached
    key = published_snapshot_key()
    if key is None:
        return None
    cached = _cached
    if cached is not None and cached.key == key:
        return cached
    with _lock:
        if _cached is not None and _cached.key == key:
            return _cached
        row = SnapshotRow.objects.get(version=key[0])
        specs = list(catalog_block_specs())
        _cached = PublishedSnapshot(
            key=key,
            version=row.version,
            etag=row.etag,
            graph_json=row.graph_json.encode("utf-8"),
            describe_json=row.describe_json.encode("utf-8"),
            definition_schema_json=row.definition_schema_json.encode("utf-8"),
            catalog=CatalogSnapshot.build(
                specs, version=f"catalog-{row.version}", disabled=list(disabled_block_specs())
            ),
            graph=build_connections(specs),
        )
        # The catalog is hundreds of thousands of long-lived objects; moving them out of the
        # collector's generations keeps full collections (and so request latency) short.
        gc.freeze()
        return _cached


def catalog_snapshot() -> CatalogSnapshot:
    """The catalog the compiler and the engine use; empty until `sync_blocks` has run."""
    return catalog_snapshot_keyed()[1]


def catalog_snapshot_keyed() -> tuple[tuple[int, str, str] | None, CatalogSnapshot]:
    """`catalog_snapshot()` with the key of the published snapshot it is (None while empty)."""
    snapshot = published_snapshot()
    if snapshot is None:
        return None, CatalogSnapshot.build([], version="catalog-empty")
    return snapshot.key, snapshot.catalog


def block_version_get(identifier: str) -> BlockVersion:
    """A version by identifier or alias; 404 with the closest identifiers when unknown."""
    row = BlockVersion.objects.select_related("block_type").filter(Q(type_identifier=identifier)).first()
    if row is None:
        row = next((r for r in BlockVersion.objects.select_related("block_type") if identifier in r.aliases), None)
    if row is None:
        raise NotFoundError(
            f"No block version is registered as {identifier!r}.",
            code=ErrorCode.UNKNOWN_BLOCK_TYPE,
            extra={"suggestions": block_identifier_suggestions(identifier)},
        )
    return row


def block_identifier_suggestions(identifier: str) -> list[str]:
    known: list[str] = []
    for type_identifier, aliases in BlockVersion.objects.values_list("type_identifier", "aliases"):
        known.append(type_identifier)
        known.extend(aliases)
    return difflib.get_close_matches(identifier, known, n=SUGGESTIONS, cutoff=0.5)


def block_versions_of_family(row: BlockVersion) -> QuerySet[BlockVersion]:
    return BlockVersion.objects.filter(block_type_id=row.block_type_id).order_by("type_identifier")


def kind_list() -> QuerySet[Kind]:
    return Kind.objects.order_by("name")


def kind_get(name: str) -> Kind:
    kind = Kind.objects.filter(name=name).first()
    if kind is None:
        known = list(Kind.objects.values_list("name", flat=True))
        raise NotFoundError(
            f"No kind is named {name!r}.",
            code=ErrorCode.UNKNOWN_KIND,
            extra={"suggestions": difflib.get_close_matches(name, known, n=SUGGESTIONS, cutoff=0.5)},
        )
    return kind


def kind_usage(name: str) -> dict[str, list[dict[str, str]]]:
    """Which catalog properties accept the kind and which outputs produce it."""
    inputs: list[dict[str, str]] = []
    outputs: list[dict[str, str]] = []
    for spec in catalog_snapshot().blocks.values():
        for prop in spec.selector_properties():
            if name in prop.kinds:
                inputs.append({"type_identifier": spec.type_identifier, "property": prop.name})
        for out in spec.outputs:
            if name in out.kinds:
                outputs.append({"type_identifier": spec.type_identifier, "output": out.name})
    return {"inputs": inputs, "outputs": outputs}
