"""The WSGI application the server runs is Django's own handler on `settings.MIDDLEWARE`, the chain
Django's test client runs: a request gets the same answer through either."""

import json

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.test import Client

from config.wsgi import application
from tests.executor.conftest import classification_workflow
from tests.support.wsgi_call import call_wsgi

pytestmark = pytest.mark.usefixtures("keep_the_test_connection")


def test_the_server_runs_djangos_handler_on_the_settings_chain():
    assert type(application) is WSGIHandler
    # The handler loads its chain when made; the test client's handler loads `settings.MIDDLEWARE` too.
    assert [type(m).__module__ + "." + type(m).__name__ for m in _chain(application)] == settings.MIDDLEWARE


def _chain(handler: WSGIHandler) -> list[object]:
    """The middleware instances of a handler's chain, outermost first: Django wraps each one (and, last,
    the handler's own `_get_response`) in an exception converter that keeps it as `__wrapped__`."""
    found = []
    layer = handler._middleware_chain.__wrapped__  # type: ignore[attr-defined]  # Django's own chain
    while hasattr(layer, "get_response"):
        found.append(layer)
        layer = layer.get_response.__wrapped__
    return found


@pytest.mark.django_db
def test_a_roboflow_route_answers_the_same_through_the_server_and_the_test_client():
    body = json.dumps(classification_workflow()).encode()
    status, headers, content = call_wsgi(application, "POST", "/workflows/validate", body)
    through_client = Client().post("/workflows/validate", body, content_type="application/json")
    assert status.startswith("200"), content
    assert json.loads(content) == through_client.json() == {"status": "ok"}
    for name in ("x-content-type-options", "x-frame-options", "referrer-policy"):
        assert headers[name] == [through_client.headers[name]]
    assert headers["x-content-type-options"] == ["nosniff"]
    assert headers["x-frame-options"] == ["DENY"]
    assert "set-cookie" not in headers


@pytest.mark.django_db
def test_a_nul_in_the_query_is_refused_on_a_roboflow_route():
    status, _, content = call_wsgi(application, "POST", "/workflows/validate", b"{}", query="api_key=a%00b")
    assert status.startswith("400")
    assert json.loads(content) == {"message": "The URL may not contain the NUL character (%00)."}


@pytest.mark.django_db
def test_the_editor_page_sets_the_csrf_cookie_through_the_server():
    status, headers, _ = call_wsgi(application, "GET", "/")
    assert status.startswith("200")
    assert any(cookie.strip().startswith("csrftoken=") for cookie in headers["set-cookie"])
    assert headers["x-frame-options"] == ["DENY"]
