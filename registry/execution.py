"""Builds the executor's configuration from Django settings, and the model port backed by the database.

`blocks` and `executor` never read settings; this module is where settings become the frozen
objects they take. The router is built once per process so ONNX sessions are loaded once.
"""

from __future__ import annotations

import functools
import io
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from blocks.images import WorkflowImage
from executor.engine import STEP_THREAD_PREFIX, RunContext
from executor.images import ImageLimits
from executor.models.local import LocalModelInfo, ModelRouter
from executor.models.roboflow import RemoteConfig, RoboflowClient
from registry.models import ActiveLearningDatapoint, LocalModel

P = ParamSpec("P")
R = TypeVar("R")

_router: tuple[RemoteConfig, ModelRouter] | None = None
_router_lock = threading.Lock()


def image_limits() -> ImageLimits:
    return ImageLimits(
        max_bytes=settings.BLOCKWISE_MAX_IMAGE_BYTES,
        max_pixels=settings.BLOCKWISE_MAX_IMAGE_PIXELS,
        url_timeout_s=settings.BLOCKWISE_IMAGE_URL_TIMEOUT_S,
        allow_private_urls=settings.BLOCKWISE_ALLOW_PRIVATE_IMAGE_URLS,
        max_images=settings.BLOCKWISE_MAX_IMAGES_PER_REQUEST,
        max_request_pixels=settings.BLOCKWISE_MAX_REQUEST_PIXELS,
    )


def model_path(file_path: str) -> str:
    path = Path(file_path)
    return str(path if path.is_absolute() else Path(settings.BASE_DIR) / path)


def _closes_worker_connection(function: Callable[P, R]) -> Callable[P, R]:
    """Steps of one layer run on the engine's worker threads; a query there opens a connection that
    no request cycle will close, so close it once the callback is done."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        finally:
            if threading.current_thread().name.startswith(STEP_THREAD_PREFIX):
                connection.close()

    return wrapper


# Local models as of the latest run start. Read in the request's thread, so steps running on the
# engine's worker threads look models up without touching the database.
_local_models: dict[str, LocalModelInfo] = {}


def refresh_local_models() -> None:
    global _local_models
    _local_models = {
        row.model_id: LocalModelInfo(
            model_id=row.model_id,
            path=model_path(row.file_path),
            class_names=tuple(row.class_names),
            input_width=row.input_width,
            input_height=row.input_height,
        )
        for row in LocalModel.objects.all()
    }


def local_model_lookup(model_id: str) -> LocalModelInfo | None:
    return _local_models.get(model_id)


@_closes_worker_connection
def keep_for_active_learning(
    model_id: str, image: WorkflowImage, prediction: dict[str, Any], target_dataset: str | None
) -> None:
    """Store an image a local model classified, in the target dataset (default: the model's project)."""
    dataset = target_dataset or model_id.split("/", maxsplit=1)[0]
    buffer = io.BytesIO(image.jpeg_bytes())
    datapoint = ActiveLearningDatapoint(dataset=dataset, model_id=model_id, prediction=prediction)
    datapoint.image.save(
        f"{dataset}-{prediction.get('inference_id', 'image')}.jpg", ContentFile(buffer.getvalue()), save=True
    )


def remote_config() -> RemoteConfig:
    return RemoteConfig(
        hosted_url=settings.ROBOFLOW_API_URL,
        inference_url=settings.ROBOFLOW_INFERENCE_URL or None,
        timeout_s=settings.BLOCKWISE_MODEL_TIMEOUT_S,
        max_concurrency=settings.BLOCKWISE_MODEL_CONCURRENCY,
        retries=settings.BLOCKWISE_MODEL_RETRIES,
        max_image_bytes=settings.BLOCKWISE_MAX_IMAGE_BYTES,
        max_response_bytes=settings.BLOCKWISE_MAX_MODEL_RESPONSE_BYTES,
    )


def model_router() -> ModelRouter:
    """One router (one pooled HTTP session, loaded ONNX sessions) per configuration."""
    global _router
    config = remote_config()
    with _router_lock:
        if _router is None or _router[0] != config:
            if _router is not None:
                _router[1].close()
            remote = RoboflowClient(config)
            router = ModelRouter(
                local_model_lookup,
                remote=remote.classify,
                on_local_prediction=keep_for_active_learning,
                on_close=remote.close,
                batch_size=settings.BLOCKWISE_LOCAL_MODEL_BATCH_SIZE,
            )
            _router = (config, router)
        return _router[1]


def run_deadline() -> float:
    """When a run starting now must be done (time.monotonic()), image fetches included."""
    return time.monotonic() + settings.BLOCKWISE_RUN_TIMEOUT_S


def run_context(api_key: str | None, *, deadline: float) -> RunContext:
    refresh_local_models()
    return RunContext(
        model_port=model_router().for_run(deadline=deadline),
        api_key=api_key or settings.ROBOFLOW_API_KEY or None,
        max_concurrent_steps=settings.BLOCKWISE_MODEL_CONCURRENCY,
        deadline=deadline,
    )
