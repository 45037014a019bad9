"""Turns image inputs as clients send them into `WorkflowImage`s, with limits.

Accepted: `{"type": "base64" | "url", "value": ...}` dicts (Roboflow's request shape; `type` is a
hint, as upstream), base64 strings, `data:` URLs, http(s) URLs and raw bytes (multipart uploads).
Every failure is an `ImageError` with a stable code; nothing else escapes. URLs are fetched by
`executor.fetch`: only public addresses (unless the limits allow private ones), within a deadline.
"""

from __future__ import annotations

import base64
import binascii
import io
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from blocks.images import WorkflowImage
from executor.fetch import FetchError, FetchLimits, fetch_url


@dataclass(frozen=True, slots=True)
class ImageLimits:
    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 40_000_000
    url_timeout_s: float = 10.0
    allow_private_urls: bool = False


class ImageError(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


_FORMATS = {"JPEG": "jpeg", "PNG": "png"}


def decode_image(data: bytes, *, parent_id: str, limits: ImageLimits) -> WorkflowImage:
    if len(data) > limits.max_bytes:
        raise ImageError(f"The image is {len(data)} bytes; the limit is {limits.max_bytes}.", code="image_too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                width, height = opened.size
                if width * height > limits.max_pixels:
                    raise ImageError(
                        f"The image has {width * height} pixels; the limit is {limits.max_pixels}.",
                        code="too_many_pixels",
                    )
                encoding = _FORMATS.get(opened.format or "")
                pixels = np.asarray(opened.convert("RGB"), dtype=np.uint8)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError("The image decompresses to too many pixels.", code="too_many_pixels") from exc
    except UnidentifiedImageError as exc:
        raise ImageError("The data is not an image in a format we read.", code="invalid_image") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"The image is damaged or truncated: {exc}", code="truncated_image") from exc
    return WorkflowImage(pixels=pixels, parent_id=parent_id, root_parent_id=parent_id, encoded=data, encoding=encoding)


def _from_base64(text: str, *, parent_id: str, limits: ImageLimits) -> WorkflowImage:
    if text.startswith("data:"):
        _, _, text = text.partition(",")
    if len(text) * 3 // 4 > limits.max_bytes:
        raise ImageError(f"The image is larger than the limit of {limits.max_bytes} bytes.", code="image_too_large")
    try:
        data = base64.b64decode(text, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise ImageError("The image is not valid base64.", code="invalid_image") from exc
    return decode_image(data, parent_id=parent_id, limits=limits)


def _from_url(url: str, *, parent_id: str, limits: ImageLimits) -> WorkflowImage:
    fetch_limits = FetchLimits(
        max_bytes=limits.max_bytes, timeout_s=limits.url_timeout_s, allow_private=limits.allow_private_urls
    )
    try:
        data = fetch_url(url, fetch_limits)
    except FetchError as exc:
        raise ImageError(exc.message, code=exc.code) from exc
    return decode_image(data, parent_id=parent_id, limits=limits)


def load_image(value: Any, *, parent_id: str, limits: ImageLimits) -> WorkflowImage:
    if isinstance(value, WorkflowImage):
        return value
    if isinstance(value, bytes | bytearray):
        return decode_image(bytes(value), parent_id=parent_id, limits=limits)
    if isinstance(value, dict):
        value = value.get("value")
    if not isinstance(value, str) or not value:
        raise ImageError("An image is base64 text, a data URL, an http(s) URL or a file.", code="invalid_image")
    if value.startswith(("http://", "https://")):
        return _from_url(value, parent_id=parent_id, limits=limits)
    return _from_base64(value, parent_id=parent_id, limits=limits)
