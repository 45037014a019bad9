"""Checks a block description from outside (an upload or an import) before the registry stores it.

Problems come back as JSON Pointers into the submitted document with a stable code, so an API can
report every bad field at once.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

IDENTIFIER_PATTERN = r"^[A-Za-z0-9_\-./]+(@v[0-9]+)?$"
_VERSION_SUFFIX = re.compile(r"@(v[0-9]+)$")


@dataclass(frozen=True, slots=True)
class DescriptionProblem:
    pointer: str
    code: str
    message: str


class _KindRef(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str = Field(min_length=1, max_length=100)


class _Output(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str = Field(min_length=1, max_length=100)
    kind: list[_KindRef] = Field(default_factory=list)


class _Schema(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str = "object"
    properties: dict[str, dict[str, Any]]
    required: list[str] = Field(default_factory=list)

    @field_validator("type")
    @classmethod
    def _object(cls, value: str) -> str:
        if value != "object":
            raise ValueError("a block schema describes an object")
        return value

    @model_validator(mode="after")
    def _has_type_literal(self) -> _Schema:
        type_property = self.properties.get("type")
        if type_property is None or not (type_property.get("const") or type_property.get("enum")):
            raise ValueError("properties.type must give the identifier as `const` or `enum`")
        unknown = [name for name in self.required if name not in self.properties]
        if unknown:
            raise ValueError(f"required names properties that do not exist: {', '.join(unknown)}")
        return self


class _Description(BaseModel):
    model_config = ConfigDict(extra="allow")
    manifest_type_identifier: str = Field(pattern=IDENTIFIER_PATTERN, max_length=255)
    manifest_type_identifier_aliases: list[str] = Field(default_factory=list)
    human_friendly_block_name: str | None = None
    block_schema: _Schema
    outputs_manifest: list[_Output]

    @model_validator(mode="after")
    def _identifier_matches_schema(self) -> _Description:
        type_property = self.block_schema.properties["type"]
        literals = [type_property["const"]] if "const" in type_property else list(type_property.get("enum", []))
        if literals[:1] != [self.manifest_type_identifier]:
            raise ValueError("block_schema.properties.type must list manifest_type_identifier first")
        names = [output.name for output in self.outputs_manifest]
        if len(set(names)) != len(names):
            raise ValueError("output names must be unique")
        return self


def validate_description(data: object) -> list[DescriptionProblem]:
    """Every problem with a submitted BlockDescription dict, or an empty list."""
    if not isinstance(data, Mapping):
        return [DescriptionProblem("", "invalid_type", "A block description is a JSON object.")]
    try:
        _Description.model_validate(data)
    except ValidationError as exc:
        return [
            DescriptionProblem(
                pointer="".join(f"/{part}" for part in error["loc"]),
                code=str(error["type"]),
                message=error["msg"],
            )
            for error in exc.errors()
        ]
    return []


def description_from_manifest(schema: Mapping[str, Any], outputs: list[Mapping[str, Any]]) -> dict[str, Any]:
    """A BlockDescription built from a bare manifest schema and its outputs (kinds by name or dict)."""
    type_property = schema.get("properties", {}).get("type", {}) if isinstance(schema, Mapping) else {}
    literals = [type_property["const"]] if "const" in type_property else list(type_property.get("enum", []))
    return {
        "block_schema": dict(schema) if isinstance(schema, Mapping) else schema,
        "outputs_manifest": [
            {
                "name": output.get("name"),
                "kind": [kind if isinstance(kind, Mapping) else {"name": kind} for kind in output.get("kind", [])],
            }
            for output in outputs
            if isinstance(output, Mapping)
        ],
        "manifest_type_identifier": literals[0] if literals else "",
        "manifest_type_identifier_aliases": literals[1:],
        "human_friendly_block_name": schema.get("name", "") if isinstance(schema, Mapping) else "",
        "block_source": "uploaded",
        "execution_engine_compatibility": None,
        "restrictions": [],
        "input_dimensionality_offsets": {},
        "dimensionality_reference_property": None,
        "output_dimensionality_offset": 0,
    }


def canonical_description(value: Any) -> Any:
    """A description without the long markdown `docs` of its embedded kinds.

    Kinds are registered once with their own descriptions; the copies Roboflow embeds in every
    selector dominate the payload's size and carry no fact about the block, so the canonical form
    (what is stored, hashed and served) leaves them out.
    """
    if isinstance(value, Mapping):
        if "name" in value and "docs" in value and "serialised_data_type" in value:
            return {key: item for key, item in value.items() if key != "docs"}
        return {key: canonical_description(item) for key, item in value.items()}
    if isinstance(value, list):
        return [canonical_description(item) for item in value]
    return value


def content_hash(description: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of a description: equal content, equal hash."""
    canonical = json.dumps(description, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def family_and_version(identifier: str) -> tuple[str, str]:
    """`roboflow_core/continue_if@v1` -> (`roboflow_core/continue_if`, `v1`)."""
    match = _VERSION_SUFFIX.search(identifier)
    if match is None:
        return identifier, ""
    return identifier[: match.start()], match.group(1)
