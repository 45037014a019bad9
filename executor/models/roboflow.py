"""Roboflow model backends: the hosted API (v0) and a self-hosted Inference server (v1).

One pooled `requests.Session`; a timeout on every call; at most `max_concurrency` requests in
flight; retries with exponential backoff on 429, 5xx and connection errors. Failures are mapped in
one place (`_raise_for`) to the `blocks.ports` errors: 401/403 bad key, 402 no credits, 404 unknown
model, timeouts 504, other 5xx unavailable, unreadable bodies a bad response. Messages never carry
the key (request URLs, which hold it in the query, are never quoted).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from blocks.images import WorkflowImage
from blocks.ports import (
    ClassificationRequest,
    ModelAuthError,
    ModelCreditsError,
    ModelError,
    ModelNotFoundError,
    ModelResponseError,
    ModelTimeoutError,
    ModelUnavailableError,
)

RETRYABLE = frozenset({429, 500, 502, 503, 504})
SOURCE = "workflow-execution"


@dataclass(frozen=True, slots=True)
class RemoteConfig:
    hosted_url: str = "https://classify.roboflow.com"
    inference_url: str | None = None
    timeout_s: float = 30.0
    max_concurrency: int = 8
    retries: int = 3
    backoff_s: float = 0.2
    max_image_bytes: int = 10 * 1024 * 1024


def _raise_for(status: int, model_id: str) -> None:
    if status in {401, 403}:
        raise ModelAuthError(f"Roboflow refused the API key for model {model_id} ({status}).")
    if status == 402:
        raise ModelCreditsError(f"The Roboflow workspace has no credits left to run {model_id}.")
    if status == 404:
        raise ModelNotFoundError(f"Roboflow has no model {model_id}, or the key cannot see it.")
    if status == 504:
        raise ModelTimeoutError(f"Roboflow timed out running {model_id}.")
    if status >= 500 or status == 429:
        raise ModelUnavailableError(f"Roboflow could not run {model_id} right now ({status}).")
    raise ModelResponseError(f"Roboflow answered {status} for {model_id}.")


class RoboflowClient:
    def __init__(self, config: RemoteConfig) -> None:
        self.config = config
        self._session = requests.Session()
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(config.max_concurrency, 1), max_retries=0)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._pool = ThreadPoolExecutor(max_workers=max(config.max_concurrency, 1), thread_name_prefix="roboflow")

    def close(self) -> None:
        self._pool.shutdown(wait=False)
        self._session.close()

    def classify(
        self, request: ClassificationRequest, images: Sequence[WorkflowImage]
    ) -> list[dict[str, Any] | ModelError]:
        futures = [self._pool.submit(self._classify_one, request, image) for image in images]
        results: list[dict[str, Any] | ModelError] = []
        for future in futures:
            try:
                results.append(future.result())
            except ModelError as exc:
                results.append(exc)
        return results

    def _classify_one(self, request: ClassificationRequest, image: WorkflowImage) -> dict[str, Any]:
        payload = base64.b64encode(image.transport_bytes()).decode("ascii")
        headers = {"Authorization": f"Bearer {request.api_key}"} if request.api_key else {}
        if self.config.inference_url:
            url = f"{self.config.inference_url.rstrip('/')}/infer/classification"
            body = {
                "api_key": request.api_key,
                "model_id": request.model_id,
                "image": {"type": "base64", "value": payload},
                "confidence": request.confidence,
                "disable_active_learning": request.disable_active_learning,
                "active_learning_target_dataset": request.active_learning_target_dataset,
                "source": SOURCE,
                "visualize_predictions": False,
            }
            response = self._post(request.model_id, url, json=body, headers=headers)
        else:
            parts = request.model_id.split("/")
            if len(parts) != 2 or not all(parts):
                raise ModelNotFoundError(f"{request.model_id!r} is not a Roboflow model id like `project/3`.")
            params: dict[str, Any] = {
                "api_key": request.api_key,
                "confidence": request.confidence,
                "disable_active_learning": str(request.disable_active_learning).lower(),
                "source": SOURCE,
            }
            if request.active_learning_target_dataset:
                params["active_learning_target_dataset"] = request.active_learning_target_dataset
            url = f"{self.config.hosted_url.rstrip('/')}/{parts[0]}/{parts[1]}"
            # Roboflow's hosted API takes the base64 text as the body, labelled JSON (as its SDK sends it).
            response = self._post(
                request.model_id,
                url,
                data=payload,
                params=params,
                headers={**headers, "Content-Type": "application/json"},
            )
        try:
            parsed = response.json()
        except ValueError as exc:
            raise ModelResponseError(f"Roboflow's answer for {request.model_id} was not JSON.") from exc
        if isinstance(parsed, list) and len(parsed) == 1:
            parsed = parsed[0]
        if not isinstance(parsed, dict) or not isinstance(parsed.get("predictions"), list | dict):
            raise ModelResponseError(f"Roboflow's answer for {request.model_id} has no predictions.")
        return parsed

    def _post(self, model_id: str, url: str, **kwargs: Any) -> requests.Response:
        attempt = 0
        while True:
            try:
                response = self._session.post(url, timeout=self.config.timeout_s, **kwargs)
            except requests.Timeout as exc:
                raise ModelTimeoutError(
                    f"Roboflow did not answer within {self.config.timeout_s:g} s for {model_id}."
                ) from exc
            except requests.RequestException as exc:
                if attempt >= self.config.retries:
                    raise ModelUnavailableError(f"Roboflow could not be reached to run {model_id}.") from exc
            else:
                if response.status_code == 200:
                    return response
                if response.status_code not in RETRYABLE or attempt >= self.config.retries:
                    _raise_for(response.status_code, model_id)
            time.sleep(self.config.backoff_s * (2**attempt))
            attempt += 1
