"""Repeated validations answered from Django's first answer (registry/roboflow/validate_replay.py),
through the server's WSGI application: what is replayed, what is counted and checked again, what
always goes to Django."""

import json

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config import wsgi
from registry.models import BlockVersion
from registry.roboflow import validate_replay
from registry.roboflow.validate_replay import ValidationReplay
from registry.services.block_versions import block_version_change_state
from tests.executor.conftest import CLASSIFIER, classification_workflow
from tests.support.wsgi_call import call_wsgi

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_the_test_connection")]
BODY = json.dumps(classification_workflow()).encode()


@pytest.fixture
def replay(settings):
    """A replay with nothing kept yet, in front of the server's own Django application; the catalog is
    read again only after a minute unless a test says otherwise."""
    settings.BLOCKWISE_VALIDATION_REPLAY_RECHECK_MS = 60_000
    return ValidationReplay(wsgi.application.app)


def _validate(replay, body=BODY, **headers):
    """The answer, and how many database queries it took."""
    with CaptureQueriesContext(connection) as queries:
        answer = call_wsgi(replay, "POST", "/workflows/validate", body, **headers)
    return answer, len(queries)


def test_a_repeated_validation_gets_the_same_answer_without_the_view(replay):
    (status, headers, content), first_queries = _validate(replay)
    assert status.startswith("200") and json.loads(content) == {"status": "ok"}
    assert first_queries >= 1
    again, queries = _validate(replay)
    assert again == (status, headers, content)
    assert headers["x-content-type-options"] == ["nosniff"] and headers["x-frame-options"] == ["DENY"]
    assert queries == 0


def test_a_failed_validation_is_replayed_with_its_located_errors(replay):
    body = json.dumps(classification_workflow(type="roboflow_core/no_such_block@v1")).encode()
    first, _ = _validate(replay, body)
    status, _, content = first
    assert status.startswith("400")
    assert "no_such_block" in json.loads(content)["message"]
    assert _validate(replay, body) == (first, 0)


def test_another_body_or_other_headers_are_answered_by_django(replay):
    _validate(replay)
    other_body = json.dumps(classification_workflow(confidence=0.5)).encode()
    assert _validate(replay, other_body)[1] >= 1
    assert _validate(replay, ACCEPT_ENCODING="gzip")[1] >= 1
    (status, _, _), _ = _validate(replay, HOST="evil.example")
    assert status.startswith("400")  # Django's refusal of a host not allowed, never a replayed 200


def test_signed_in_callers_and_query_strings_always_reach_django(replay):
    _validate(replay)
    with CaptureQueriesContext(connection) as queries:
        status, _, _ = call_wsgi(replay, "POST", "/workflows/validate", BODY, AUTHORIZATION="Token " + "0" * 40)
    assert status.startswith("200")
    assert len(queries) >= 1  # the token looked up, the catalog read
    status, _, content = call_wsgi(replay, "POST", "/workflows/validate", BODY, query="api_key=a%00b")
    assert status.startswith("400")  # the middleware's refusal, not the 200 kept for the same body
    assert json.loads(content) == {"message": "The URL may not contain the NUL character (%00)."}


def test_replayed_answers_count_against_the_anonymous_rate(replay, settings):
    settings.BLOCKWISE_THROTTLE_RATES = {**settings.BLOCKWISE_THROTTLE_RATES, "anonymous_validate": "3/minute"}
    answers = [_validate(replay)[0] for _ in range(4)]
    assert [status[:3] for status, _, _ in answers] == ["200", "200", "200", "429"]
    _, headers, content = answers[3]
    assert json.loads(content) == {"message": "Too many requests; try again later."}
    assert int(headers["retry-after"][0]) >= 1
    settings.BLOCKWISE_THROTTLE_RATES = {**settings.BLOCKWISE_THROTTLE_RATES, "anonymous_validate": None}
    assert _validate(replay)[0][0].startswith("200")  # the 429 was not kept


def test_a_change_from_another_process_reaches_replayed_answers_after_the_recheck_time(replay, settings):
    """The test's transaction never commits, as a change seen only in the database would not be
    announced to this process."""
    assert _validate(replay)[0][0].startswith("200")
    staff = User.objects.create_user("staff", is_staff=True)
    block_version_change_state(
        block_version=BlockVersion.objects.get(type_identifier=CLASSIFIER), action="disable", user=staff
    )
    assert _validate(replay)[0][0].startswith("200")  # within the recheck time: the answer kept
    settings.BLOCKWISE_VALIDATION_REPLAY_RECHECK_MS = 0
    (status, _, content), _ = _validate(replay)
    assert status.startswith("400")
    assert "disabled" in json.loads(content)["message"]


def test_a_change_committed_through_this_process_reaches_replayed_answers_at_once(
    replay, django_capture_on_commit_callbacks
):
    assert _validate(replay)[0][0].startswith("200")
    staff = User.objects.create_user("staff", is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        block_version_change_state(
            block_version=BlockVersion.objects.get(type_identifier=CLASSIFIER), action="disable", user=staff
        )
    (status, _, content), _ = _validate(replay)  # well within the minute's recheck time
    assert status.startswith("400")
    assert "disabled" in json.loads(content)["message"]


def test_the_kept_answers_are_bounded(replay, monkeypatch):
    monkeypatch.setattr(validate_replay, "MAX_ANSWERS", 2)
    bodies = [json.dumps(classification_workflow(confidence=c)).encode() for c in (0.1, 0.2, 0.3)]
    for body in bodies:
        _validate(replay, body)
    assert _validate(replay, bodies[2])[1] == 0
    assert _validate(replay, bodies[0])[1] >= 1  # the oldest was let go
    big = json.dumps(classification_workflow(model_id="x" * validate_replay.MAX_REPLAYED_BODY)).encode()
    _validate(replay, big)
    assert _validate(replay, big)[1] >= 1  # bodies over the limit are never kept


def test_an_answer_that_sets_a_cookie_is_never_kept(settings):
    settings.BLOCKWISE_VALIDATION_REPLAY_RECHECK_MS = 60_000
    calls = []

    def sets_a_cookie(environ, start_response):
        calls.append(environ["wsgi.input"].read())
        start_response("200 OK", [("Content-Type", "application/json"), ("Set-Cookie", "session=for-one-client")])
        return [b'{"status": "ok"}']

    replay = ValidationReplay(sets_a_cookie)
    for _ in range(2):
        assert call_wsgi(replay, "POST", "/workflows/validate", BODY)[1]["set-cookie"] == ["session=for-one-client"]
    assert calls == [BODY, BODY]


def test_a_validation_that_names_a_saved_workflow_is_never_replayed(replay):
    from registry.services.workflows import workflow_create, workflow_save
    from tests.executor.nested_builders import child_workflow, inner_step, parent_workflow

    owner = User.objects.create_user("owner")
    child = workflow_create(owner=owner, name="child", specification=child_workflow(), public=True)
    body = json.dumps(parent_workflow(inner_step(workflow_workspace_id="w", workflow_id=str(child.pk)))).encode()
    (status, headers, _), _ = _validate(replay, body)
    assert status.startswith("200") and headers["cache-control"] == ["no-store"]
    without_top = child_workflow()
    without_top["outputs"] = without_top["outputs"][:1]
    workflow_save(workflow=child, user=owner, base_revision=1, specification=without_top)
    (status, _, content), queries = _validate(replay, body)
    assert status.startswith("400") and json.loads(content)["error_type"] == "InvalidReferenceTargetError"
    assert queries >= 1
