"""Production settings: no start without a secret key outside development, DEBUG off unless asked,
hosts and trusted origins from the environment, security headers on every answer."""

import json
import os
import subprocess
import sys

import pytest
from django.test import Client

from tests.conftest import REPO_DIR

PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.DEBUG, s.SECRET_KEY, s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS]))"
)


def _settings_process(tmp_path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BLOCKWISE_"))}
    clean |= {"DJANGO_SETTINGS_MODULE": "config.settings", "BLOCKWISE_SECRET_KEY_FILE": str(tmp_path / "none")}
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=REPO_DIR,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_no_start_without_a_secret_key(tmp_path):
    finished = _settings_process(tmp_path)
    assert finished.returncode == 1
    assert "ImproperlyConfigured: No secret key: set DJANGO_SECRET_KEY, or run `make run` once" in finished.stderr
    assert finished.stdout == ""


def test_development_server_may_use_the_fixed_key(tmp_path):
    finished = _settings_process(tmp_path, DJANGO_DEBUG="1")
    assert json.loads(finished.stdout) == [
        True,
        "blockwise-development-only-secret-key",
        ["127.0.0.1", "localhost", "[::1]", "testserver"],
        [],
    ]


def test_key_file_debug_off_and_hosts_from_the_environment(tmp_path):
    (tmp_path / "key").write_text("k" * 50 + "\n")
    finished = _settings_process(
        tmp_path,
        BLOCKWISE_SECRET_KEY_FILE=str(tmp_path / "key"),
        DJANGO_ALLOWED_HOSTS="blockwise.example, api.example",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://blockwise.example",
    )
    assert json.loads(finished.stdout) == [
        False,
        "k" * 50,
        ["blockwise.example", "api.example"],
        ["https://blockwise.example"],
    ]


def test_environment_key_wins_over_the_file(tmp_path):
    (tmp_path / "key").write_text("from-file")
    finished = _settings_process(
        tmp_path, BLOCKWISE_SECRET_KEY_FILE=str(tmp_path / "key"), DJANGO_SECRET_KEY="from-environment"
    )
    assert json.loads(finished.stdout)[1] == "from-environment"


@pytest.mark.django_db
def test_security_headers_on_every_answer():
    response = Client().get("/healthz")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_api_docs_need_no_internet():
    client = Client()
    for page, asset in [
        ("/api/docs/", "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"),
        ("/api/redoc/", "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"),
    ]:
        html = client.get(page).content.decode()
        assert asset in html
        assert "cdn" not in html.lower()
        assert 'src="http' not in html
        assert 'href="http' not in html
        served = client.get(asset)
        assert served.status_code == 200
        served.close()
        assert served["Content-Type"].startswith("text/javascript")


def test_sqlite_writes_a_log_and_does_not_flush_every_commit(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('PRAGMA synchronous').fetchone()[0])"
    )
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": "k" * 50,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    finished = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert finished.stdout.split() == ["wal", "1"]


def test_api_keys_are_redacted_from_every_log_line(tmp_path):
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('some.library').warning('POST /shapes/3?api_key=sk-live-123&confidence=0.4 200')"
    )
    env = os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_SECRET_KEY": "k" * 50}
    finished = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert finished.stderr == "POST /shapes/3?api_key=***&confidence=0.4 200\n"
