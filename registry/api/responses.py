"""Responses that send stored JSON bytes as they are: a warm read is a copy, not a serialisation."""

from __future__ import annotations

from django.http import HttpResponse


class RawJsonResponse(HttpResponse):
    def __init__(self, body: bytes, *, etag: str | None = None, status: int = 200) -> None:
        super().__init__(body, content_type="application/json", status=status)
        if etag is not None:
            self["ETag"] = etag
            self["Cache-Control"] = "no-cache"


def not_modified(etag: str) -> HttpResponse:
    response = HttpResponse(status=304)
    response["ETag"] = etag
    return response
