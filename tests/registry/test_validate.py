"""Validation over HTTP: the native route and Roboflow's."""

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.executor.conftest import chain_workflow, classification_workflow

pytestmark = pytest.mark.django_db


def test_valid_workflow(api):
    response = api.post("/api/v1/workflows/validate/", {"specification": classification_workflow()}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True
    assert body["errors"] == []
    assert body["warnings"] == []


def test_invalid_workflow_lists_every_error(api):
    definition = classification_workflow(confidence=2, images="$inputs.img")
    body = api.post("/api/v1/workflows/validate/", {"specification": definition}, format="json").json()
    assert body["valid"] is False
    assert body["errors"] == [
        {
            "code": "invalid_value",
            "message": "`confidence` of step `classifier` must be less than or equal to 1.0.",
            "pointer": "/steps/0/confidence",
            "step": "classifier",
            "property": "confidence",
            "selector": None,
            "suggestions": [],
        },
        {
            "code": "unknown_input",
            "message": "`images` of step `classifier` refers to `$inputs.img`, but the workflow has no such input.",
            "pointer": "/steps/0/images",
            "step": "classifier",
            "property": "images",
            "selector": "$inputs.img",
            "suggestions": ["image"],
        },
    ]


def test_bad_bodies(api, settings):
    not_json = api.generic("POST", "/api/v1/workflows/validate/", "{oops", content_type="application/json")
    assert (not_json.status_code, not_json.json()["code"]) == (400, "parse_error")
    assert not_json.json()["details"][0]["column"] == 2
    not_object = api.post("/api/v1/workflows/validate/", [1, 2], format="json")
    assert (not_object.status_code, not_object.json()["code"]) == (400, "parse_error")
    missing = api.post("/api/v1/workflows/validate/", {"spec": {}}, format="json")
    assert missing.status_code == 400
    assert missing.json()["details"][0]["path"] == "/specification"
    settings.BLOCKWISE_MAX_BODY_BYTES = 2000
    huge = api.post("/api/v1/workflows/validate/", {"specification": {"x": "y" * 3000}}, format="json")
    assert (huge.status_code, huge.json()["code"]) == (413, "payload_too_large")


def test_too_many_steps(api, settings):
    settings.BLOCKWISE_MAX_STEPS = 5
    response = api.post("/api/v1/workflows/validate/", {"specification": chain_workflow(10)}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "too_many_steps"
    assert response.json()["message"] == "The workflow has 11 steps; the limit is 5."


def test_roboflow_validate(api):
    ok = api.post("/workflows/validate", classification_workflow(), format="json")
    assert (ok.status_code, ok.json()) == (200, {"status": "ok"})
    duplicate = classification_workflow()
    duplicate["steps"].append(duplicate["steps"][0])
    response = api.post("/workflows/validate", duplicate, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "error_type", "context", "inner_error_type", "inner_error_message"}
    assert (body["error_type"], body["context"]) == (
        "DuplicatedNameError",
        "workflow_compilation | specification_validation",
    )
    syntax = api.generic("POST", "/workflows/validate", "[", content_type="application/json")
    assert (syntax.status_code, syntax.json()["error_type"], syntax.json()["blocks_errors"]) == (
        400,
        "WorkflowSyntaxError",
        [],
    )


unicode_names = st.text(min_size=0, max_size=30)
bodies = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.text(max_size=30), unicode_names.map(lambda s: "$steps." + s)
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=15,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    specification=st.one_of(
        bodies, st.builds(lambda steps: {"version": "1.0", "inputs": [], "steps": steps, "outputs": []}, bodies)
    )
)
def test_no_definition_gets_a_500(api, settings, specification: Any) -> None:
    # Hypothesis sends hundreds of anonymous validations a minute: no rate limit here.
    settings.BLOCKWISE_THROTTLE_RATES = {**settings.BLOCKWISE_THROTTLE_RATES, "anonymous_validate": None}
    native = api.post("/api/v1/workflows/validate/", {"specification": specification}, format="json")
    refused_at_intake = native.status_code == 400
    if refused_at_intake:
        # Text with NUL or a lone surrogate, or a huge integer: refused by the JSON intake.
        assert native.json()["code"] in {"nul_character", "invalid_unicode", "number_too_large"}
    else:
        assert native.status_code == 200
        assert set(native.json()) == {"valid", "errors", "warnings"}
    roboflow = api.generic("POST", "/workflows/validate", json.dumps(specification), content_type="application/json")
    if refused_at_intake:
        # The same intake guards the Roboflow route, before the body's shape is looked at.
        assert roboflow.status_code == 400
    else:
        assert roboflow.status_code in ({200, 400} if isinstance(specification, dict) else {422})


def test_disabled_version_names_its_replacement(api, staff_api):
    v3 = "roboflow_core/roboflow_classification_model@v3"
    disabled = staff_api.post(f"/api/v1/blocks/{v3}/state/", {"action": "disable"}, format="json")
    assert disabled.status_code == 200
    definition = classification_workflow(type=v3, confidence=None)
    definition["inputs"] = definition["inputs"][:2]
    body = api.post("/api/v1/workflows/validate/", {"specification": definition}, format="json").json()
    # v3 was the default: with none left, the family's newest version replaces it.
    assert body == {
        "valid": False,
        "errors": [
            {
                "code": "disabled_block",
                "message": f"Step `classifier` uses {v3}, which is disabled. "
                "Use roboflow_core/roboflow_classification_model@v2 instead.",
                "pointer": "/steps/0/type",
                "step": "classifier",
                "property": "type",
                "selector": None,
                "suggestions": [],
                "replacement": "roboflow_core/roboflow_classification_model@v2",
            }
        ],
        "warnings": [],
    }
