"""Shared fixtures: paths to the shared reference data."""

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_DIR.parent / "shared"
SHARED_DESCRIBE_PATH = SHARED_DIR / "data" / "roboflow-describe-1.8.3.json.gz"


def roboflow_describe_path() -> Path:
    """Roboflow 1.8.3's describe payload: from ../shared/ when it is there, else dumped once from the
    real package in the Roboflow environment and cached in ~/.cache/blockwise/ (minutes, once)."""
    if SHARED_DESCRIBE_PATH.is_file():
        return SHARED_DESCRIBE_PATH
    from tests.conformance.roboflow import roboflow_describe_file

    return roboflow_describe_file()


def load_roboflow_describe() -> dict[str, Any]:
    with gzip.open(roboflow_describe_path(), "rt", encoding="utf-8") as handle:
        payload: dict[str, Any] = json.load(handle)
    return payload


@pytest.fixture(scope="session")
def roboflow_describe() -> dict[str, Any]:
    """Roboflow Inference 1.8.3's describe payload (250 blocks, 45 kinds); see roboflow_describe_path."""
    return load_roboflow_describe()


@pytest.fixture(scope="session")
def roboflow_server():
    """A Roboflow-compatible model server on 127.0.0.1 (see tests/support/roboflow_server.py)."""
    from tests.support.roboflow_server import RoboflowServer

    server = RoboflowServer().start()
    yield server
    server.stop()


@pytest.fixture
def model_server(roboflow_server):
    """The session's model server with its switches reset for this test."""
    roboflow_server.reset()
    return roboflow_server


@pytest.fixture(autouse=True)
def _models_stay_local(settings):
    """No test may reach Roboflow: remote model calls go to a closed local port unless a test
    points them at the Roboflow-compatible server."""
    settings.ROBOFLOW_API_URL = "http://127.0.0.1:9"
    settings.ROBOFLOW_INFERENCE_URL = ""
    settings.ROBOFLOW_API_KEY = ""
    settings.BLOCKWISE_MODEL_RETRIES = 0


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """On SQLite the test database is a file, not memory: the job tests' worker processes open it too."""
    import os
    import tempfile

    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = Path(tempfile.gettempdir()) / f"blockwise-test-{os.getpid()}.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Passwords made and checked in this process use a fast hash (Django's advice for tests): the
    default costs about a second of CPU per user made or password checked, and no test is about
    the hash's strength. Servers and workers the tests start keep the real hashers (their users
    are made in them)."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True, scope="session")
def _cache_in_memory():
    """Tests in this process count in memory, cleared for each test; the shared cache a server uses
    by default is tested with server processes (tests/registry/test_shared_limits.py)."""
    from django.test.utils import override_settings

    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}):
        yield


@pytest.fixture(autouse=True)
def _fresh_rate_limits(_cache_in_memory):
    """Rate-limit and sign-in lockout counts live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


# The slow kinds, told by the fixtures a test uses (or, for the differential tests, by their folder),
# so a new test is marked without anyone remembering to: `make test-fast` leaves these out. Tests that
# start the production server say so themselves (`pytest.mark.server`).
SLOW_FIXTURES = {
    "browser": {"browser", "editor"},
    "workers": {"workers", "worker_pool", "pool"},
}
CONFORMANCE_DIR = REPO_DIR / "tests" / "conformance"
CONFORMANCE_TIMEOUT_S = 1800


def slow_kinds(item: pytest.Item) -> set[str]:
    used = set(getattr(item, "fixturenames", ()))
    kinds = {kind for kind, fixtures in SLOW_FIXTURES.items() if used & fixtures}
    if CONFORMANCE_DIR in Path(str(item.path)).parents:
        kinds.add("conformance")
    return kinds


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for kind in slow_kinds(item) - {mark.name for mark in item.iter_markers()}:
            item.add_marker(getattr(pytest.mark, kind))
        if "conformance" in slow_kinds(item) and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(CONFORMANCE_TIMEOUT_S))
