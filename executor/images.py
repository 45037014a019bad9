"""Turns image inputs as clients send them into `WorkflowImage`s, with limits.

Accepted: `{"type": "base64" | "url", "value": ...}` dicts (Roboflow's request shape; `type` is a
hint, as upstream), base64 strings, `data:` URLs, http(s) URLs and raw bytes (multipart uploads).
Every failure is an `ImageError` with a stable code; nothing else escapes. URLs are fetched by
`executor.fetch`: only public addresses (unless the limits allow private ones), within a deadline.
"""

from __future__ import annotations

import base64
import binascii
import functools
import io
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pybase64
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

from blocks.errors import DomainError, ErrorCode, PayloadTooLargeError
from blocks.images import WorkflowImage
from executor.fetch import FetchError, FetchLimits, fetch_url

# The workflow input types whose values are images (loaded and counted as such).
IMAGE_INPUT_TYPES = frozenset({"WorkflowImage"})


@dataclass(frozen=True, slots=True)
class ImageLimits:
    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 40_000_000
    url_timeout_s: float = 10.0
    allow_private_urls: bool = False
    # Per request: how many images, and how many pixels all of them together may decode to.
    max_images: int = 128
    max_request_pixels: int = 100_000_000
    url_concurrency: int = 8


class ImageError(DomainError):
    """An image that cannot be read or is over a limit for one image."""


class ImageRequestTooLargeError(ImageError, PayloadTooLargeError):
    """The images of one request together are over a per-request limit."""


_FORMATS = {"JPEG": "jpeg", "PNG": "png"}
PNG_END = b"IEND\xaeB`\x82"
PNG_START = b"\x89PNG\r\n\x1a\n"
JPEG_END = b"\xff\xd9"
# Start-of-frame markers (baseline, progressive, lossless...); C4, C8 and CC are other segments.
JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Base64 characters read from each end of a large image's text (multiples of 4): 48 KiB of the file's
# head holds a camera JPEG's header (EXIF thumbnail included); 12 bytes of its tail hold its end.
HEAD_TEXT = 64 * 1024
TAIL_TEXT = 16


def _open_errors(exc: Exception) -> ImageError:
    if isinstance(exc, Image.DecompressionBombError | Image.DecompressionBombWarning):
        return ImageError("The image decompresses to too many pixels.", code=ErrorCode.TOO_MANY_PIXELS)
    if isinstance(exc, UnidentifiedImageError):
        return ImageError("The data is not an image in a format we read.", code=ErrorCode.INVALID_IMAGE)
    return ImageError(f"The image is damaged or truncated: {exc}", code=ErrorCode.TRUNCATED_IMAGE)


def _decode_pixels(data: bytes) -> NDArray[np.uint8]:
    try:
        with Image.open(io.BytesIO(data)) as opened:
            return np.asarray(opened.convert("RGB"), dtype=np.uint8)
    except (Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise _open_errors(exc) from exc


def _looks_complete(data: bytes, encoding: str | None) -> bool:
    """Whether the file ends as a whole JPEG or PNG does: then decoding can wait until pixels are
    needed. Anything else is decoded at once, so a truncated upload is refused up front as before."""
    if encoding == "jpeg":
        return data.rstrip(b"\x00\r\n ").endswith(JPEG_END)
    if encoding == "png":
        return data.endswith(PNG_END)
    return False


def decode_image(data: bytes, *, parent_id: str, limits: ImageLimits, base64_text: str | None = None) -> WorkflowImage:
    """The image with its size read from the header; pixels decoded lazily when the file is whole."""
    if len(data) > limits.max_bytes:
        raise ImageError(
            f"The image is {len(data)} bytes; the limit is {limits.max_bytes}.", code=ErrorCode.IMAGE_TOO_LARGE
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                width, height = opened.size
                encoding = _FORMATS.get(opened.format or "")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, OSError, SyntaxError, ValueError) as exc:
        raise _open_errors(exc) from exc
    if width * height > limits.max_pixels:
        raise ImageError(
            f"The image has {width * height} pixels; the limit is {limits.max_pixels}.", code=ErrorCode.TOO_MANY_PIXELS
        )
    lazy = _looks_complete(data, encoding)
    return WorkflowImage(
        None if lazy else _decode_pixels(data),
        parent_id=parent_id,
        root_parent_id=parent_id,
        encoded=data,
        encoding=encoding,
        size=(width, height),
        decoder=functools.partial(_decode_pixels, data) if lazy else None,
        base64_text=base64_text,
    )


def _from_base64(text: str, *, parent_id: str, limits: ImageLimits) -> WorkflowImage:
    if text.startswith("data:"):
        _, _, text = text.partition(",")
    if len(text) * 3 // 4 > limits.max_bytes:
        raise ImageError(
            f"The image is larger than the limit of {limits.max_bytes} bytes.", code=ErrorCode.IMAGE_TOO_LARGE
        )
    undecoded = _undecoded(text, parent_id=parent_id, limits=limits)
    if undecoded is not None:
        return undecoded
    data = _b64decode(text)
    # The text can be forwarded as it came only when it is exactly the canonical encoding of the bytes.
    canonical = len(text) == 4 * ((len(data) + 2) // 3)
    return decode_image(data, parent_id=parent_id, limits=limits, base64_text=text if canonical else None)


def _b64decode(text: str) -> bytes:
    try:
        # pybase64 (SIMD) decodes strictly valid text some 50 times faster than the standard library,
        # whose lenient decoding (characters outside the alphabet skipped) serves everything else.
        return pybase64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        try:
            return base64.b64decode(text, validate=False)
        except (binascii.Error, ValueError) as exc:
            raise ImageError("The image is not valid base64.", code=ErrorCode.INVALID_IMAGE) from exc


def _undecoded(text: str, *, parent_id: str, limits: ImageLimits) -> WorkflowImage | None:
    """A large image read from the two ends of its base64 text alone: the header from the head, the
    file's end (not truncated) from the tail, the size from the length. A model server is sent the
    text as it came, so an image that is only forwarded is never decoded here; the bytes and pixels
    are decoded when a step needs them. None when anything is unusual (then the image is decoded
    whole, with the same checks and errors as before): text that is not canonical at its ends, a
    header further in than the head, a file that does not end as a whole JPEG or PNG, a size over a
    limit. Characters outside the alphabet in the middle of canonical text reach the model server,
    which refuses the image as a model error of that image."""
    if len(text) <= HEAD_TEXT or len(text) % 4:
        return None
    try:
        head = pybase64.b64decode(text[:HEAD_TEXT], validate=True)
        tail = pybase64.b64decode(text[-TAIL_TEXT:], validate=True)
    except (binascii.Error, ValueError):
        return None
    header = _header(head)
    size = len(text) // 4 * 3 - text[-2:].count("=")
    if header is None or size > limits.max_bytes:
        return None
    width, height, encoding = header
    if width * height > limits.max_pixels or not _looks_complete(tail, encoding):
        return None
    data = functools.cache(functools.partial(_b64decode, text))
    return WorkflowImage(
        None,
        parent_id=parent_id,
        root_parent_id=parent_id,
        encoded=data,
        encoding=encoding,
        size=(width, height),
        decoder=lambda: _decode_pixels(data()),
        base64_text=text,
    )


def _header(head: bytes) -> tuple[int, int, str] | None:
    """Width, height and format of a JPEG (its frame header) or PNG (IHDR) from the file's first bytes."""
    if head.startswith(PNG_START) and head[12:16] == b"IHDR":
        width, height = int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
        return (width, height, "png") if width and height else None
    if not head.startswith(b"\xff\xd8"):
        return None
    at = 2
    while at + 9 < len(head):
        if head[at] != 0xFF:
            return None
        marker = head[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in JPEG_FRAMES:
            height, width = int.from_bytes(head[at + 5 : at + 7], "big"), int.from_bytes(head[at + 7 : at + 9], "big")
            return (width, height, "jpeg") if width and height else None
        if marker == 0xDA:  # the scan, before any frame header
            return None
        at += 2 + int.from_bytes(head[at + 2 : at + 4], "big")
    return None


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
        raise ImageError("An image is base64 text, a data URL, an http(s) URL or a file.", code=ErrorCode.INVALID_IMAGE)
    if value.startswith(("http://", "https://")):
        return _from_url(value, parent_id=parent_id, limits=limits)
    return _from_base64(value, parent_id=parent_id, limits=limits)


def load_images(
    values: Sequence[tuple[str, Any]], *, limits: ImageLimits, deadline: float | None = None
) -> list[WorkflowImage]:
    """The images of one request, as (parent id, value) pairs, within the per-request limits.

    The count is checked before anything is read, and the pixels of all images (from their headers)
    before anything is decoded. URLs are fetched side by side, none past the run's `deadline`
    (time.monotonic()).
    """
    if len(values) > limits.max_images:
        raise ImageRequestTooLargeError(
            f"The request has {len(values)} images; the limit is {limits.max_images}.",
            code=ErrorCode.TOO_MANY_IMAGES,
        )

    def load(item: tuple[str, Any]) -> WorkflowImage:
        parent_id, value = item
        if deadline is None or not _is_url(value):
            return load_image(value, parent_id=parent_id, limits=limits)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ImageError("The run ran out of time before the image could be fetched.", code=ErrorCode.URL_TIMEOUT)
        within = replace(limits, url_timeout_s=min(limits.url_timeout_s, remaining))
        return load_image(value, parent_id=parent_id, limits=within)

    urls = sum(1 for _, value in values if _is_url(value))
    if urls > 1:
        with ThreadPoolExecutor(max_workers=min(urls, limits.url_concurrency)) as pool:
            images = list(pool.map(load, values))
    else:
        images = [load(item) for item in values]
    total = sum(image.width * image.height for image in images)
    if total > limits.max_request_pixels:
        raise ImageRequestTooLargeError(
            f"The request's images have {total} pixels together; the limit is {limits.max_request_pixels}.",
            code=ErrorCode.TOO_MANY_PIXELS,
        )
    return images


def _is_url(value: Any) -> bool:
    if isinstance(value, dict):
        value = value.get("value")
    return isinstance(value, str) and value.startswith(("http://", "https://"))
