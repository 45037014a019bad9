"""Production settings: no start without a secret key outside development, DEBUG off unless asked,
hosts and trusted origins from the environment, security headers on every answer."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.templatetags.static import static
from django.test import Client

from tests.conftest import REPO_DIR

# Reading a setting imports the settings module alone, which is what these tests are about: no
# `django.setup()`, which would load every app as well (most of each process's time).
PRINT_SETTINGS = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps([s.DEBUG, s.SECRET_KEY, s.ALLOWED_HOSTS, s.CSRF_TRUSTED_ORIGINS]))"
)


def _settings_process(tmp_path, code: str = PRINT_SETTINGS, **env: str) -> subprocess.CompletedProcess[str]:
    """Settings read in a new process from `env` alone (no DJANGO_, BLOCKWISE_, CACHE_ or CELERY_
    variable of this one)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BLOCKWISE_", "CACHE_", "CELERY_"))}
    clean |= {"DJANGO_SETTINGS_MODULE": "config.settings", "BLOCKWISE_SECRET_KEY_FILE": str(tmp_path / "none")}
    return subprocess.run(
        [sys.executable, "-c", code],
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
    for page, name in [
        ("/api/docs/", "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"),
        ("/api/redoc/", "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"),
    ]:
        asset = static(name)  # its hashed name once collectstatic has run (config/static_files.py)
        html = client.get(page).content.decode()
        assert asset in html
        assert "cdn" not in html.lower()
        assert 'src="http' not in html
        assert 'href="http' not in html
        served = client.get(asset)
        assert served.status_code == 200
        served.close()
        assert served["Content-Type"].startswith("text/javascript")


TYPED_SETTINGS = [
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "BLOCKWISE_MAX_BODY_BYTES",
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    "BLOCKWISE_MAX_STEPS",
    "BLOCKWISE_MODEL_CONCURRENCY",
    "BLOCKWISE_MODEL_TIMEOUT_S",
    "BLOCKWISE_MODEL_RETRIES",
    "BLOCKWISE_MAX_IMAGE_BYTES",
    "BLOCKWISE_MAX_RUN_BODY_BYTES",
    "BLOCKWISE_MAX_IMAGE_PIXELS",
    "BLOCKWISE_IMAGE_URL_TIMEOUT_S",
    "BLOCKWISE_ALLOW_PRIVATE_IMAGE_URLS",
    "BLOCKWISE_MAX_IMAGES_PER_REQUEST",
    "BLOCKWISE_MAX_REQUEST_PIXELS",
    "BLOCKWISE_MAX_MODEL_RESPONSE_BYTES",
    "BLOCKWISE_RUN_TIMEOUT_S",
    "BLOCKWISE_HTTPS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "BLOCKWISE_BATCH_CHUNK_SIZE",
    "BLOCKWISE_BATCH_MAX_FILES",
    "BLOCKWISE_BATCH_MAX_UNCOMPRESSED_BYTES",
    "BLOCKWISE_BATCH_MAX_UPLOAD_BYTES",
    "BLOCKWISE_BATCH_ITEM_RETRIES",
    "BLOCKWISE_BATCH_RETRY_BACKOFF_S",
    "BLOCKWISE_WEBHOOK_TIMEOUT_S",
    "BLOCKWISE_ALLOW_PRIVATE_WEBHOOK_URLS",
    "BLOCKWISE_MAX_JSON_DEPTH",
]
PRINT_TYPED_SETTINGS = (
    "import json, sys; from django.conf import settings as s; "
    "values = {name: getattr(s, name) for name in sys.argv[1:]}; "
    "values['SECURE_PROXY_SSL_HEADER'] = s.SECURE_PROXY_SSL_HEADER; "
    "values['sqlite_timeout'] = s.DATABASES['default'].get('OPTIONS', {}).get('timeout'); "
    "print(json.dumps(values))"
)
# Every typed variable's default, as the settings had them before django-environ read them.
TYPED_DEFAULTS = {
    "DEBUG": True,
    "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "[::1]", "testserver"],
    "CSRF_TRUSTED_ORIGINS": [],
    "BLOCKWISE_MAX_BODY_BYTES": 1048576,
    "DATA_UPLOAD_MAX_MEMORY_SIZE": 67108864,
    "BLOCKWISE_MAX_STEPS": 1000,
    "BLOCKWISE_MODEL_CONCURRENCY": 8,
    "BLOCKWISE_MODEL_TIMEOUT_S": 30.0,
    "BLOCKWISE_MODEL_RETRIES": 3,
    "BLOCKWISE_MAX_IMAGE_BYTES": 10485760,
    "BLOCKWISE_MAX_RUN_BODY_BYTES": 67108864,
    "BLOCKWISE_MAX_IMAGE_PIXELS": 40000000,
    "BLOCKWISE_IMAGE_URL_TIMEOUT_S": 10.0,
    "BLOCKWISE_ALLOW_PRIVATE_IMAGE_URLS": False,
    "BLOCKWISE_MAX_IMAGES_PER_REQUEST": 128,
    "BLOCKWISE_MAX_REQUEST_PIXELS": 100000000,
    "BLOCKWISE_MAX_MODEL_RESPONSE_BYTES": 4194304,
    "BLOCKWISE_RUN_TIMEOUT_S": 60.0,
    "BLOCKWISE_HTTPS": False,
    "SECURE_SSL_REDIRECT": False,
    "SECURE_HSTS_SECONDS": 0,
    "BLOCKWISE_BATCH_CHUNK_SIZE": 10,
    "BLOCKWISE_BATCH_MAX_FILES": 10000,
    "BLOCKWISE_BATCH_MAX_UNCOMPRESSED_BYTES": 2147483648,
    "BLOCKWISE_BATCH_MAX_UPLOAD_BYTES": 1073741824,
    "BLOCKWISE_BATCH_ITEM_RETRIES": 3,
    "BLOCKWISE_BATCH_RETRY_BACKOFF_S": 2.0,
    "BLOCKWISE_WEBHOOK_TIMEOUT_S": 10.0,
    "BLOCKWISE_ALLOW_PRIVATE_WEBHOOK_URLS": False,
    "BLOCKWISE_MAX_JSON_DEPTH": 64,
    "SECURE_PROXY_SSL_HEADER": None,
    "sqlite_timeout": 30.0,
}


def _typed_settings(tmp_path, **env: str) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BLOCKWISE_", "DATABASE_URL"))}
    clean |= {"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1"}
    clean |= {"BLOCKWISE_SECRET_KEY_FILE": str(tmp_path / "none")}
    finished = subprocess.run(
        [sys.executable, "-c", PRINT_TYPED_SETTINGS, *TYPED_SETTINGS],
        cwd=REPO_DIR,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    values: dict[str, object] = json.loads(finished.stdout)
    return values


def test_typed_variables_keep_their_defaults(tmp_path):
    assert _typed_settings(tmp_path) == TYPED_DEFAULTS


def test_typed_variables_are_read_from_the_environment(tmp_path):
    values = _typed_settings(
        tmp_path,
        BLOCKWISE_HTTPS="yes",
        BLOCKWISE_MAX_STEPS="7",
        BLOCKWISE_MODEL_TIMEOUT_S="2.5",
        BLOCKWISE_BEHIND_PROXY="on",
        BLOCKWISE_SQLITE_BUSY_TIMEOUT_S="4",
        BLOCKWISE_ALLOW_PRIVATE_IMAGE_URLS="TRUE",
        DJANGO_ALLOWED_HOSTS="a.example, b.example",
    )
    assert {name: value for name, value in values.items() if value != TYPED_DEFAULTS[name]} == {
        "ALLOWED_HOSTS": ["a.example", "b.example"],
        "BLOCKWISE_MAX_STEPS": 7,
        "BLOCKWISE_MODEL_TIMEOUT_S": 2.5,
        "BLOCKWISE_ALLOW_PRIVATE_IMAGE_URLS": True,
        "BLOCKWISE_HTTPS": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "sqlite_timeout": 4.0,
    }


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
    (line,) = finished.stderr.splitlines()
    assert "sk-live-123" not in line
    assert json.loads(line)["message"] == "POST /shapes/3?api_key=***&confidence=0.4 200"


def test_the_schema_class_is_set_once():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] == "registry.api.schema.BlockwiseAutoSchema"
    source = (Path(__file__).resolve().parents[2] / "config" / "settings.py").read_text()
    assert source.count("DEFAULT_SCHEMA_CLASS") == 1


PRINT_PROXIES_AND_CACHE = (
    "import json; from django.conf import settings as s; "
    "print(json.dumps([s.REST_FRAMEWORK['NUM_PROXIES'], s.CACHES['default']['BACKEND'], "
    "s.CACHES['default']['LOCATION']]))"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, [0, "config.database_cache.DatabaseCache", "blockwise_cache"]),
        ({"BLOCKWISE_BEHIND_PROXY": "on"}, [1, "config.database_cache.DatabaseCache", "blockwise_cache"]),
        (
            {"BLOCKWISE_BEHIND_PROXY": "2", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/3"},
            [2, "django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/3"],
        ),
        (
            {"CACHE_URL": "locmemcache://one", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/3"},
            [0, "django.core.cache.backends.locmem.LocMemCache", "one"],
        ),
    ],
)
def test_trusted_proxies_and_the_shared_cache_come_from_the_environment(tmp_path, env, expected):
    finished = _settings_process(tmp_path, PRINT_PROXIES_AND_CACHE, DJANGO_SECRET_KEY="k" * 50, **env)
    assert json.loads(finished.stdout) == expected, finished.stderr[-2000:]
