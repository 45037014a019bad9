"""The image value that flows through workflows, with its lineage.

Pixels are an RGB ``uint8`` array (height, width, 3), decoded only when a block needs them. When
an image arrived as JPEG or PNG its original bytes are kept, so a model server can be sent exactly
what came in without decoding or re-encoding it. Crops record their
parent and root image and where they sit in them, as Roboflow's `image` kind does.
"""

from __future__ import annotations

import base64
import io
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image


@dataclass(frozen=True, slots=True)
class Origin:
    offset_x: int
    offset_y: int
    width: int
    height: int

    def as_dict(self) -> dict[str, int]:
        return {"offset_x": self.offset_x, "offset_y": self.offset_y, "width": self.width, "height": self.height}


class WorkflowImage:
    """An image; its pixels are decoded on first use (once, shared by every step that reads them).

    Built either from pixels, or from encoded bytes with their size (read from the header) and a
    decoder. Treat it as immutable: transformations return new images.
    """

    __slots__ = (
        "_base64",
        "_decoder",
        "_encoded",
        "_lock",
        "_pixels",
        "_size",
        "encoding",
        "parent_id",
        "parent_origin",
        "root_origin",
        "root_parent_id",
    )

    def __init__(
        self,
        pixels: NDArray[np.uint8] | None = None,
        *,
        parent_id: str,
        root_parent_id: str,
        encoded: bytes | Callable[[], bytes] | None = None,
        encoding: str | None = None,
        parent_origin: Origin | None = None,
        root_origin: Origin | None = None,
        size: tuple[int, int] | None = None,
        decoder: Callable[[], NDArray[np.uint8]] | None = None,
        base64_text: str | None = None,
    ) -> None:
        if pixels is None and (decoder is None or size is None):
            raise ValueError("An image needs pixels, or a decoder and its (width, height).")
        self._pixels = pixels
        self._decoder = decoder
        self._size = size if pixels is None else (int(pixels.shape[1]), int(pixels.shape[0]))
        self._lock = threading.Lock()
        self._base64 = base64_text
        self.parent_id = parent_id
        self.root_parent_id = root_parent_id
        self._encoded = encoded
        self.encoding = encoding
        self.parent_origin = parent_origin
        self.root_origin = root_origin

    def __repr__(self) -> str:
        return f"WorkflowImage({self.width}x{self.height}, parent_id={self.parent_id!r})"

    @property
    def pixels(self) -> NDArray[np.uint8]:
        """RGB uint8 (height, width, 3), decoded on first use."""
        pixels = self._pixels
        if pixels is None:
            with self._lock:
                if self._pixels is None and self._decoder is not None:
                    self._pixels = self._decoder()
                    self._decoder = None
                pixels = self._pixels
        assert pixels is not None
        return pixels

    @property
    def encoded(self) -> bytes | None:
        """The file's bytes; given as a callable (base64 not decoded until something needs the bytes),
        called on first use, once."""
        encoded = self._encoded
        if callable(encoded):
            with self._lock:
                if callable(self._encoded):
                    self._encoded = self._encoded()
                encoded = self._encoded
        return encoded

    @property
    def decoded(self) -> bool:
        return self._pixels is not None

    @property
    def width(self) -> int:
        return self._size[0] if self._size is not None else int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return self._size[1] if self._size is not None else int(self.pixels.shape[0])

    def rgb_image(self) -> Image.Image:
        """The pixels as a Pillow RGB image. When nothing has decoded the image yet, it is read straight
        from the original bytes and not kept: a model that only needs a small resized copy does not
        hold the full-size pixels for the rest of the run."""
        if self._pixels is None and self.encoded is not None and self.encoding in {"jpeg", "png"}:
            try:
                opened = Image.open(io.BytesIO(self.encoded))
                opened.load()
                # An RGB file is used as decoded: converting would copy the full-size pixels once more.
                return opened if opened.mode == "RGB" else opened.convert("RGB")
            except (OSError, SyntaxError, ValueError):
                pass  # the decoder below reports the damage with its own error
        return Image.fromarray(self.pixels)

    def with_pixels(self, pixels: NDArray[np.uint8]) -> WorkflowImage:
        """The same image (same lineage) with transformed pixels; the original bytes no longer apply."""
        return WorkflowImage(
            np.ascontiguousarray(pixels),
            parent_id=self.parent_id,
            root_parent_id=self.root_parent_id,
            parent_origin=self.parent_origin,
            root_origin=self.root_origin,
        )

    def crop(self, x_min: int, y_min: int, x_max: int, y_max: int, crop_id: str) -> WorkflowImage | None:
        """The region, clipped to the image; None when nothing of it is inside the image."""
        x0, y0 = max(0, x_min), max(0, y_min)
        x1, y1 = min(self.width, x_max), min(self.height, y_max)
        if x1 <= x0 or y1 <= y0:
            return None
        root = self.root_origin or Origin(0, 0, self.width, self.height)
        return WorkflowImage(
            np.ascontiguousarray(self.pixels[y0:y1, x0:x1]),
            parent_id=crop_id,
            root_parent_id=self.root_parent_id,
            parent_origin=Origin(x0, y0, self.width, self.height),
            root_origin=Origin(root.offset_x + x0, root.offset_y + y0, root.width, root.height),
        )

    def jpeg_bytes(self, quality: int = 90) -> bytes:
        if self.encoded is not None and self.encoding == "jpeg":
            return self.encoded
        buffer = io.BytesIO()
        Image.fromarray(self.pixels).save(buffer, format="JPEG", quality=quality)
        return buffer.getvalue()

    def transport_bytes(self) -> bytes:
        """What to send to a model server: the original JPEG/PNG bytes, or a fresh JPEG."""
        if self.encoded is not None and self.encoding in {"jpeg", "png"}:
            return self.encoded
        return self.jpeg_bytes()

    def transport_base64(self) -> str:
        """`transport_bytes` as base64: the text the client sent when it is exactly that, else encoded here."""
        if self._base64 is not None and self._encoded is not None and self.encoding in {"jpeg", "png"}:
            return self._base64
        return base64.b64encode(self.transport_bytes()).decode("ascii")

    def serialise(self) -> dict[str, Any]:
        """Roboflow's `image` output shape."""
        value: dict[str, Any] = {
            "type": "base64",
            "value": self._base64
            if self._base64 is not None and self.encoding == "jpeg"
            else base64.b64encode(self.jpeg_bytes()).decode("ascii"),
            "video_metadata": None,
        }
        if self.parent_origin is not None:
            value["parent_id"] = self.parent_id
            value["parent_origin"] = self.parent_origin.as_dict()
            value["root_parent_id"] = self.root_parent_id
            value["root_parent_origin"] = (self.root_origin or self.parent_origin).as_dict()
        return value
