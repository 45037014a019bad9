"""Sign-in: tokens for programs, sessions with CSRF for the browser."""

import pytest
from rest_framework.test import APIClient

from tests.executor.conftest import classification_workflow
from tests.registry.conftest import make_user

pytestmark = pytest.mark.django_db


def test_token_then_authenticated_save():
    make_user("carol")
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "carol", "password": "pw-carol"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    created = client.post(
        "/api/v1/workflows/", {"name": "t", "specification": classification_workflow()}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["owner"] == "carol"


def test_wrong_password_says_nothing_about_which_part():
    make_user("carol")
    response = APIClient().post("/api/v1/auth/token/", {"username": "carol", "password": "nope"}, format="json")
    assert response.status_code == 401
    assert response.json() == {"code": "authentication_failed", "message": "Wrong username or password.", "details": []}
    assert "nope" not in response.content.decode()


def test_session_login_needs_csrf_for_writes():
    make_user("dave", staff=True)
    client = APIClient(enforce_csrf_checks=True)
    me = client.get("/api/v1/auth/me/")
    assert me.json() == {"authenticated": False, "username": None, "is_staff": False}
    csrf = me.cookies["csrftoken"].value
    credentials = {"username": "dave", "password": "pw-dave"}
    # No login CSRF: a cross-site form post cannot sign the browser in.
    forged = client.post("/api/v1/auth/login/", credentials, format="json")
    assert (forged.status_code, forged.json()["code"]) == (403, "csrf_failed")
    assert client.get("/api/v1/auth/me/").json()["authenticated"] is False
    login = client.post("/api/v1/auth/login/", credentials, format="json", HTTP_X_CSRFTOKEN=csrf)
    assert login.json() == {"authenticated": True, "username": "dave", "is_staff": True}
    body = {"name": "s", "specification": classification_workflow()}
    assert client.post("/api/v1/workflows/", body, format="json").status_code == 403
    csrf = client.cookies["csrftoken"].value
    assert client.post("/api/v1/workflows/", body, format="json", HTTP_X_CSRFTOKEN=csrf).status_code == 201
    client.post("/api/v1/auth/logout/", HTTP_X_CSRFTOKEN=csrf)
    assert client.get("/api/v1/auth/me/").json()["authenticated"] is False
