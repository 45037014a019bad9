"""The OpenAPI schema describes the API: what it says, and Schemathesis against the running server.

Schemathesis runs every operation of `/api/schema/` with all of its checks (no 5xx, status codes,
content types, headers and bodies as documented, schema-invalid requests refused, schema-valid ones
accepted, stateful sequences) against the production server on the suite's database engine. Its settings, and
why each is there, are in tests/schemathesis.toml.
"""

import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest
from rest_framework.test import APIClient

from registry.models import JobStatus
from registry.selectors.shapes import Job as JobShape
from registry.selectors.shapes import Run as RunShape
from tests.support.server_process import ServerProcess, database_url

CONFIG = Path(__file__).resolve().parent.parent / "schemathesis.toml"
# Examples per operation and phase: about two minutes on two cores.
MAX_EXAMPLES = 15
NO_LIMITS = {
    "BLOCKWISE_THROTTLE_SIGN_IN": "",
    "BLOCKWISE_THROTTLE_ANONYMOUS_VALIDATE": "",
    "BLOCKWISE_THROTTLE_ANONYMOUS_RUN": "",
    "BLOCKWISE_LOGIN_LOCKOUT_FAILURES": "1000000",
}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    """The schema as the route answers it, asked for once: generating it takes about 0.1 s, it does
    not depend on the database's content, and no test changes it."""
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def test_lists_are_documented_as_count_and_results(schema):
    listing = schema["paths"]["/api/v1/workflows/"]["get"]["responses"]["200"]
    ref = listing["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    component = schema["components"]["schemas"][ref]
    assert component["required"] == ["count", "results"]
    assert component["properties"]["results"]["type"] == "array"


def test_error_answers_are_documented_with_the_error_shape(schema):
    update = schema["paths"]["/api/v1/workflows/{workflow_id}/"]["put"]["responses"]
    assert sorted(update) == ["200", "400", "401", "403", "404", "409", "413", "415"]
    assert update["409"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "details", "message"]


def test_public_reads_do_not_need_sign_in_and_writes_do(schema):
    paths = schema["paths"]
    assert {} in paths["/api/v1/workflows/{workflow_id}/"]["get"]["security"]
    assert {} in paths["/api/v1/blocks/"]["get"]["security"]
    assert {} not in paths["/api/v1/workflows/{workflow_id}/"]["put"]["security"]
    assert {} not in paths["/api/v1/blocks/"]["post"]["security"]
    # Model ids are offered to everyone in the editor; only staff register models.
    assert {} in paths["/api/v1/models/"]["get"]["security"]
    assert {} not in paths["/api/v1/models/"]["post"]["security"]
    signed_in = [
        ("/api/v1/audit/", "get"),
        ("/api/v1/jobs/", "get"),
        ("/api/v1/workflows/{workflow_id}/jobs/", "post"),
        ("/api/v1/workflows/{workflow_id}/upgrade/", "post"),
        ("/api/v1/compatibility/", "put"),
        ("/api/v1/families/{family}/compatibility/", "delete"),
    ]
    assert [(path, method) for path, method in signed_in if {} in paths[path][method]["security"]] == []


def test_request_constraints_are_documented(schema):
    components = schema["components"]["schemas"]
    create = components["WorkflowCreateRequest"]["properties"]
    assert (create["name"]["minLength"], create["name"]["maxLength"]) == (1, 200)
    assert create["specification"]["type"] == "object"
    update = components[
        "PatchedWorkflowUpdateRequest" if "PatchedWorkflowUpdateRequest" in components else "WorkflowUpdateRequest"
    ]["properties"]
    assert (update["base_revision"]["minimum"], update["base_revision"]["maximum"]) == (0, 2**31 - 1)
    workflow_id = schema["paths"]["/api/v1/workflows/{workflow_id}/"]["get"]["parameters"][0]
    assert (workflow_id["schema"]["minimum"], workflow_id["schema"]["maximum"]) == (0, 2**63 - 1)


@pytest.mark.parametrize("path", ["/api/v1/runs/", "/api/v1/workflows/{workflow_id}/runs/"])
def test_runs_document_json_and_multipart_bodies(schema, path):
    content = schema["paths"][path]["post"]["requestBody"]["content"]
    assert sorted(content) == ["application/json", "multipart/form-data"]
    form = content["multipart/form-data"]["schema"]
    assert sorted(form["properties"]) == ["api_key", "excluded_fields", "image", "inputs", "specification", "workflow"]
    # Images come as files named after the inputs they are for; `image` is named so Swagger offers a file picker.
    assert form["properties"]["image"]["format"] == form["additionalProperties"]["format"] == "binary"
    # The JSON example is a real request: no `additionalProp1`, no 19-digit workflow id.
    [example] = content["application/json"]["examples"].values()
    assert "workflow" not in example["value"]
    assert example["value"]["inputs"] == {"image": {"type": "url", "value": "https://example.com/image.jpg"}}
    assert "additionalProp1" not in str(example)


def test_run_answers_are_described_by_the_model_the_views_answer_with(schema):
    answer = schema["paths"]["/api/v1/runs/{run_id}/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert answer["schema"] == {"$ref": "#/components/schemas/Run"}
    run = schema["components"]["schemas"]["Run"]
    assert sorted(run["required"]) == sorted(RunShape.model_fields)
    # OpenAPI 3.0 has no `null` type: pydantic's Optional reads as `nullable`.
    assert (run["properties"]["workflow"]["type"], run["properties"]["workflow"]["nullable"]) == ("integer", True)
    assert "anyOf" not in run["properties"]["error"]


def test_the_roboflow_compatible_routes_are_documented(schema):
    paths = schema["paths"]
    routes = {
        "/workflows/run": ["post"],
        "/{workspace}/workflows/{workflow_id}": ["post"],
        "/workflows/validate": ["post"],
        "/workflows/blocks/describe": ["get", "post"],
        "/workflows/definition/schema": ["get"],
        "/workflows/execution_engine/versions": ["get"],
    }
    assert {path: sorted(paths[path]) for path in routes} == routes
    run = paths["/workflows/run"]["post"]
    assert (run["tags"], sorted(run["responses"])) == (
        ["Roboflow-compatible"],
        ["200", "400", "401", "413", "422", "429"],
    )


def test_jobs_document_json_and_multipart_bodies_and_their_list(schema):
    content = schema["paths"]["/api/v1/workflows/{workflow_id}/jobs/"]["post"]["requestBody"]["content"]
    components = schema["components"]["schemas"]
    upload = components[content["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]]
    assert (upload["required"], upload["properties"]["images"]["format"]) == (["images"], "binary")
    listing = schema["paths"]["/api/v1/jobs/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    envelope = components[listing["$ref"].rsplit("/", 1)[1]]
    results = envelope["properties"]["results"]
    assert (results["type"], results["items"]) == ("array", {"$ref": "#/components/schemas/Job"})


def test_jobs_and_evaluations_share_one_status_enum_the_models_statuses(schema):
    components = schema["components"]["schemas"]
    assert components["JobStatusEnum"] == {"enum": JobStatus.values, "type": "string"}
    for shape in ("Job", "Evaluation"):
        status = components[shape]["properties"]["status"]
        assert status == {"allOf": [{"$ref": "#/components/schemas/JobStatusEnum"}], "title": "Status"}
    # The answers' pydantic models spell the statuses as a Literal (for mypy): the same ones.
    assert get_args(JobShape.model_fields["status"].annotation) == tuple(JobStatus.values)


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_schemathesis_finds_nothing(tmp_path):
    server = ServerProcess(
        database_url(tmp_path / "schemathesis.sqlite3"),
        tmp_path / "server.log",
        env=NO_LIMITS,
    )
    server.start()
    try:
        token = str(server.admin_session().headers["Authorization"])
        command = [str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(CONFIG), "--no-color"]
        command += ["run", f"{server.url}/api/schema/", "--checks", "all", "--max-examples", str(MAX_EXAMPLES)]
        command += ["--header", f"Authorization: {token}"]
        # Run in tmp_path: Schemathesis keeps a cache folder where it runs.
        result = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False, cwd=tmp_path)
    finally:
        server.stop()
    failures = result.stdout.find("FAILURES")
    report = result.stdout[max(failures, 0) :][:12000] + result.stderr[-2000:]
    assert result.returncode == 0, report
    assert "Traceback" not in server.log()
