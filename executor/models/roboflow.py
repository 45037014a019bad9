"""Roboflow model backends: the hosted API (v0) and a self-hosted Inference server (v1).

One urllib3 pool whose keep-alive connections every run reuses. urllib3 is what `requests` drives
underneath; it is called directly because `requests`' own layers (sessions, cookies, hooks, look-ups
in the environment on every call) cost about three times the CPU of the call itself, and a 64-image
batch against a fast model server waits on exactly that (bench_serving). Proxies named in the
environment apply as `requests` applies them, looked up once per model server; certificates are
certifi's, as there. Redirects are not followed: an image and its key are never re-posted elsewhere.
A timeout on every call, never past the run's deadline; each call (one step of one run) gets its
own bounded set of threads, so a slow model server stalls only the runs that use it. Retries are urllib3's `Retry`:
429, 5xx and connection errors, with exponential backoff, honouring `Retry-After` (capped).
Answers are streamed and refused past `max_response_bytes`. Failures are mapped in one place
(`_raise_for`) to the `blocks.ports` errors: 401/403 bad key, 402 no credits, 404 unknown model,
timeouts 504, other 5xx unavailable, unreadable or oversized bodies a bad response. Messages never
carry the key, and urllib3's log lines (which quote request URLs, where the hosted API's key
travels as Roboflow's client sends it) pass through `RedactApiKeys`.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import urllib3
from requests.utils import DEFAULT_CA_BUNDLE_PATH, get_environ_proxies, requote_uri, select_proxy
from urllib3.exceptions import ConnectTimeoutError, HTTPError, MaxRetryError, NewConnectionError
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError
from urllib3.util.retry import Retry

from blocks.images import WorkflowImage
from blocks.ports import (
    ClassificationRequest,
    InvalidModelIdError,
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
MAX_RETRY_AFTER_S = 10.0
# A hosted model is `project/version`: each part letters, digits, `-`, `_` or `.`, not starting with `.`.
HOSTED_MODEL_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*/[A-Za-z0-9_-][A-Za-z0-9._-]*")
_API_KEY_IN_TEXT = re.compile(r"(api_key=)[^&\s\"'#\\]+")


def redact_api_keys(text: str) -> str:
    """The text with every `api_key=...` value replaced by `***`."""
    return _API_KEY_IN_TEXT.sub(r"\1***", text)


class RedactApiKeys(logging.Filter):
    """Replaces `api_key=...` in a log line by `api_key=***`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_api_keys(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


for _name in ("urllib3.connectionpool", "urllib3.util.retry", "urllib3.connection"):
    logging.getLogger(_name).addFilter(RedactApiKeys())


class _Retry(Retry):
    """urllib3's Retry, with a server's `Retry-After` capped so it cannot park a run for long."""

    def get_retry_after(self, response: Any) -> float | None:
        value = super().get_retry_after(response)
        return None if value is None else min(value, MAX_RETRY_AFTER_S)


@dataclass(frozen=True, slots=True)
class RemoteConfig:
    hosted_url: str = "https://classify.roboflow.com"
    inference_url: str | None = None
    timeout_s: float = 30.0
    max_concurrency: int = 8
    retries: int = 3
    backoff_s: float = 0.2
    max_image_bytes: int = 10 * 1024 * 1024
    max_response_bytes: int = 4 * 1024 * 1024
    # Keep-alive connections kept per model server, shared by all runs.
    pool_size: int = 64


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
        self._retry = _Retry(
            total=config.retries,
            connect=config.retries,
            read=False,
            status=config.retries,
            other=0,
            allowed_methods=None,
            status_forcelist=RETRYABLE,
            backoff_factor=config.backoff_s,
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        self._pools: dict[str, urllib3.PoolManager] = {}
        self._pools_lock = threading.Lock()

    def _pool(self, url: str) -> urllib3.PoolManager:
        """The pool for `url`'s server: direct, or through the proxy the environment names for it."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        pool = self._pools.get(origin)
        if pool is None:
            proxy = select_proxy(origin, get_environ_proxies(origin))
            options: dict[str, Any] = {
                "num_pools": 4,
                "maxsize": max(self.config.pool_size, 1),
                "ca_certs": DEFAULT_CA_BUNDLE_PATH,
            }
            with self._pools_lock:
                pool = self._pools.get(origin)
                if pool is None:
                    pool = urllib3.ProxyManager(proxy, **options) if proxy else urllib3.PoolManager(**options)
                    self._pools[origin] = pool
        return pool

    def close(self) -> None:
        with self._pools_lock:
            for pool in self._pools.values():
                pool.clear()
            self._pools.clear()

    def classify(
        self, request: ClassificationRequest, images: Sequence[WorkflowImage], *, deadline: float | None = None
    ) -> list[dict[str, Any] | ModelError]:
        def one(image: WorkflowImage) -> dict[str, Any] | ModelError:
            try:
                return self._classify_one(request, image, deadline)
            except ModelError as exc:
                return exc

        workers = min(len(images), max(self.config.max_concurrency, 1))
        if workers <= 1:
            return [one(image) for image in images]
        # Each image's thread logs in the caller's context (its request id: executor/log_context.py).
        context = contextvars.copy_context()
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="roboflow") as pool:
            return list(pool.map(lambda image: context.copy().run(one, image), images))

    def _classify_one(
        self, request: ClassificationRequest, image: WorkflowImage, deadline: float | None
    ) -> dict[str, Any]:
        payload = image.transport_base64()
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
            # Serialised as `requests` does for `json=`.
            encoded = json.dumps(body, allow_nan=False).encode("utf-8")
            parsed = self._post(
                request.model_id, url, deadline, body=encoded, headers={**headers, "Content-Type": "application/json"}
            )
        else:
            if not HOSTED_MODEL_ID.fullmatch(request.model_id):
                # The id becomes the URL's path: `?`, `#`, `&` or `%` in it would add query parameters
                # to a call made with the server's key, or cut the key off.
                raise InvalidModelIdError(f"{request.model_id[:200]!r} is not a Roboflow model id like `project/3`.")
            parts = request.model_id.split("/")
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
            parsed = self._post(
                request.model_id,
                url,
                deadline,
                body=payload.encode("latin-1"),
                params=params,
                headers={**headers, "Content-Type": "application/json"},
            )
        if isinstance(parsed, list) and len(parsed) == 1:
            parsed = parsed[0]
        if not isinstance(parsed, dict) or not isinstance(parsed.get("predictions"), list | dict):
            raise ModelResponseError(f"Roboflow's answer for {request.model_id} has no predictions.")
        return parsed

    def _timeout(self, model_id: str, deadline: float | None) -> float:
        if deadline is None:
            return self.config.timeout_s
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ModelTimeoutError(f"The run ran out of time before {model_id} could be asked.")
        return min(self.config.timeout_s, remaining)

    def _post(
        self,
        model_id: str,
        url: str,
        deadline: float | None,
        *,
        body: bytes,
        headers: dict[str, str],
        params: dict[str, Any] | None = None,
    ) -> Any:
        timeout = self._timeout(model_id, deadline)
        if params:
            # As `requests` sends them: no None values, form-encoded, the URL requoted.
            url = f"{url}?{urlencode({k: v for k, v in params.items() if v is not None})}"
        url = requote_uri(url)
        try:
            response = self._pool(url).urlopen(
                "POST",
                url,
                body=body,
                headers=headers,
                timeout=timeout,
                retries=self._retry,
                redirect=False,
                preload_content=False,
            )
        except MaxRetryError as exc:
            # urllib3 counts a refused connection as a connect timeout too; `requests` tells them apart.
            if isinstance(exc.reason, ConnectTimeoutError) and not isinstance(exc.reason, NewConnectionError):
                raise ModelTimeoutError(f"Roboflow did not answer within {timeout:g} s for {model_id}.") from exc
            raise ModelUnavailableError(f"Roboflow could not be reached to run {model_id}.") from exc
        except Urllib3TimeoutError as exc:
            raise ModelTimeoutError(f"Roboflow did not answer within {timeout:g} s for {model_id}.") from exc
        except HTTPError as exc:
            raise ModelUnavailableError(f"Roboflow could not be reached to run {model_id}.") from exc
        try:
            if response.status != 200:
                _raise_for(response.status, model_id)
            answer = self._read_capped(response, model_id)
        except HTTPError as exc:
            # Failing part-way through the answer, a timeout included, is a broken connection.
            raise ModelUnavailableError(f"Roboflow could not be reached to run {model_id}.") from exc
        finally:
            # A fully read answer has already given its connection back; anything else is closed.
            response.close()
            response.release_conn()
        try:
            return json.loads(answer)
        except ValueError as exc:
            raise ModelResponseError(f"Roboflow's answer for {model_id} was not JSON.") from exc

    def _read_capped(self, response: urllib3.BaseHTTPResponse, model_id: str) -> bytes:
        limit = self.config.max_response_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isascii() and declared.isdigit() and int(declared) > limit:
            raise ModelResponseError(f"Roboflow's answer for {model_id} is larger than {limit} bytes.")
        chunks: list[bytes] = []
        received = 0
        for chunk in response.stream(65536):
            received += len(chunk)
            if received > limit:
                raise ModelResponseError(f"Roboflow's answer for {model_id} is larger than {limit} bytes.")
            chunks.append(chunk)
        return b"".join(chunks)
