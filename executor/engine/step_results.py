"""What each step gave for each input element, for people looking at a run: its status (ran, skipped,
failed; a flow-control step passed or stopped), its outputs as JSON, and every image as a small
JPEG thumbnail with the image's own size, so a run record stays small and still shows them."""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence
from typing import Any

from PIL import Image

from blocks.images import WorkflowImage

THUMBNAIL_PIXELS = 160
THUMBNAIL_QUALITY = 80


def jpeg_thumbnail(picture: Image.Image, size: int) -> bytes:
    """`picture` scaled to fit `size` pixels on its longer side, as a JPEG. A JPEG not yet decoded is
    decoded straight at about that size (the decoder's draft mode, asked for the thumbnail's own
    proportions: a 640x480 photo at a quarter rather than half), so a camera photo's thumbnail does not
    cost a full decode; other pictures are decoded whole."""
    width, height = picture.size
    scale = min(size / max(width, height, 1), 1.0)
    picture.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
    small = picture.convert("RGB")
    small.thumbnail((size, size))
    buffer = io.BytesIO()
    small.save(buffer, format="JPEG", quality=THUMBNAIL_QUALITY)
    return buffer.getvalue()


def _thumbnail(image: WorkflowImage) -> bytes:
    if image.encoded is not None and image.encoding == "jpeg":
        try:
            return jpeg_thumbnail(Image.open(io.BytesIO(image.encoded)), THUMBNAIL_PIXELS)
        except (OSError, SyntaxError, ValueError):
            pass
    return jpeg_thumbnail(image.rgb_image(), THUMBNAIL_PIXELS)


def image_preview(image: WorkflowImage) -> dict[str, Any]:
    """The image's size and a thumbnail no larger than THUMBNAIL_PIXELS on either side."""
    return {
        "type": "image",
        "width": image.width,
        "height": image.height,
        "thumbnail": "data:image/jpeg;base64," + base64.b64encode(_thumbnail(image)).decode("ascii"),
    }


def _preview(value: Any) -> Any:
    if isinstance(value, WorkflowImage):
        return image_preview(value)
    if isinstance(value, dict):
        return {key: _preview(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_preview(item) for item in value]
    return value


def step_results(
    *,
    steps: Sequence[tuple[str, bool]],
    outputs: Mapping[str, Sequence[dict[str, Any] | None]],
    decisions: Mapping[str, Sequence[bool]],
    failed: Mapping[str, set[int | None]],
) -> dict[str, list[dict[str, Any]]]:
    """Per step (name, whether it is a flow-control step), per element: status and outputs. A failure
    recorded for the whole step (element None) counts for each of its elements."""
    results: dict[str, list[dict[str, Any]]] = {}
    for name, controls_flow in steps:
        elements: list[dict[str, Any]] = []
        produced = outputs.get(name) or [None]
        for index, element in enumerate(produced):
            if index in failed.get(name, set()) or None in failed.get(name, set()):
                elements.append({"status": "failed", "outputs": None})
            elif element is None:
                elements.append({"status": "skipped", "outputs": None})
            elif controls_flow:
                passed = bool(decisions.get(name, [False] * len(produced))[index])
                elements.append({"status": "passed" if passed else "stopped", "outputs": None})
            else:
                elements.append({"status": "ran", "outputs": _preview(element)})
        results[name] = elements
    return results
