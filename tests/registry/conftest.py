"""The registry tests start from a database holding the built-in catalog and Roboflow 1.8.3's.

Loading it once per session keeps the suite fast; each test runs in a transaction that is rolled
back, so a test that changes the catalog leaves nothing behind.
"""

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.test import APIClient

from registry.services.catalog_sync import blocks_import
from tests.conftest import load_roboflow_describe
from tests.executor.conftest import classification_workflow


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        call_command("sync_blocks", stdout=StringIO())
        blocks_import(load_roboflow_describe())


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def make_user(username: str = "user", *, staff: bool = False, **overrides: Any) -> Any:
    return get_user_model().objects.create_user(
        username=username, password="pw-" + username, is_staff=staff, **overrides
    )


def client_of(user: Any) -> APIClient:
    """An API client signed in as `user`."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def create_workflow(client: APIClient, **overrides: Any) -> dict[str, Any]:
    """A saved workflow named "Shapes" (the classification workflow) through the API, as it answers."""
    body = {"name": "Shapes", "specification": classification_workflow(), **overrides}
    response = client.post("/api/v1/workflows/", body, format="json")
    assert response.status_code == 201, response.content
    return dict(response.json())


@pytest.fixture
def staff_api(db: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(make_user("staff", staff=True))
    return client


@pytest.fixture
def user_api(db: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(make_user("someone"))
    return client


@pytest.fixture
def keep_the_test_connection():
    """As Django's test client does: the request signals would close the connection the test's
    transaction is on."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
