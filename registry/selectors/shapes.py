"""The pydantic models that describe API answers, once: views answer with them, the OpenAPI schema
names them (class name = component name), services and commands use the same JSON.

The OpenAPI schema is version 3.0, which says `nullable: true` where pydantic's JSON schema says
`anyOf: [..., {"type": "null"}]`; the models' schemas are rewritten to 3.0's form here, once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from blocks.compatibility import policy

_NULL = {"type": "null"}


def _as_openapi_30(schema: dict[str, Any], model: type[BaseModel]) -> None:
    for prop in schema.get("properties", {}).values():
        options = prop.get("anyOf")
        if isinstance(options, list) and _NULL in options and len(options) == 2:
            [kept] = [option for option in options if option != _NULL]
            del prop["anyOf"]
            prop.update({**kept, "nullable": True})
    # A field left out of the answer when it has no value (`exclude_if`) is optional, never null.
    for name, field in model.model_fields.items():
        if field.exclude_if is not None:
            key = field.alias or name
            prop = schema.get("properties", {}).get(key, {})
            prop.pop("nullable", None)
            prop.pop("default", None)  # openapi-typescript would take a field with a default as always there
            if key in schema.get("required", []):
                schema["required"].remove(key)


class ApiModel(BaseModel):
    model_config = ConfigDict(json_schema_extra=_as_openapi_30, protected_namespaces=())


class Run(ApiModel):
    """A run as the API answers it. It is the record, so image payloads are left out of `outputs`."""

    id: int
    status: Literal["succeeded", "failed"]
    workflow: int | None
    revision: int | None
    outputs: list[Any]
    timings: dict[str, Any]
    steps: dict[str, Any] = Field(
        description="Per step, per input element: `status` (ran, skipped, failed; a flow-control step passed or "
        "stopped) and `outputs`, images as `{type: image, width, height, thumbnail}`."
    )
    inputs: dict[str, list[Any]] = Field(
        description="Per image input, each image that went in: `{type: image, width, height, sha256, thumbnail}` "
        "(at most a few per run; parameters are not kept)."
    )
    duration_ms: float
    error: dict[str, Any] | None
    created_at: datetime


class LocalModel(ApiModel):
    """A registered local model as the API answers it."""

    model_id: str
    class_names: list[str]
    input_width: int
    input_height: int


class Job(ApiModel):
    """A batch job: `done` counts every processed image, `failed` those that failed."""

    id: int
    workflow: int
    revision: int
    source: str = Field(description="zip, urls, folder or files")
    status: Literal["queued", "running", "succeeded", "completed_with_errors", "failed", "cancelled"]
    total: int
    done: int
    failed: int
    cancelled: int
    skipped: list[str] = Field(description="Zip entries that are not images (the first 1000), not run.")
    skipped_count: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    rate: float | None
    eta_seconds: float | None
    parameters: dict[str, Any]
    webhook: bool
    webhook_result: dict[str, Any] | None


class Evaluation(Job):
    """An evaluation: its job's progress (`id` is the evaluation's, `job` the job's), and `metrics` once
    the job has finished."""

    job: int
    dataset: int
    output: str
    metrics: dict[str, Any] | None


class JobSummary(ApiModel):
    """Counts per top class of the succeeded images, and failures per error code."""

    classes: dict[str, int]
    errors: dict[str, int]


class Me(ApiModel):
    """Who the session is (the editor asks at start, and after signing in or out)."""

    authenticated: bool
    username: str | None
    is_staff: bool


class Token(ApiModel):
    token: str


class BlockConnections(ApiModel):
    """Per selector property (`inputs`) and per output (`outputs`), the blocks that connect."""

    type_identifier: str
    inputs: Any
    outputs: Any


# The modes inline: as a component of its own the enum would take the name `Compatibility` from the model.
CompatibilityMode = Annotated[
    policy.Compatibility, WithJsonSchema({"type": "string", "enum": [mode.value for mode in policy.Compatibility]})
]


class Compatibility(ApiModel):
    """A compatibility mode, as set."""

    compatibility: CompatibilityMode


class CompatibilityOut(Compatibility):
    """The compatibility mode in force, and where it is set."""

    scope: Literal["family", "global", "default"] = Field(description="where the mode in force is set")


class Change(ApiModel):
    """One difference between two versions of a block (blocks.compatibility.diff), with what it breaks."""

    code: str
    pointer: str
    message: str
    breaks: list[Literal["backward", "forward"]]


class ComparedChange(Change):
    against: str
    violates_policy: bool


class CompatibilityCheck(ApiModel):
    is_compatible: bool
    compatibility: CompatibilityMode
    compared_with: list[str]
    changes: list[ComparedChange]


class VersionChange(ApiModel):
    """A move from one version to another and what it changes (a diff's and an upgraded step's)."""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    changes: list[Change]


class Diff(VersionChange):
    family: str


class UpgradeStep(VersionChange):
    step: str
    migrations: list[dict[str, Any]]


class UpgradePlan(ApiModel):
    """What an upgrade does to a definition: per step the version change, the RFC 6902 patch, the result."""

    steps: list[UpgradeStep]
    patch: list[dict[str, Any]] = Field(description="RFC 6902 JSON Patch of the definition")
    specification: Any
    validation: dict[str, Any]


class UpgradeOut(UpgradePlan):
    """An upgrade of a saved workflow; `revision` is the one written (none on a dry run). `gate` is there
    when the evaluation gate was asked for."""

    dry_run: bool
    base_revision: int
    revision: int | None
    gate: dict[str, Any] | None = Field(None, exclude_if=lambda gate: gate is None)


class Usage(ApiModel):
    workflow_id: int
    name: str
    revision: int
    steps: list[str]


class WouldBreak(Usage):
    errors: list[dict[str, Any]]


class Usages(ApiModel):
    """The saved workflows whose current revision uses a block version; with a `target`, those that
    moving to it would break."""

    type_identifier: str
    count: int
    usages: list[Usage]
    target: str | None = Field(None, exclude_if=lambda target: target is None)
    would_break: list[WouldBreak] | None = Field(None, exclude_if=lambda found: found is None)
