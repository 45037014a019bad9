"""Turns image inputs as clients send them into `WorkflowImage`s, with limits.

Accepted: `{"type": "base64" | "url", "value": ...}` dicts (Roboflow's request shape; `type` is a
hint, as upstream), base64 strings, `data:` URLs, http(s) URLs and raw bytes (multipart uploads).
Every failure is an `ImageError` with a stable code; nothing else escapes. URLs that resolve to a
private, loopback or link-local address are refused unless the limits allow them.
"""

from __future__ import annotations

import base64
import binascii
import io
import ipaddress
import socket
import time
import warnings
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import requests
from PIL import Image, UnidentifiedImageError

from blocks.images import WorkflowImage


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


def _check_host(url: str, limits: ImageLimits) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImageError("Image URLs must be http or https.", code="url_not_allowed")
    if limits.allow_private_urls:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 80)}
    except OSError as exc:
        raise ImageError(f"The image host {parts.hostname} cannot be resolved.", code="url_fetch_failed") from exc
    for address in addresses:
        ip = ipaddress.ip_address(str(address).split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            raise ImageError(
                f"Image URLs may not point at private, loopback or link-local addresses ({parts.hostname}).",
                code="url_not_allowed",
            )


def _from_url(url: str, *, parent_id: str, limits: ImageLimits) -> WorkflowImage:
    _check_host(url, limits)
    deadline = time.monotonic() + limits.url_timeout_s
    chunks: list[bytes] = []
    received = 0
    try:
        with requests.get(url, stream=True, timeout=limits.url_timeout_s, allow_redirects=False) as response:
            if response.status_code != 200:
                raise ImageError(f"Fetching the image answered HTTP {response.status_code}.", code="url_fetch_failed")
            for chunk in response.iter_content(chunk_size=65536):
                received += len(chunk)
                if received > limits.max_bytes:
                    raise ImageError(
                        f"The image at the URL is larger than {limits.max_bytes} bytes.", code="image_too_large"
                    )
                if time.monotonic() > deadline:
                    raise ImageError("Fetching the image took too long.", code="url_timeout")
                chunks.append(chunk)
    except requests.Timeout as exc:
        raise ImageError("Fetching the image took too long.", code="url_timeout") from exc
    except requests.RequestException as exc:
        raise ImageError("The image could not be fetched.", code="url_fetch_failed") from exc
    return decode_image(b"".join(chunks), parent_id=parent_id, limits=limits)


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
