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


def _small_rgb(image: WorkflowImage) -> Image.Image:
    """The pixels at about thumbnail size. A JPEG is decoded straight at a fraction of its size (the
    decoder's draft mode), so a camera photo's thumbnail does not cost a full decode. The draft asks
    for the thumbnail's own size, not a square: a 640x480 photo is then decoded at a quarter (160x120)
    rather than at half, a fifth less work per thumbnail."""
    if image.encoded is not None and image.encoding == "jpeg":
        try:
            opened = Image.open(io.BytesIO(image.encoded))
            width, height = opened.size
            scale = min(THUMBNAIL_PIXELS / max(width, height, 1), 1.0)
            opened.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
            return opened.convert("RGB")
        except (OSError, SyntaxError, ValueError):
            pass
    return image.rgb_image().copy()


def image_preview(image: WorkflowImage) -> dict[str, Any]:
    """The image's size and a thumbnail no larger than THUMBNAIL_PIXELS on either side."""
    thumbnail = _small_rgb(image)
    thumbnail.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
    buffer = io.BytesIO()
    thumbnail.save(buffer, format="JPEG", quality=80)
    return {
        "type": "image",
        "width": image.width,
        "height": image.height,
        "thumbnail": "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii"),
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
