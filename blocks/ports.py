"""What blocks may ask of the outside world: a model port for classification, and its errors.

Blocks never call HTTP themselves; the executor hands them a port. Each error carries a stable code
(the HTTP layers answer with the status Roboflow would) and a message that never contains an API key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from blocks.errors import DomainError, ErrorCode
from blocks.images import WorkflowImage


class ModelError(DomainError):
    code = ErrorCode.MODEL_ERROR


class ModelNotFoundError(ModelError):
    code = ErrorCode.MODEL_NOT_FOUND


class InvalidModelIdError(ModelNotFoundError):
    """A model id that is not of the form `project/version`: refused before any URL is made of it."""

    code = ErrorCode.INVALID_MODEL_ID


class ModelAuthError(ModelError):
    code = ErrorCode.MODEL_AUTH_FAILED


class ModelCreditsError(ModelError):
    code = ErrorCode.MODEL_NO_CREDITS


class ModelTimeoutError(ModelError):
    code = ErrorCode.MODEL_TIMEOUT


class ModelUnavailableError(ModelError):
    code = ErrorCode.MODEL_UNAVAILABLE


class ModelResponseError(ModelError):
    code = ErrorCode.MODEL_BAD_RESPONSE


class NoModelConfiguredError(ModelError):
    code = ErrorCode.NO_MODEL


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
