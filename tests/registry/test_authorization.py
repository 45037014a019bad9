"""Who may do what: run records, the Roboflow run routes, the server's key, active learning, rate limits.

Every request goes through the Django test client and the whole middleware stack.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from registry.models import ActiveLearningDatapoint, Run, Workflow
from tests.registry.conftest import make_user
from tests.registry.test_runs_api import DEMO, SECRET, b64, demo_spec, solid

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo(db):
    call_command("seed_demo", stdout=StringIO())


def _run(client, path="/api/v1/runs/", **body):
    return client.post(path, {"specification": demo_spec(), "inputs": {"image": b64("red")}, **body}, format="json")


def _private_workflow(owner):
    return Workflow.objects.create(owner=owner, name="mine", public=False).pk


def _signed_in(username="alice"):
    client = APIClient()
    client.force_authenticate(make_user(username))
    return client


# Run records


def test_anonymous_runs_cannot_be_read_by_counting_ids(api):
    created = _run(api)
    assert created.status_code == 201
    run_id = created.json()["id"]
    for reader in (APIClient(), _signed_in("mallory")):
        for candidate in range(1, run_id + 1):
            response = reader.get(f"/api/v1/runs/{candidate}/")
            assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_a_signed_in_creator_reads_their_run():
    alice = _signed_in()
    run_id = _run(alice).json()["id"]
    assert alice.get(f"/api/v1/runs/{run_id}/").json()["id"] == run_id


# The Roboflow run routes act on tokens and keys, never on the session


def _saved_run(client, workflow_id, **extra):
    return client.post(f"/ws/workflows/{workflow_id}", {"inputs": {"image": b64("red")}}, format="json", **extra)


def test_a_session_does_not_run_private_workflows_on_the_roboflow_routes():
    alice = make_user("alice")
    workflow_id = _private_workflow(alice)
    browser = APIClient()
    browser.force_login(alice)
    response = _saved_run(browser, workflow_id)
    assert (response.status_code, response.json()) == (404, {"message": f"Workflow {workflow_id} not found."})
    assert Run.objects.count() == 0


def test_a_session_run_by_specification_is_recorded_as_anonymous():
    alice = make_user("alice")
    browser = APIClient()
    browser.force_login(alice)
    response = browser.post(
        "/workflows/run", {"specification": demo_spec(), "inputs": {"image": b64("red")}}, format="json"
    )
    assert response.status_code == 200
    assert list(Run.objects.values_list("user", flat=True)) == [None]


@pytest.mark.parametrize("how", ["token_header", "bearer", "body_api_key"])
def test_a_token_or_api_key_runs_the_owners_private_workflow(how):
    alice = make_user("alice")
    key = Token.objects.create(user=alice).key
    workflow = Workflow.objects.get(name__icontains="demo")
    workflow.owner, workflow.public = alice, False
    workflow.save()
    client = APIClient()
    if how == "token_header":
        response = _saved_run(client, workflow.pk, HTTP_AUTHORIZATION=f"Token {key}")
    elif how == "bearer":
        response = _saved_run(client, workflow.pk, HTTP_AUTHORIZATION=f"Bearer {key}")
    else:
        body = {"inputs": {"image": b64("red")}, "api_key": key}
        response = client.post(f"/ws/workflows/{workflow.pk}", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["outputs"][0]["predictions"]["top"] == "red"
    assert list(Run.objects.values_list("user", flat=True)) == [alice.pk]


def test_a_wrong_token_is_refused_in_roboflow_shape():
    response = _saved_run(APIClient(), 1, HTTP_AUTHORIZATION="Token nope")
    assert (response.status_code, response.json()) == (401, {"message": "Invalid token."})
    assert Run.objects.count() == 0


# The server's Roboflow key


def _remote_run(client):
    spec = demo_spec(model_id="shapes/7")
    return client.post("/api/v1/runs/", {"specification": spec, "inputs": {"image": solid("blue")}}, format="json")


def test_anonymous_callers_do_not_spend_the_servers_key(api, settings, model_server):
    settings.ROBOFLOW_API_URL = model_server.url
    settings.ROBOFLOW_API_KEY = SECRET
    response = _remote_run(api)
    assert (response.status_code, response.json()["code"]) == (400, "no_model")
    assert model_server.state.requests == []
    roboflow = api.post(
        "/workflows/run",
        {"specification": demo_spec(model_id="shapes/7"), "inputs": {"image": solid("blue")}},
        format="json",
    )
    assert roboflow.status_code == 400
    assert model_server.state.requests == []


def test_signed_in_callers_use_the_servers_key(settings, model_server):
    settings.ROBOFLOW_API_URL = model_server.url
    settings.ROBOFLOW_API_KEY = SECRET
    response = _remote_run(_signed_in())
    assert response.status_code == 201
    [sent] = model_server.state.requests
    assert sent.query["api_key"] == [SECRET]


def test_a_setting_lets_anonymous_callers_use_the_servers_key(api, settings, model_server):
    settings.ROBOFLOW_API_URL = model_server.url
    settings.ROBOFLOW_API_KEY = SECRET
    settings.BLOCKWISE_ANONYMOUS_USES_SERVER_KEY = True
    assert _remote_run(api).status_code == 201
    assert len(model_server.state.requests) == 1


# Keeping images for active learning


def _keep(client, images, **spec_overrides):
    spec = demo_spec(disable_active_learning=False, **spec_overrides)
    return client.post("/api/v1/runs/", {"specification": spec, "inputs": {"image": images}}, format="json")


def test_anonymous_runs_keep_no_images(api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = _keep(api, [b64("red", 1), b64("blue", 2)])
    assert response.status_code == 201
    assert ActiveLearningDatapoint.objects.count() == 0
    assert list(tmp_path.rglob("*.jpg")) == []


def test_kept_images_count_against_a_quota_per_user(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.BLOCKWISE_ACTIVE_LEARNING_QUOTA = 3
    alice = _signed_in("alice")
    assert _keep(alice, [b64("red", 1), b64("blue", 2)]).status_code == 201
    assert _keep(alice, [b64("red", 3), b64("blue", 4)]).status_code == 201
    assert _keep(_signed_in("bob"), [b64("green", 5)]).status_code == 201
    kept = ActiveLearningDatapoint.objects.order_by("id")
    assert [(p.user.username, p.dataset, p.model_id) for p in kept] == [
        ("alice", "demo-shapes", DEMO),
        ("alice", "demo-shapes", DEMO),
        ("alice", "demo-shapes", DEMO),
        ("bob", "demo-shapes", DEMO),
    ]
    assert len(list(tmp_path.rglob("*.jpg"))) == 4


@pytest.mark.parametrize("dataset", ["../escape", "a/b", "x" * 101, "-leading", "sp ace", "\u00e9t\u00e9"])
def test_a_bad_dataset_name_is_a_400(settings, tmp_path, dataset):
    settings.MEDIA_ROOT = tmp_path
    response = _keep(_signed_in(), [b64("red")], active_learning_target_dataset=dataset)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_dataset"
    assert ActiveLearningDatapoint.objects.count() == 0
    assert list(tmp_path.rglob("*")) == []


# Rate limits and lockout


def _token(client, password, username="alice"):
    return client.post("/api/v1/auth/token/", {"username": username, "password": password}, format="json")


def test_wrong_passwords_lock_the_account_for_a_while(settings):
    settings.BLOCKWISE_LOGIN_LOCKOUT_FAILURES = 3
    make_user("alice")
    make_user("bob")
    client = APIClient()
    assert [_token(client, "wrong").status_code for _ in range(3)] == [401, 401, 401]
    locked = _token(client, "pw-alice")
    assert (locked.status_code, locked.json()["code"]) == (429, "locked_out")
    assert not Token.objects.filter(user__username="alice").exists()
    assert _token(client, "pw-bob", username="bob").status_code == 200


def test_a_right_password_resets_the_count(settings):
    settings.BLOCKWISE_LOGIN_LOCKOUT_FAILURES = 2
    make_user("alice")
    client = APIClient()
    statuses = [_token(client, p).status_code for p in ("wrong", "pw-alice", "wrong", "pw-alice")]
    assert statuses == [401, 200, 401, 200]


def test_sign_in_attempts_are_rate_limited_per_address(settings):
    settings.BLOCKWISE_THROTTLE_RATES = {**settings.BLOCKWISE_THROTTLE_RATES, "sign_in": "3/minute"}
    make_user("alice")
    client = APIClient()
    assert [_token(client, "pw-alice").status_code for _ in range(3)] == [200, 200, 200]
    throttled = _token(client, "pw-alice")
    assert (throttled.status_code, throttled.json()["code"]) == (429, "throttled")
    assert int(throttled["Retry-After"]) > 0
    login = client.post("/api/v1/auth/login/", {"username": "alice", "password": "pw-alice"}, format="json")
    assert login.status_code == 429


def _wrong_passwords(settings, forwarded_for: list[str]) -> list[int]:
    """Sign-in attempts with a wrong password, one per X-Forwarded-For value, at 3 a minute."""
    settings.BLOCKWISE_THROTTLE_RATES = {**settings.BLOCKWISE_THROTTLE_RATES, "sign_in": "3/minute"}
    client = APIClient()
    body = {"username": "alice", "password": "wrong"}
    return [
        client.post("/api/v1/auth/token/", body, format="json", HTTP_X_FORWARDED_FOR=value).status_code
        for value in forwarded_for
    ]


def test_a_forwarded_for_header_does_not_reset_the_count(settings):
    assert _wrong_passwords(settings, [f"203.0.113.{n}" for n in range(5)]) == [401, 401, 401, 429, 429]


@pytest.mark.parametrize(("proxies", "statuses"), [(1, [401, 401, 401, 429]), (2, [401, 401, 401, 401])])
def test_behind_proxies_the_forwarded_address_counts(settings, proxies, statuses):
    """Behind N proxies the address the Nth proxy from the server saw counts: the client's own
    entries before it are not trusted. The client writes the first entry; the proxy next to the
    server appends the client's address."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    assert _wrong_passwords(settings, [f"10.0.0.{n}, 198.51.100.7" for n in range(4)]) == statuses


def test_anonymous_validation_is_rate_limited(settings):
    settings.BLOCKWISE_THROTTLE_RATES = {**settings.BLOCKWISE_THROTTLE_RATES, "anonymous_validate": "2/minute"}
    anonymous = APIClient()
    native = [
        anonymous.post("/api/v1/workflows/validate/", {"specification": demo_spec()}, format="json").status_code
        for _ in range(3)
    ]
    assert native == [200, 200, 429]
    # The Roboflow route shares the count, and answers in Roboflow's shape.
    roboflow = anonymous.post("/workflows/validate", demo_spec(), format="json")
    assert (roboflow.status_code, roboflow.json()) == (429, {"message": "Too many requests; try again later."})
    alice = _signed_in()
    assert alice.post("/api/v1/workflows/validate/", {"specification": demo_spec()}, format="json").status_code == 200


def test_anonymous_runs_are_rate_limited(settings):
    settings.BLOCKWISE_THROTTLE_RATES = {**settings.BLOCKWISE_THROTTLE_RATES, "anonymous_run": "2/minute"}
    anonymous = APIClient()
    assert [_run(anonymous).status_code for _ in range(2)] == [201, 201]
    native = _run(anonymous)
    assert (native.status_code, native.json()["code"]) == (429, "throttled")
    roboflow = _run(anonymous, path="/workflows/run")
    assert (roboflow.status_code, roboflow.json()) == (429, {"message": "Too many requests; try again later."})
    assert Run.objects.count() == 2
    assert _run(_signed_in()).status_code == 201
