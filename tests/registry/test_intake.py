"""The JSON intake: every route, native and Roboflow-compatible, refuses the same hostile JSON with a 400.

Requests go through the Django test client, so the whole middleware stack and the DRF parser run.
Each refusal also leaves the database as it was.
"""

import json

import pytest
from rest_framework.test import APIClient

from registry.models import Run, Workflow, WorkflowRevision
from tests.executor.conftest import classification_workflow
from tests.registry.conftest import make_user

pytestmark = pytest.mark.django_db

# JSON fragments, as raw text, that parse with Python's json module but that the API refuses.
HOSTILE = {
    "too_deep": "[" * 2000 + "]" * 2000,
    "too_deep_parameters": '{"a":' * 500 + "1" + "}" * 500,
    "nan": "NaN",
    "infinity": "-Infinity",
    "float_overflow": "1e400",
    "huge_integer": "9" * 5000,
    "lone_surrogate": '"\\ud800"',
    "nul": '"a\\u0000b"',
    "nul_in_key": '{"a\\u0000": 1}',
}
CODES = {
    "too_deep": "too_deep",
    "too_deep_parameters": "too_deep",
    "nan": "non_finite_number",
    "infinity": "non_finite_number",
    "float_overflow": "non_finite_number",
    "huge_integer": "number_too_large",
    "lone_surrogate": "invalid_unicode",
    "nul": "nul_character",
    "nul_in_key": "nul_character",
}
MESSAGES = {
    "too_deep": "JSON may nest at most 64 arrays or objects deep.",
    "non_finite_number": None,
    "number_too_large": "Integers have at most 40 digits.",
    "invalid_unicode": "Text may not contain a lone UTF-16 surrogate (\\ud800-\\udfff).",
    "nul_character": "Text may not contain the NUL character (\\u0000).",
}
SPEC = json.dumps(classification_workflow(model_id="demo/1"))


def _counts():
    return Workflow.objects.count(), WorkflowRevision.objects.count(), Run.objects.count()


def _post(client, path, body, method="POST"):
    return client.generic(method, path, body.encode(), content_type="application/json")


@pytest.fixture
def signed_in():
    client = APIClient()
    client.force_authenticate(make_user("alice", staff=True))
    return client


@pytest.mark.parametrize("case", sorted(HOSTILE))
@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/api/v1/workflows/validate/", '{"specification": {"version": "1.0", "x": HOLE}}'),
        ("/api/v1/workflows/", '{"name": "w", "specification": {"version": "1.0", "inputs": [HOLE]}}'),
        ("/api/v1/runs/", '{"specification": SPEC, "inputs": {"model_id": HOLE}}'),
        ("/api/v1/auth/token/", '{"username": HOLE, "password": "x"}'),
        ("/api/v1/blocks/", '{"manifest": {"type": HOLE}}'),
    ],
)
def test_native_routes_refuse_hostile_json_with_a_coded_400(signed_in, case, path, template):
    before = _counts()
    response = _post(signed_in, path, template.replace("SPEC", SPEC).replace("HOLE", HOSTILE[case]))
    assert response.status_code == 400, response.content
    body = response.json()
    code = CODES[case]
    assert (body["code"], len(body["details"]), body["details"][0]["code"]) == (code, 1, code)
    if MESSAGES[code] is not None:
        assert body["message"] == MESSAGES[code]
    assert _counts() == before


def test_the_refusal_names_where_the_value_is(signed_in):
    body = _post(signed_in, "/api/v1/workflows/validate/", '{"specification": {"steps": [{"name": "\\ud800"}]}}')
    assert body.json() == {
        "code": "invalid_unicode",
        "message": "Text may not contain a lone UTF-16 surrogate (\\ud800-\\udfff).",
        "details": [
            {
                "path": "/specification/steps/0/name",
                "code": "invalid_unicode",
                "message": "Text may not contain a lone UTF-16 surrogate (\\ud800-\\udfff).",
            }
        ],
    }


def test_a_save_with_a_lone_surrogate_stores_nothing_and_the_workflow_stays_readable(signed_in):
    created = signed_in.post(
        "/api/v1/workflows/", {"name": "w", "specification": classification_workflow()}, format="json"
    ).json()
    before = _counts()
    body = '{"base_revision": 1, "specification": {"version": "1.0", "steps": "\\udfff"}}'
    response = _post(signed_in, f"/api/v1/workflows/{created['id']}/", body, method="PUT")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_unicode")
    assert _counts() == before
    again = signed_in.get(f"/api/v1/workflows/{created['id']}/")
    assert (again.status_code, again.json()["revision"]) == (200, 1)


@pytest.mark.parametrize("value", ["null", '{"a": NaN}', '"\\u0000"', "[" * 100 + "]" * 100])
def test_form_bodies_with_json_fields_are_refused(signed_in, value):
    # Workflows take JSON only: a form cannot smuggle `null` or hostile JSON into a specification.
    before = _counts()
    response = signed_in.post("/api/v1/workflows/", {"name": "w", "specification": value})
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")
    assert _counts() == before


@pytest.mark.parametrize(("specification", "code"), [("null", "null"), ('"text"', "wrong_type"), ("[1]", "wrong_type")])
def test_a_saved_specification_is_a_json_object(signed_in, specification, code):
    before = _counts()
    response = _post(
        signed_in, "/api/v1/workflows/", '{"name": "w", "specification": SPEC}'.replace("SPEC", specification)
    )
    assert response.status_code == 400
    assert response.json()["details"] == [
        {
            "path": "/specification",
            "code": code,
            "message": "This field may not be null." if code == "null" else "Must be a JSON object.",
        }
    ]
    assert _counts() == before


def test_multipart_run_fields_are_held_to_the_same_rules(signed_in):
    before = _counts()
    response = signed_in.post("/api/v1/runs/", {"specification": SPEC, "inputs": '{"model_id": 1e999}'})
    assert response.json() == {
        "code": "non_finite_number",
        "message": "The number 1e999 is too large for a float.",
        "details": [
            {
                "path": "/inputs",
                "code": "non_finite_number",
                "message": "The number 1e999 is too large for a float.",
            }
        ],
    }
    assert _counts() == before


def test_json_within_the_limits_is_accepted(signed_in):
    nested = "[" * 60 + "]" * 60
    body = '{"specification": {"version": "1.0", "x": NESTED, "n": 1e300, "i": 1234567890123, "t": "\\ud83d\\ude00"}}'
    response = _post(signed_in, "/api/v1/workflows/validate/", body.replace("NESTED", nested))
    assert (response.status_code, response.json()["valid"]) == (200, False)


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_roboflow_run_refuses_hostile_json_in_its_shape(case):
    before = _counts()
    body = '{"specification": SPEC, "inputs": {"model_id": HOLE}}'.replace("SPEC", SPEC)
    response = _post(APIClient(), "/workflows/run", body.replace("HOLE", HOSTILE[case]))
    assert response.status_code == 400
    assert set(response.json()) == {"message"}
    assert _counts() == before


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_roboflow_validate_refuses_hostile_json_as_a_syntax_error(case):
    response = _post(APIClient(), "/workflows/validate", '{"version": "1.0", "x": HOLE}'.replace("HOLE", HOSTILE[case]))
    assert response.status_code == 400
    assert response.json()["error_type"] == "WorkflowSyntaxError"


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_roboflow_describe_refuses_hostile_json(case):
    body = '{"execution_engine_version": HOLE}'.replace("HOLE", HOSTILE[case])
    response = _post(APIClient(), "/workflows/blocks/describe", body)
    assert response.status_code == 400
    assert set(response.json()) == {"message"}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_roboflow_saved_run_refuses_hostile_json(case):
    before = _counts()
    response = _post(APIClient(), "/ws/workflows/1", '{"inputs": {"p": HOLE}}'.replace("HOLE", HOSTILE[case]))
    assert response.status_code == 400
    assert set(response.json()) == {"message"}
    assert _counts() == before


@pytest.mark.parametrize("workflow_id", ["²", "٣", "1²", "9" * 30, "-1", "0x1"])
def test_roboflow_saved_run_ids_are_ascii_digits(workflow_id):
    response = _post(APIClient(), f"/ws/workflows/{workflow_id}", '{"inputs": {}}')
    assert response.status_code == 404
    assert response.json() == {"message": f"Workflow {workflow_id} not found."}


@pytest.mark.parametrize("path", ["/api/v1/workflows/{}/", "/api/v1/runs/{}/", "/api/v1/workflows/{}/revisions/"])
@pytest.mark.parametrize("workflow_id", ["9" * 19, "9" * 30])
def test_native_ids_out_of_range_are_not_found(signed_in, path, workflow_id):
    response = signed_in.get(path.format(workflow_id))
    assert (response.status_code, response.json()["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/blocks/?search=a%00b",
        "/api/v1/blocks/?category=%00",
        "/api/v1/kinds/a%00b/",
        "/api/v1/blocks/a%00b/",
        "/api/v1/blocks/a%00b/connections/",
    ],
)
def test_nul_in_a_query_or_path_is_refused_on_every_database(signed_in, path):
    response = signed_in.get(path)
    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"


def test_too_many_query_fields_get_the_api_error_shape(signed_in):
    query = "&".join(f"f{i}=1" for i in range(1200))
    response = signed_in.get(f"/api/v1/kinds/?{query}")
    assert (response.status_code, response.json()["code"]) == (400, "bad_request")


def test_an_unknown_api_url_gets_the_api_error_shape(signed_in):
    response = signed_in.get("/api/v1/workflows/-1/")
    assert (response.status_code, response.json()) == (
        404,
        {"code": "not_found", "message": "No such URL in this API.", "details": []},
    )


def test_one_body_path_reads_under_the_limit_and_the_json_rules_never_call_back():
    import ast
    from pathlib import Path

    from django.test import RequestFactory

    from blocks.errors import PayloadTooLargeError
    from registry.api import intake
    from registry.api.limits import body_read

    factory = RequestFactory()
    assert body_read(factory.post("/x", data=b"12345", content_type="application/json"), limit=5) == b"12345"
    for request in (
        factory.post("/x", data=b"123456", content_type="application/json"),
        factory.post("/x", data=b"1", content_type="application/json", CONTENT_LENGTH="6"),
    ):
        with pytest.raises(PayloadTooLargeError):
            body_read(request, limit=5)
    tree = ast.parse(Path(intake.__file__).read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert "registry.api.limits" not in imported
