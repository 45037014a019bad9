"""Answers of Roboflow's routes, encoded by msgspec: a run's outputs can carry large base64 images.

Request bodies come in through the one intake path, `registry.api.limits` (`body_read`,
`parse_json_bytes`, which parses with msgspec too)."""

from __future__ import annotations

import json
from typing import Any

import msgspec
from django.core.serializers.json import DjangoJSONEncoder


def json_bytes(value: Any) -> bytes:
    """`value` as JSON, by msgspec; values it cannot encode (numpy numbers, dates, ...) as `JsonResponse`
    encodes them."""
    try:
        return msgspec.json.encode(value)
    except (TypeError, ValueError, OverflowError):
        return json.dumps(value, cls=DjangoJSONEncoder).encode("utf-8")
