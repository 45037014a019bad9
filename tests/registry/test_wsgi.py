"""The WSGI application: Roboflow's API routes through the short middleware chain, the rest through
the full one, with the same security headers and refusals on both."""

import json

import pytest

from config import wsgi
from config.wsgi import application, is_roboflow_route
from tests.executor.conftest import classification_workflow
from tests.support.wsgi_call import call_wsgi

pytestmark = pytest.mark.usefixtures("keep_the_test_connection")


def _call(method: str, path: str, body: bytes = b"", query: str = "") -> tuple[str, dict[str, list[str]], bytes]:
    return call_wsgi(application, method, path, body, query)


@pytest.mark.parametrize(
    ("path", "roboflow"),
    [
        ("/workflows/validate", True),
        ("/workflows/run", True),
        ("/workflows/blocks/describe", True),
        ("/my-workspace/workflows/my-workflow", True),
        ("/workflows/validate/", False),
        ("/api/v1/workflows/validate/", False),
        ("/static/frontend/workflows/x", False),
        ("/", False),
        ("/admin/", False),
        ("/healthz", False),
    ],
)
def test_roboflow_routes_are_told_by_the_url_map(path, roboflow):
    assert is_roboflow_route(path) is roboflow


def test_long_paths_are_told_without_being_remembered():
    wsgi._remembered.cache_clear()
    assert is_roboflow_route("/" + "w" * 100_000 + "/workflows/x") is True
    assert is_roboflow_route("/api/v1/" + "x" * 100_000) is False
    assert wsgi._remembered.cache_info().currsize == 0
    assert is_roboflow_route("/workflows/run") is True
    assert wsgi._remembered.cache_info().currsize == 1


def test_the_short_chain_leaves_out_only_what_browsers_use(settings):
    assert "django.contrib.sessions.middleware.SessionMiddleware" not in settings.API_MIDDLEWARE
    assert "django.middleware.csrf.CsrfViewMiddleware" not in settings.API_MIDDLEWARE
    for kept in (
        "django.middleware.security.SecurityMiddleware",
        "registry.api.intake.RefuseNulMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ):
        assert kept in settings.API_MIDDLEWARE


@pytest.mark.django_db
def test_a_roboflow_route_answers_with_the_security_headers_and_no_cookie():
    status, headers, content = _call("POST", "/workflows/validate", json.dumps(classification_workflow()).encode())
    assert status.startswith("200"), content
    assert json.loads(content) == {"status": "ok"}
    assert headers["x-content-type-options"] == ["nosniff"]
    assert headers["x-frame-options"] == ["DENY"]
    assert headers["referrer-policy"] == ["same-origin"]
    assert "set-cookie" not in headers


@pytest.mark.django_db
def test_a_nul_in_the_query_is_refused_on_a_roboflow_route():
    status, _, content = _call("POST", "/workflows/validate", b"{}", query="api_key=a%00b")
    assert status.startswith("400")
    assert json.loads(content) == {"message": "The URL may not contain the NUL character (%00)."}


@pytest.mark.django_db
def test_the_editor_page_keeps_the_full_chain():
    status, headers, _ = _call("GET", "/")
    assert status.startswith("200")
    assert any(cookie.strip().startswith("csrftoken=") for cookie in headers["set-cookie"])
    assert headers["x-frame-options"] == ["DENY"]
