"""Builds the executor's configuration from Django settings, and the model port backed by the database.

`blocks` and `executor` never read settings; this module is where settings become the frozen
objects they take. The router is built once per process so ONNX sessions are loaded once.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection

from blocks.images import WorkflowImage
from blocks.ports import ClassificationModelPort, ClassificationRequest, ModelError
from executor.engine import STEP_THREAD_PREFIX, RunContext
from executor.images import ImageLimits
from executor.models.local import LocalModelInfo, ModelRouter
from executor.models.roboflow import RemoteConfig, RoboflowClient
from registry.active_learning import ActiveLearningKeeper
from registry.models import LocalModel
from registry.models.plain_sql import plain_select

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
    """Once per run and per job image, hence plain SQL (registry.models.plain_sql)."""
    global _local_models
    rows = plain_select(LocalModel, "model_id", "file_path", "class_names", "input_width", "input_height")
    _local_models = {
        model_id: LocalModelInfo(
            model_id=model_id,
            path=model_path(file_path),
            class_names=tuple(json.loads(class_names)),
            input_width=int(width),
            input_height=int(height),
        )
        for model_id, file_path, class_names, width, height in rows
    }


def local_model_lookup(model_id: str) -> LocalModelInfo | None:
    return _local_models.get(model_id)


class RunModelPort:
    """The model port of one run: the shared router, plus keeping images for active learning on
    behalf of the run's caller (who must be signed in, within a quota)."""

    def __init__(self, port: ClassificationModelPort, keeper: ActiveLearningKeeper) -> None:
        self._router = port
        self._keeper = keeper

    def classify(
        self, request: ClassificationRequest, images: Sequence[WorkflowImage]
    ) -> list[dict[str, Any] | ModelError]:
        if request.disable_active_learning or local_model_lookup(request.model_id) is None:
            # Remote models keep images on the model server's side, as the request asks.
            return self._router.classify(request, images)
        dataset = self._keeper.dataset(request.model_id, request.active_learning_target_dataset)
        responses = self._router.classify(replace(request, disable_active_learning=True), images)
        kept = [(image, r) for image, r in zip(images, responses, strict=True) if not isinstance(r, ModelError)]
        _closes_worker_connection(self._keeper.keep)(request.model_id, dataset, kept)
        return responses


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
            # Images are kept for active learning per run (who asked decides), in `RunModelPort`.
            router = ModelRouter(
                local_model_lookup,
                remote=remote.classify,
                on_close=remote.close,
                batch_size=settings.BLOCKWISE_LOCAL_MODEL_BATCH_SIZE,
            )
            _router = (config, router)
        return _router[1]


def run_deadline() -> float:
    """When a run starting now must be done (time.monotonic()), image fetches included."""
    return time.monotonic() + settings.BLOCKWISE_RUN_TIMEOUT_S


def run_context(api_key: str | None, *, deadline: float, user: User | None = None) -> RunContext:
    """The engine's context for one run. The server's own Roboflow key serves signed-in callers, and
    anonymous ones only where `BLOCKWISE_ANONYMOUS_USES_SERVER_KEY` allows it."""
    refresh_local_models()
    server_key = settings.ROBOFLOW_API_KEY if user is not None or settings.BLOCKWISE_ANONYMOUS_USES_SERVER_KEY else ""
    return RunContext(
        model_port=RunModelPort(model_router().for_run(deadline=deadline), ActiveLearningKeeper(user)),
        api_key=api_key or server_key or None,
        max_concurrent_steps=settings.BLOCKWISE_MODEL_CONCURRENCY,
        deadline=deadline,
    )
