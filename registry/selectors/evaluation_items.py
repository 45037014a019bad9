"""An evaluation's images one by one: those a confusion-matrix cell or the misclassified list counts
(the editor opens them from its report), and each image's picture as a small JPEG.

The images are the ones the metrics count (answered or failed; cancelled and pending ones are left
out), so a cell's list has as many images as the cell says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.core.files.storage import default_storage
from PIL import Image, UnidentifiedImageError

from blocks.errors import DomainError, ErrorCode, NotFoundError
from executor.engine.step_results import jpeg_thumbnail
from registry.models import DatasetEntry, Evaluation
from registry.selectors.evaluations import evaluation_predictions

ITEMS_LIMIT = 500


@dataclass(frozen=True, slots=True)
class ItemFilter:
    label: str | None = None
    # The predicted class; "" for the images with none (failed, or no class in the output).
    prediction: str | None = None
    outcome: Literal["correct", "wrong"] | None = None


def evaluation_items(evaluation: Evaluation, found: ItemFilter) -> dict[str, Any]:
    """The counted images that match every given filter, in dataset order (the first `ITEMS_LIMIT`),
    with how many matched."""
    indexes = DatasetEntry.objects.filter(dataset_id=evaluation.dataset_id).order_by("index").values_list("index")
    matched = []
    for (index,), p in zip(indexes, evaluation_predictions(evaluation), strict=True):
        if not p.counted or (found.label is not None and p.label != found.label):
            continue
        if found.prediction is not None and (p.prediction or "") != found.prediction:
            continue
        if found.outcome is not None and p.correct != (found.outcome == "correct"):
            continue
        matched.append(
            {
                "index": index,
                "file": p.file,
                "label": p.label,
                "prediction": p.prediction,
                "confidence": p.confidence,
                "status": p.status,
                "error": p.error,
                "image": f"/api/v1/evaluations/{evaluation.pk}/items/{index}/image",
            }
        )
    return {"count": len(matched), "results": matched[:ITEMS_LIMIT]}


def evaluation_item_thumbnail(evaluation: Evaluation, *, index: int, size: int) -> bytes:
    """The dataset image at `index` scaled to fit `size` pixels on its longer side, as a JPEG."""
    entry = DatasetEntry.objects.select_related("image").filter(dataset_id=evaluation.dataset_id, index=index).first()
    if entry is None:
        raise NotFoundError(f"Evaluation {evaluation.pk} has no image {index}.", code=ErrorCode.NOT_FOUND)
    try:
        with default_storage.open(entry.image.location, "rb") as handle, Image.open(handle) as image:
            return jpeg_thumbnail(image, size)
    except (OSError, UnidentifiedImageError) as exc:
        raise DomainError(f"Image {entry.name} cannot be read.", code=ErrorCode.INVALID_IMAGE) from exc
