"""The block list as the palette reads it: every version's summary, built once per catalog change.

Building the list from model rows parsed every version's whole description (the JSON column holding
its schema) to read the search keywords, then ran DRF's serializer and `reverse()` per row: about
50 ms for Roboflow's 250 blocks, on every page load. The summaries are now read with the keywords
extracted by the database, kept per process with their JSON encoding, and rebuilt when the
fingerprint of the block tables changes (how many versions, and when a version or a block type was
last saved); a warm read costs the fingerprint's two aggregate queries.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Max
from django.urls import get_script_prefix, reverse

from registry.models import BlockType, BlockVersion

# The fields of a block list entry, in order: `BlockVersionSlimSerializer` (the schema) lists these
# (tests/registry/test_block_summaries.py checks that both give the same list).
SUMMARY_FIELDS = (
    "type_identifier",
    "aliases",
    "family",
    "version",
    "human_name",
    "category",
    "short_description",
    "search_keywords",
    "state",
    "is_default",
    "executable",
    "source",
    "deprecation_message",
    "replacement",
    "sunset_date",
    "docs_url",
)


@dataclass(frozen=True, slots=True)
class BlockSummaries:
    fingerprint: tuple[object, ...]
    etag: str
    # Each summary with the fields the filters read (`search_text`), in the list's order.
    rows: list[tuple[dict[str, Any], str]]
    # `{"count", "results"}` of the whole list, encoded once.
    body: bytes


_lock = threading.Lock()
_cached: BlockSummaries | None = None


def _fingerprint() -> tuple[object, ...]:
    versions = BlockVersion.objects.aggregate(count=Count("pk"), saved=Max("updated_at"))
    types = BlockType.objects.aggregate(saved=Max("updated_at"))
    return versions["count"], str(versions["saved"]), str(types["saved"]), get_script_prefix()


def _build(fingerprint: tuple[object, ...]) -> BlockSummaries:
    rows: list[tuple[dict[str, Any], str]] = []
    for row in BlockVersion.objects.order_by("category", "type_identifier").values(
        "pk",
        "type_identifier",
        "aliases",
        "version",
        "human_name",
        "category",
        "short_description",
        "state",
        "executable",
        "source",
        "deprecation_message",
        "replacement",
        "sunset_date",
        "search_text",
        family=F("block_type__family"),
        default_version_id=F("block_type__default_version_id"),
        search_keywords=F("description__block_schema__search_keywords"),
    ):
        summary = {
            "type_identifier": row["type_identifier"],
            "aliases": row["aliases"],
            "family": row["family"],
            "version": row["version"],
            "human_name": row["human_name"],
            "category": row["category"],
            "short_description": row["short_description"],
            "search_keywords": row["search_keywords"] or [],
            "state": row["state"],
            "is_default": row["default_version_id"] == row["pk"],
            "executable": row["executable"],
            "source": row["source"],
            "deprecation_message": row["deprecation_message"],
            "replacement": row["replacement"],
            "sunset_date": row["sunset_date"].isoformat() if row["sunset_date"] else None,
            "docs_url": reverse("block-docs", kwargs={"type_identifier": row["type_identifier"]}),
        }
        rows.append((summary, row["search_text"]))
    results = [summary for summary, _ in rows]
    body = json.dumps({"count": len(results), "results": results}, separators=(",", ":")).encode()
    etag = '"blocks-' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return BlockSummaries(fingerprint=fingerprint, etag=etag, rows=rows, body=body)


def block_summaries() -> BlockSummaries:
    """Every block version's summary, ordered by category then identifier."""
    global _cached
    fingerprint = _fingerprint()
    cached = _cached
    if cached is not None and cached.fingerprint == fingerprint:
        return cached
    with _lock:
        if _cached is None or _cached.fingerprint != fingerprint:
            _cached = _build(fingerprint)
        return _cached


def block_summaries_filtered(
    summaries: BlockSummaries, *, search: str = "", category: str = "", state: str = "", executable: bool | None = None
) -> list[dict[str, Any]]:
    """The summaries that match every filter given; `search` words are matched as the list's
    search text holds them (lower case)."""
    words = search.lower().split()
    return [
        summary
        for summary, search_text in summaries.rows
        if (not state or summary["state"] == state)
        and (not category or summary["category"] == category)
        and (executable is None or summary["executable"] == executable)
        and all(word in search_text for word in words)
    ]
