"""The project's error codes, in one enum, and the domain errors that carry them.

Every failure the blocks, the executor and the registry report has a stable code from `ErrorCode`;
clients and tests match on these strings, so a value never changes once released. Domain errors say
what went wrong, never how to answer it: only the HTTP layers (`registry/api`, `registry/roboflow`)
turn a code, or the kind of failure (not found, conflict, too large...), into a status and a body.
Codes of findings inside a definition (compiler issues) and codes that only appear in `details` come
from the same enum. Pydantic's own error types (in manifest problems) and the change codes of the
semantic diff (`blocks.compatibility.diff.ChangeCode`) are other vocabularies and stay out of it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    # Generic request and lookup failures.
    BAD_REQUEST = "bad_request"
    ERROR = "error"
    INVALID = "invalid"
    INVALID_CHOICE = "invalid_choice"
    INVALID_TYPE = "invalid_type"
    MISSING = "missing"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    PERMISSION_DENIED = "permission_denied"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    # Authentication and the HTTP protocol (raised by the HTTP layers themselves).
    AUTHENTICATION_FAILED = "authentication_failed"
    NOT_AUTHENTICATED = "not_authenticated"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    NOT_ACCEPTABLE = "not_acceptable"
    THROTTLED = "throttled"
    REQUEST_TIMEOUT = "request_timeout"
    TOO_MANY_SEARCH_WORDS = "too_many_search_words"
    # The JSON intake.
    PARSE_ERROR = "parse_error"
    NUL_CHARACTER = "nul_character"
    INVALID_UNICODE = "invalid_unicode"
    NON_FINITE_NUMBER = "non_finite_number"
    NUMBER_TOO_LARGE = "number_too_large"
    TOO_DEEP = "too_deep"
    CSRF_FAILED = "csrf_failed"
    LOCKED_OUT = "locked_out"
    # Findings of the compiler in a workflow definition.
    INVALID_DEFINITION = "invalid_definition"
    INVALID_VERSION = "invalid_version"
    UNSUPPORTED_VERSION = "unsupported_version"
    MISSING_FIELD = "missing_field"
    MISSING_PROPERTY = "missing_property"
    INVALID_VALUE = "invalid_value"
    INVALID_SELECTOR = "invalid_selector"
    DUPLICATE_NAME = "duplicate_name"
    UNKNOWN_BLOCK_TYPE = "unknown_block_type"
    DEPRECATED_BLOCK = "deprecated_block"
    DISABLED_BLOCK = "disabled_block"
    UNKNOWN_INPUT = "unknown_input"
    UNKNOWN_STEP = "unknown_step"
    UNKNOWN_OUTPUT = "unknown_output"
    UNUSED_INPUT = "unused_input"
    KIND_MISMATCH = "kind_mismatch"
    CYCLE = "cycle"
    BATCH_INTO_SCALAR = "batch_into_scalar"
    DIMENSIONALITY = "dimensionality"
    BATCH_DIMENSIONALITY = "batch_dimensionality"
    NOT_FLOW_CONTROL = "not_flow_control"
    NO_OUTPUTS = "no_outputs"
    TOO_MANY_STEPS = "too_many_steps"
    NOT_EXECUTABLE = "not_executable"
    # Inner workflows (`roboflow_core/inner_workflow@v1`) and workflows published as blocks.
    INNER_WORKFLOW_NO_SOURCE = "inner_workflow_no_source"
    INNER_WORKFLOW_TWO_SOURCES = "inner_workflow_two_sources"
    INNER_WORKFLOW_REMOTE_DISPATCH = "inner_workflow_remote_dispatch"
    INNER_WORKFLOW_NOT_FOUND = "inner_workflow_not_found"
    INNER_WORKFLOW_CYCLE = "inner_workflow_cycle"
    INNER_WORKFLOW_TOO_DEEP = "inner_workflow_too_deep"
    INNER_WORKFLOW_TOO_MANY = "inner_workflow_too_many"
    INNER_WORKFLOW_NO_STEPS = "inner_workflow_no_steps"
    UNBOUND_CHILD_INPUT = "unbound_child_input"
    UNKNOWN_CHILD_INPUT = "unknown_child_input"
    BINDING_KIND_MISMATCH = "binding_kind_mismatch"
    # Workflows, revisions and runs.
    INVALID_WORKFLOW = "invalid_workflow"
    STALE_REVISION = "stale_revision"
    BLOCK_DISABLED = "block_disabled"
    MISSING_INPUT = "missing_input"
    INVALID_INPUT = "invalid_input"
    BATCH_LENGTH_MISMATCH = "batch_length_mismatch"
    RUN_TIMEOUT = "run_timeout"
    STEP_FAILED = "step_failed"
    OPERATION_FAILED = "operation_failed"
    CONDITION_FAILED = "condition_failed"
    # Images and the URLs they are fetched from.
    INVALID_IMAGE = "invalid_image"
    TRUNCATED_IMAGE = "truncated_image"
    IMAGE_TOO_LARGE = "image_too_large"
    TOO_MANY_PIXELS = "too_many_pixels"
    TOO_MANY_IMAGES = "too_many_images"
    URL_NOT_ALLOWED = "url_not_allowed"
    URL_FETCH_FAILED = "url_fetch_failed"
    URL_TIMEOUT = "url_timeout"
    # Model backends.
    NO_MODEL = "no_model"
    MODEL_ERROR = "model_error"
    MODEL_NOT_FOUND = "model_not_found"
    INVALID_MODEL_ID = "invalid_model_id"
    MODEL_AUTH_FAILED = "model_auth_failed"
    MODEL_NO_CREDITS = "model_no_credits"
    MODEL_TIMEOUT = "model_timeout"
    MODEL_UNAVAILABLE = "model_unavailable"
    MODEL_BAD_RESPONSE = "model_bad_response"
    INVALID_MODEL = "invalid_model"
    MODEL_SHAPE_MISMATCH = "model_shape_mismatch"
    INVALID_DATASET = "invalid_dataset"
    # The block registry and its lifecycle.
    INVALID_PAYLOAD = "invalid_payload"
    INVALID_MANIFEST = "invalid_manifest"
    INVALID_MIGRATION = "invalid_migration"
    INVALID_ACTION = "invalid_action"
    CATALOG_CHANGED = "catalog_changed"
    CONTENT_CONFLICT = "content_conflict"
    INCOMPATIBLE_VERSION = "incompatible_version"
    UNKNOWN_REPLACEMENT = "unknown_replacement"
    NOT_PUBLISHED = "not_published"
    UNKNOWN_KIND = "unknown_kind"
    UNKNOWN_FAMILY = "unknown_family"
    UNKNOWN_TARGET = "unknown_target"
    FAMILY_MISMATCH = "family_mismatch"
    # Batch jobs.
    NO_IMAGE_INPUT = "no_image_input"
    UNKNOWN_PARAMETER = "unknown_parameter"
    QUEUE_UNAVAILABLE = "queue_unavailable"
    ITEM_FAILED = "item_failed"
    LOCKFILE_MISMATCH = "lockfile_mismatch"
    JOB_FINISHED = "job_finished"
    JOB_NOT_FINISHED = "job_not_finished"
    NOTHING_TO_RETRY = "nothing_to_retry"
    WORKER_LOST = "worker_lost"
    WORKFLOW_IN_USE = "workflow_in_use"
    NO_IMAGES = "no_images"
    TOO_MANY_FILES = "too_many_files"
    UNSAFE_NAME = "unsafe_name"
    INVALID_ZIP = "invalid_zip"
    ZIP_TOO_LARGE = "zip_too_large"
    STORAGE_QUOTA_EXCEEDED = "storage_quota_exceeded"
    FOLDER_NOT_ALLOWED = "folder_not_allowed"
    FOLDER_NOT_FOUND = "folder_not_found"
    PATH_NOT_ALLOWED = "path_not_allowed"
    FILE_UNREADABLE = "file_unreadable"
    WEBHOOK_NOT_ALLOWED = "webhook_not_allowed"
    WEBHOOK_TIMEOUT = "webhook_timeout"
    WEBHOOK_UNREACHABLE = "webhook_unreachable"
    # Labelled datasets and evaluations.
    NO_LABELS = "no_labels"
    ONE_CLASS = "one_class"
    INVALID_LABELS = "invalid_labels"
    LABELS_NAME_MISSING_IMAGES = "labels_name_missing_images"
    EVALUATION_NOT_FINISHED = "evaluation_not_finished"
    DATASET_MISMATCH = "dataset_mismatch"
    EVALUATION_GATE_FAILED = "evaluation_gate_failed"
    NO_EVALUATION = "no_evaluation"
    DATASET_TOO_LARGE = "dataset_too_large"


class DomainError(Exception):
    """A failure with a stable code, a plain message, structured details and extra top-level fields.

    The code is an `ErrorCode` member, so the type checker refuses any other text. `cause` is the
    error that decided this one, when it wraps another (a failed run answers as what made it fail).
    """

    code: ErrorCode = ErrorCode.BAD_REQUEST

    def __init__(
        self,
        message: str,
        *,
        code: ErrorCode | None = None,
        details: list[dict[str, Any]] | None = None,
        extra: dict[str, Any] | None = None,
        cause: DomainError | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.details = details or []
        self.extra = extra or {}
        self.cause = cause

    def as_body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details, **self.extra}


class NotFoundError(DomainError):
    """What was asked for does not exist (or is not visible to the asker)."""

    code = ErrorCode.NOT_FOUND


class ConflictError(DomainError):
    """The request contradicts the current state: a stale revision, different content, a finished job."""

    code = ErrorCode.CONFLICT


class PermissionDeniedError(DomainError):
    code = ErrorCode.PERMISSION_DENIED


class PayloadTooLargeError(DomainError):
    """The request as a whole carries more than a limit allows (bytes, files, images, pixels)."""

    code = ErrorCode.PAYLOAD_TOO_LARGE


class InternalError(DomainError):
    """A fault of ours, not of the request (e.g. a block that raised something unexpected)."""

    code = ErrorCode.ERROR
