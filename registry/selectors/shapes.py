"""The base of the pydantic models that describe API answers (`RunOut`, ...).

The OpenAPI schema is version 3.0, which says `nullable: true` where pydantic's JSON schema says
`anyOf: [..., {"type": "null"}]`; the models' schemas are rewritten to 3.0's form here, once.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

_NULL = {"type": "null"}


def _nullable_as_openapi_30(schema: dict[str, Any], _model: type[BaseModel]) -> None:
    for prop in schema.get("properties", {}).values():
        options = prop.get("anyOf")
        if isinstance(options, list) and _NULL in options and len(options) == 2:
            [kept] = [option for option in options if option != _NULL]
            del prop["anyOf"]
            prop.update({**kept, "nullable": True})


class ApiModel(BaseModel):
    model_config = ConfigDict(json_schema_extra=_nullable_as_openapi_30, protected_namespaces=())
