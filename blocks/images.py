"""The image value that flows through workflows, with its lineage.

Pixels are an RGB ``uint8`` array (height, width, 3). When an image arrived as JPEG or PNG its
original bytes are kept, so a model server can be sent exactly what came in. Crops record their
parent and root image and where they sit in them, as Roboflow's `image` kind does.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field, replace
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


@dataclass(frozen=True, slots=True)
class WorkflowImage:
    pixels: NDArray[np.uint8] = field(repr=False)
    parent_id: str
    root_parent_id: str
    encoded: bytes | None = field(default=None, repr=False)
    encoding: str | None = None
    parent_origin: Origin | None = None
    root_origin: Origin | None = None

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    def with_pixels(self, pixels: NDArray[np.uint8]) -> WorkflowImage:
        """The same image (same lineage) with transformed pixels; the original bytes no longer apply."""
        return replace(self, pixels=np.ascontiguousarray(pixels), encoded=None, encoding=None)

    def crop(self, x_min: int, y_min: int, x_max: int, y_max: int, crop_id: str) -> WorkflowImage | None:
        """The region, clipped to the image; None when nothing of it is inside the image."""
        x0, y0 = max(0, x_min), max(0, y_min)
        x1, y1 = min(self.width, x_max), min(self.height, y_max)
        if x1 <= x0 or y1 <= y0:
            return None
        root = self.root_origin or Origin(0, 0, self.width, self.height)
        return WorkflowImage(
            pixels=np.ascontiguousarray(self.pixels[y0:y1, x0:x1]),
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

    def serialise(self) -> dict[str, Any]:
        """Roboflow's `image` output shape."""
        value: dict[str, Any] = {
            "type": "base64",
            "value": base64.b64encode(self.jpeg_bytes()).decode("ascii"),
            "video_metadata": None,
        }
        if self.parent_origin is not None:
            value["parent_id"] = self.parent_id
            value["parent_origin"] = self.parent_origin.as_dict()
            value["root_parent_id"] = self.root_parent_id
            value["root_parent_origin"] = (self.root_origin or self.parent_origin).as_dict()
        return value
