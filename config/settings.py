"""Django settings, read from the environment only.

With no variables set the project runs on SQLite in the repo folder and serves on 127.0.0.1:
that is the embedded default. ``DATABASE_URL`` switches to PostgreSQL.
"""

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext

# Lets admin and form classes be subscripted with their model types at run time, as mypy sees them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


# A fixed development key keeps the zero-configuration start; production sets its own.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "blockwise-development-only-secret-key-change-me")
DEBUG = _env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "registry",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=60,
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# WhiteNoise warns about a missing root on every start before the first collectstatic.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "var" / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Request bodies: the API limit is enforced by our own parser so that it answers 413.
BLOCKWISE_MAX_BODY_BYTES = _env_int("BLOCKWISE_MAX_BODY_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = _env_int("BLOCKWISE_MAX_UPLOAD_BYTES", 64 * 1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: anonymous requests then get 401 with a WWW-Authenticate header, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "registry.api.limits.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "registry.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Blockwise API",
    "DESCRIPTION": "Block registry, workflow validation and execution for vision workflows.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("BLOCKWISE_LOG_LEVEL", "WARNING")},
}

# Workflows and execution.
BLOCKWISE_MAX_STEPS = _env_int("BLOCKWISE_MAX_STEPS", 1000)
BLOCKWISE_MODEL_CONCURRENCY = _env_int("BLOCKWISE_MODEL_CONCURRENCY", 8)
BLOCKWISE_MODEL_TIMEOUT_S = _env_float("BLOCKWISE_MODEL_TIMEOUT_S", 30.0)
BLOCKWISE_MODEL_RETRIES = _env_int("BLOCKWISE_MODEL_RETRIES", 3)
BLOCKWISE_MAX_IMAGE_BYTES = _env_int("BLOCKWISE_MAX_IMAGE_BYTES", 10 * 1024 * 1024)
# Run requests carry base64 images: room for a few images at the image limit.
BLOCKWISE_MAX_RUN_BODY_BYTES = _env_int("BLOCKWISE_MAX_RUN_BODY_BYTES", 64 * 1024 * 1024)
BLOCKWISE_MAX_IMAGE_PIXELS = _env_int("BLOCKWISE_MAX_IMAGE_PIXELS", 40_000_000)
BLOCKWISE_IMAGE_URL_TIMEOUT_S = _env_float("BLOCKWISE_IMAGE_URL_TIMEOUT_S", 10.0)
BLOCKWISE_ALLOW_PRIVATE_IMAGE_URLS = _env_bool("BLOCKWISE_ALLOW_PRIVATE_IMAGE_URLS", False)
ROBOFLOW_API_KEY = os.environ.get("ROBOFLOW_API_KEY", "")
ROBOFLOW_API_URL = os.environ.get("ROBOFLOW_API_URL", "https://classify.roboflow.com")
ROBOFLOW_INFERENCE_URL = os.environ.get("ROBOFLOW_INFERENCE_URL", "")

# Hardening: the JSON intake (registry/api/intake.py).
BLOCKWISE_MAX_JSON_DEPTH = _env_int("BLOCKWISE_MAX_JSON_DEPTH", 64)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"), "registry.api.intake.RefuseNulMiddleware"
)

# Hardening: SQLite takes the write lock when a transaction starts (so a transaction that read a row
# cannot fail to upgrade its lock later) and waits for it instead of answering "database is locked".
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "transaction_mode": "IMMEDIATE",
        "timeout": _env_float("BLOCKWISE_SQLITE_BUSY_TIMEOUT_S", 30.0),
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
    }

# Hardening: what anonymous callers may do. The server's Roboflow key serves signed-in callers only
# unless this is set; images kept for active learning need sign-in and count against a quota.
BLOCKWISE_ANONYMOUS_USES_SERVER_KEY = _env_bool("BLOCKWISE_ANONYMOUS_USES_SERVER_KEY", False)
BLOCKWISE_ACTIVE_LEARNING_QUOTA = _env_int("BLOCKWISE_ACTIVE_LEARNING_QUOTA", 1000)

# Hardening: rate limits (registry/api/throttles.py), "N/second|minute|hour|day"; empty means none.
BLOCKWISE_THROTTLE_RATES = {
    "sign_in": os.environ.get("BLOCKWISE_THROTTLE_SIGN_IN", "20/minute") or None,
    "anonymous_validate": os.environ.get("BLOCKWISE_THROTTLE_ANONYMOUS_VALIDATE", "300/minute") or None,
    "anonymous_run": os.environ.get("BLOCKWISE_THROTTLE_ANONYMOUS_RUN", "60/minute") or None,
}
BLOCKWISE_LOGIN_LOCKOUT_FAILURES = _env_int("BLOCKWISE_LOGIN_LOCKOUT_FAILURES", 10)
BLOCKWISE_LOGIN_LOCKOUT_S = _env_int("BLOCKWISE_LOGIN_LOCKOUT_S", 900)

# Hardening: the OpenAPI schema lists error answers and anonymous access (registry/api/schema.py).
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "registry.api.schema.BlockwiseAutoSchema"
# Request bodies get their own components, so required text fields show `minLength: 1`.
SPECTACULAR_SETTINGS["COMPONENT_SPLIT_REQUEST"] = True
