"""The WSGI application: Roboflow's API routes through the short middleware chain, the rest through
the full one, with the same security headers and refusals on both."""

import io
import json
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from config import wsgi
from config.wsgi import application, is_roboflow_route
from tests.executor.conftest import classification_workflow


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the handler would close the connection the test's transaction is on."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _call(method: str, path: str, body: bytes = b"", query: str = "") -> tuple[str, dict[str, list[str]], bytes]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(body),
        "wsgi.url_scheme": "http",
        "wsgi.errors": io.StringIO(),
    }
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        answer["status"] = status
        answer["headers"] = {}
        for name, value in headers:
            answer["headers"].setdefault(name.lower(), []).append(value)

    chunks = application(environ, start_response)
    content = b"".join(chunks)
    getattr(chunks, "close", lambda: None)()
    return answer["status"], answer["headers"], content


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
