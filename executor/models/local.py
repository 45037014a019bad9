"""Local ONNX classification models: the backend that works with no network and no key.

A model is an ONNX file taking float32 images (batch, 3, height, width) scaled to 0..1, RGB, and
returning one score per class (softmax probabilities, or logits that are softmaxed here). The
response has Roboflow's classification shape (spec section 6.6): classes under the threshold are
left out, the rest sorted by confidence (4 decimals), `top` the first or "" when none.
"""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol, cast

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray
from PIL import Image

from blocks.images import WorkflowImage
from blocks.ports import (
    ClassificationModelPort,
    ClassificationRequest,
    ModelError,
    ModelNotFoundError,
    NoModelConfiguredError,
)
from executor.metrics import MODEL_CALL_ERRORS, model_call

DEFAULT_CONFIDENCE = 0.4
# Decoding and resizing are CPU work that releases the GIL: a few threads per process are enough.
_PREPARE_POOL = ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1), thread_name_prefix="onnx-prepare")


@dataclass(frozen=True, slots=True)
class LocalModelInfo:
    model_id: str
    path: str
    class_names: tuple[str, ...]
    input_width: int
    input_height: int


def _prepared(image: WorkflowImage, size: tuple[int, int]) -> NDArray[np.float32]:
    return np.asarray(image.rgb_image().resize(size, Image.Resampling.BILINEAR), dtype=np.float32)


class OnnxClassifier:
    """One ONNX session. A batch is decoded and resized side by side (Pillow releases the GIL),
    then scored in one session run per `batch_size` images."""

    def __init__(self, info: LocalModelInfo, *, threads: int = 2, batch_size: int = 64) -> None:
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        self.info = info
        self.batch_size = max(1, batch_size)
        self._session = ort.InferenceSession(info.path, sess_options=options, providers=["CPUExecutionProvider"])
        self._input = self._session.get_inputs()[0].name

    def shape_mismatch(self) -> str | None:
        """How the declared input size or classes disagree with the file, or None. One blank image is
        scored, so dimensions the file leaves open (a named batch, a dynamic size) are checked too."""
        width, height, classes = self.info.input_width, self.info.input_height, len(self.info.class_names)
        declared = self._session.get_inputs()[0].shape
        fixed = [dim if isinstance(dim, int) else None for dim in declared]
        if len(fixed) != 4 or fixed[1] not in (None, 3):
            return f"The model takes inputs of shape {declared}, not (batch, 3, height, width) images."
        if fixed[2] not in (None, height) or fixed[3] not in (None, width):
            return f"The model takes {fixed[3]}x{fixed[2]} images, not the declared {width}x{height}."
        try:
            scores = self._session.run(None, {self._input: np.zeros((1, 3, height, width), dtype=np.float32)})[0]
        except Exception:  # onnxruntime raises its own types for an input the graph cannot take
            return f"The model cannot score a {width}x{height} image."
        shape = list(np.shape(scores))
        if shape != [1, classes]:
            return f"The model answers scores of shape {shape} for one image, not [1, {classes}] ({classes} classes)."
        return None

    def _tensor(self, images: Sequence[WorkflowImage]) -> NDArray[np.float32]:
        size = (self.info.input_width, self.info.input_height)
        if len(images) > 1:
            arrays = list(_PREPARE_POOL.map(lambda image: _prepared(image, size), images))
        else:
            arrays = [_prepared(image, size) for image in images]
        return (np.stack(arrays) / 255.0).transpose(0, 3, 1, 2).astype(np.float32)

    def scores(self, images: Sequence[WorkflowImage]) -> NDArray[np.float32]:
        parts = [
            np.asarray(
                self._session.run(None, {self._input: self._tensor(images[start : start + self.batch_size])})[0],
                dtype=np.float32,
            )
            for start in range(0, len(images), self.batch_size)
        ]
        raw = np.concatenate(parts)
        if np.all(raw >= 0) and np.allclose(raw.sum(axis=1), 1.0, atol=1e-3):
            return raw
        shifted = np.exp(raw - raw.max(axis=1, keepdims=True))
        return cast(NDArray[np.float32], (shifted / shifted.sum(axis=1, keepdims=True)).astype(np.float32))

    def classify(self, images: Sequence[WorkflowImage], confidence: float | str) -> list[dict[str, Any]]:
        threshold = DEFAULT_CONFIDENCE if isinstance(confidence, str) else float(confidence)
        responses = []
        for image, row in zip(images, self.scores(images), strict=True):
            kept = sorted(
                (
                    (round(float(score), 4), class_id, name)
                    for class_id, (name, score) in enumerate(zip(self.info.class_names, row, strict=True))
                    if score >= threshold
                ),
                key=lambda entry: -entry[0],
            )
            predictions = [{"class": name, "class_id": class_id, "confidence": score} for score, class_id, name in kept]
            responses.append(
                {
                    "inference_id": str(uuid.uuid4()),
                    "image": {"width": image.width, "height": image.height},
                    "predictions": predictions,
                    "top": predictions[0]["class"] if predictions else "",
                    "confidence": predictions[0]["confidence"] if predictions else 0.0,
                }
            )
        return responses


LocalModelLookup = Callable[[str], LocalModelInfo | None]


class RemoteClassify(Protocol):
    def __call__(
        self, request: ClassificationRequest, images: Sequence[WorkflowImage], *, deadline: float | None = None
    ) -> list[dict[str, Any] | ModelError]: ...


LocalPredictionHook = Callable[[str, WorkflowImage, dict[str, Any], str | None], None]


class ModelRouter:
    """The classification port: a registered local model by id, else a Roboflow backend.

    Sessions are loaded once per model file and reused across runs.
    """

    def __init__(
        self,
        lookup: LocalModelLookup,
        *,
        remote: RemoteClassify | None = None,
        on_local_prediction: LocalPredictionHook | None = None,
        on_close: Callable[[], None] | None = None,
        batch_size: int = 64,
    ) -> None:
        self._lookup = lookup
        self._batch_size = batch_size
        self._on_close = on_close
        self._remote = remote
        self._on_local_prediction = on_local_prediction
        self._sessions: dict[tuple[str, str], OnnxClassifier] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        if self._on_close is not None:
            self._on_close()

    def _local(self, info: LocalModelInfo) -> OnnxClassifier:
        key = (info.model_id, info.path)
        with self._lock:
            classifier = self._sessions.get(key)
            if classifier is None:
                try:
                    classifier = OnnxClassifier(info, batch_size=self._batch_size)
                except Exception as exc:  # onnxruntime raises its own exception types for bad files
                    raise ModelNotFoundError(f"The local model {info.model_id} could not be loaded.") from exc
                self._sessions[key] = classifier
        return classifier

    def for_run(self, *, deadline: float | None) -> ClassificationModelPort:
        """The port one run uses: model calls never wait past the run's deadline."""
        return _RunPort(self, deadline)

    def classify(
        self, request: ClassificationRequest, images: Sequence[WorkflowImage], *, deadline: float | None = None
    ) -> list[dict[str, Any] | ModelError]:
        info = self._lookup(request.model_id)
        if info is not None:
            try:
                with model_call("local"):
                    responses = self._local(info).classify(images, request.confidence)
            except ModelError as exc:
                MODEL_CALL_ERRORS.labels("local", exc.code).inc()
                raise
            if self._on_local_prediction is not None and not request.disable_active_learning:
                for image, response in zip(images, responses, strict=True):
                    self._on_local_prediction(request.model_id, image, response, request.active_learning_target_dataset)
            return list(responses)
        if self._remote is None or not request.api_key:
            raise NoModelConfiguredError(
                f"No local model is registered under {request.model_id!r}, and no Roboflow API key was given "
                "to run it on Roboflow."
            )
        with model_call("roboflow"):
            answers = self._remote(request, images, deadline=deadline)
        for answer in answers:
            if isinstance(answer, ModelError):
                MODEL_CALL_ERRORS.labels("roboflow", answer.code).inc()
        return answers


@dataclass(frozen=True, slots=True)
class _RunPort:
    router: ModelRouter
    deadline: float | None

    def classify(
        self, request: ClassificationRequest, images: Sequence[WorkflowImage]
    ) -> list[dict[str, Any] | ModelError]:
        return self.router.classify(request, images, deadline=self.deadline)
