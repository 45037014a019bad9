"""What blocks may ask of the outside world: a model port for classification, and its errors.

Blocks never call HTTP themselves; the executor hands them a port. Each error carries the HTTP
status Roboflow would answer with and a message that never contains an API key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from blocks.images import WorkflowImage


class ModelError(Exception):
    status_code = 500
    code = "model_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ModelNotFoundError(ModelError):
    status_code = 404
    code = "model_not_found"


class ModelAuthError(ModelError):
    status_code = 401
    code = "model_auth_failed"


class ModelCreditsError(ModelError):
    status_code = 402
    code = "model_no_credits"


class ModelTimeoutError(ModelError):
    status_code = 504
    code = "model_timeout"


class ModelUnavailableError(ModelError):
    status_code = 503
    code = "model_unavailable"


class ModelResponseError(ModelError):
    status_code = 502
    code = "model_bad_response"


class NoModelConfiguredError(ModelError):
    status_code = 400
    code = "no_model"


@dataclass(frozen=True, slots=True)
class ClassificationRequest:
    model_id: str
    confidence: float | str
    disable_active_learning: bool
    active_learning_target_dataset: str | None
    api_key: str | None


class ClassificationModelPort(Protocol):
    def classify(
        self, request: ClassificationRequest, images: Sequence[WorkflowImage]
    ) -> list[dict[str, Any] | ModelError]:
        """One Roboflow classification response per image, or that image's error."""
