"""The Roboflow-compatible routes in the OpenAPI schema (a drf-spectacular postprocessing hook).

They are plain Django views with Roboflow's shapes (spec sections 4 and 5.4), so drf-spectacular
does not find them; this hook describes them under their own tag, once, next to the views.
"""

from __future__ import annotations

from typing import Any

TAG = "Roboflow-compatible"
_OBJECT = {"type": "object", "additionalProperties": True}
_MESSAGE = {"type": "object", "properties": {"message": {"type": "string"}}, "required": ["message"]}
_WORKFLOW_ERROR = {
    "type": "object",
    "description": "Roboflow's workflow error (`blocks_errors` name the steps at fault), or only a `message`.",
    "properties": {
        "message": {"type": "string"},
        "error_type": {"type": "string"},
        "context": {"type": "string"},
        "inner_error_type": {"type": "string", "nullable": True},
        "inner_error_message": {"type": "string", "nullable": True},
        "blocks_errors": {"type": "array", "items": _OBJECT},
    },
    "required": ["message"],
}
_VALIDATION = {
    "type": "object",
    "description": "FastAPI's answer to a body that lacks a field or is not an object.",
    "properties": {"detail": {"type": "array", "items": _OBJECT}},
}
_RUN_BODY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "inputs": {
            "type": "object",
            "additionalProperties": True,
            "example": {"image": {"type": "url", "value": "https://example.com/image.jpg"}},
        },
        "api_key": {"type": "string", "description": "A Blockwise token, or a Roboflow key for model calls."},
        "excluded_fields": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["inputs"],
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _run_answers() -> dict[str, Any]:
    return {
        "200": _json({"type": "object", "properties": {"outputs": {"type": "array", "items": _OBJECT}}}, "Outputs"),
        "400": _json(_WORKFLOW_ERROR, "The workflow or its inputs are not valid, or a step failed."),
        "401": _json(_MESSAGE, "A wrong token."),
        "413": _json(_MESSAGE, "The request body is over the size limit."),
        "422": _json(_VALIDATION, "A required field is missing."),
        "429": _json(_MESSAGE, "Too many requests."),
    }


def _operation(operation_id: str, summary: str, responses: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {
        "operationId": operation_id,
        "summary": summary,
        "tags": [TAG],
        "security": [{}],
        "responses": responses,
        **more,
    }


def _paths() -> dict[str, Any]:
    run_body = {
        "type": "object",
        "properties": {"specification": {"type": "object", "additionalProperties": True}, **_RUN_BODY["properties"]},
        "required": ["specification", "inputs"],
    }
    return {
        "/workflows/run": {
            "post": _operation(
                "roboflow_workflow_run",
                "Run a workflow definition, as Roboflow's inference server does",
                _run_answers(),
                requestBody={"required": True, "content": {"application/json": {"schema": run_body}}},
            )
        },
        "/{workspace}/workflows/{workflow_id}": {
            "post": _operation(
                "roboflow_saved_workflow_run",
                "Run a saved workflow by id (the workspace is not used)",
                {**_run_answers(), "404": _json(_MESSAGE, "No such workflow, or not one the caller may run.")},
                parameters=[
                    {"name": "workspace", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "workflow_id", "in": "path", "required": True, "schema": {"type": "string"}},
                ],
                requestBody={"required": True, "content": {"application/json": {"schema": _RUN_BODY}}},
            )
        },
        "/workflows/validate": {
            "post": _operation(
                "roboflow_workflow_validate",
                "Validate a workflow definition (the body is the definition)",
                {
                    "200": _json({"type": "object", "properties": {"status": {"type": "string"}}}, "Valid"),
                    "400": _json(_WORKFLOW_ERROR, "The definition is not valid."),
                    "413": _json(_MESSAGE, "The request body is over the size limit."),
                    "422": _json(_VALIDATION, "The body is not an object."),
                    "429": _json(_MESSAGE, "Too many requests."),
                },
                requestBody={"required": True, "content": {"application/json": {"schema": _OBJECT}}},
            )
        },
        "/workflows/blocks/describe": {
            method: _operation(
                f"roboflow_blocks_describe_{method}",
                "The blocks, kinds and connections, as Roboflow describes them",
                {"200": _json(_OBJECT, "The description")},
            )
            for method in ("get", "post")
        },
        "/workflows/definition/schema": {
            "get": _operation(
                "roboflow_definition_schema",
                "The JSON schema of a workflow definition",
                {"200": _json(_OBJECT, "The schema")},
            )
        },
        "/workflows/execution_engine/versions": {
            "get": _operation(
                "roboflow_execution_engine_versions",
                "The execution engine versions served here",
                {"200": _json(_OBJECT, "The versions")},
            )
        },
    }


def roboflow_paths(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Add the Roboflow-compatible routes to the generated schema."""
    result.setdefault("paths", {}).update(_paths())
    result.setdefault("tags", []).append({"name": TAG, "description": "Roboflow's workflow routes, unchanged."})
    return result
