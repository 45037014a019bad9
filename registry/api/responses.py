"""Responses made from a shape (registry.selectors.shapes), and responses that send stored JSON bytes
as they are: a warm read is a copy, not a serialisation.

Large catalog documents are gzipped once per catalog version and kept, so clients that accept gzip
get the compressed bytes without compressing on every request.
"""

from __future__ import annotations

import gzip
import threading

from django.http import HttpRequest, HttpResponse
from pydantic import BaseModel
from rest_framework.response import Response


def shaped(answer: BaseModel, *, status: int = 200) -> Response:
    """The answer as JSON: the view declares the same model as its response, so the schema and the
    answer have one description."""
    return Response(answer.model_dump(mode="json"), status=status)


_lock = threading.Lock()
_compressed: dict[tuple[str, object], bytes] = {}


def _gzipped(key: str, version: object, body: bytes) -> bytes:
    cached = _compressed.get((key, version))
    if cached is None:
        with _lock:
            cached = _compressed.get((key, version))
            if cached is None:
                cached = gzip.compress(body, compresslevel=6)
                for stale in [k for k in _compressed if k[0] == key]:
                    del _compressed[stale]
                _compressed[(key, version)] = cached
    return cached


def stored_json_response(
    request: HttpRequest, body: bytes, *, key: str, version: object, etag: str | None = None
) -> HttpResponse:
    """`body` as JSON, gzipped from the per-version cache when the client accepts it."""
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(_gzipped(key, version, body), content_type="application/json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(body, content_type="application/json")
    response["Vary"] = "Accept-Encoding"
    if etag is not None:
        response["ETag"] = etag
        response["Cache-Control"] = "no-cache"
    return response


def not_modified(etag: str) -> HttpResponse:
    response = HttpResponse(status=304)
    response["ETag"] = etag
    return response
