"""Running a classification model over a batch, shared by the three versions' `run` functions.

The versions differ only in what they send as the confidence and which outputs they return; the
call and the post-processing (spec section 6.6) are the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from blocks.errors import ErrorCode
from blocks.images import WorkflowImage
from blocks.ports import ClassificationRequest, ModelError
from blocks.runtime import BlockRunContext, BlockRunError


def classify_batch(
    images: Sequence[WorkflowImage],
    *,
    model_id: Any,
    confidence: float | str,
    disable_active_learning: Any,
    active_learning_target_dataset: Any,
    context: BlockRunContext,
    with_model_id: bool,
) -> list[dict[str, Any] | Exception]:
    if context.model_port is None:
        raise BlockRunError("No model backend is available to run classification.", code=ErrorCode.NO_MODEL)
    if not isinstance(model_id, str) or not model_id:
        raise BlockRunError(f"`model_id` must be a model id such as `project/1`, got {model_id!r}.")
    request = ClassificationRequest(
        model_id=model_id,
        confidence=confidence,
        disable_active_learning=bool(disable_active_learning),
        active_learning_target_dataset=active_learning_target_dataset or None,
        api_key=context.api_key,
    )
    results: list[dict[str, Any] | Exception] = []
    for image, response in zip(images, context.model_port.classify(request, images), strict=True):
        if isinstance(response, ModelError):
            results.append(response)
            continue
        prediction = {
            **response,
            "prediction_type": "classification",
            "parent_id": image.parent_id,
            "root_parent_id": image.root_parent_id,
        }
        outputs: dict[str, Any] = {"inference_id": prediction.get("inference_id"), "predictions": prediction}
        if with_model_id:
            outputs["model_id"] = model_id
        results.append(outputs)
    return results
