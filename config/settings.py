"""Django settings, read from the environment only.

With no variables set the project runs on SQLite in the repo folder and serves on 127.0.0.1:
that is the embedded default. ``DATABASE_URL`` switches to PostgreSQL.
"""

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured

# Lets admin and form classes be subscripted with their model types at run time, as mypy sees them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


# Typed reads of the environment; a variable that is not set takes the default written beside it.
env = environ.Env()

DEBUG: bool = env.bool("DJANGO_DEBUG", default=False)
# The key signs sessions: DJANGO_SECRET_KEY, else the file `make run` writes once (never committed).
# Only the development server (DJANGO_DEBUG=1) may fall back to a fixed key.
SECRET_KEY_FILE = Path(os.environ.get("BLOCKWISE_SECRET_KEY_FILE", BASE_DIR / "var" / "secret_key"))
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip() or (
    SECRET_KEY_FILE.read_text(encoding="utf-8").strip() if SECRET_KEY_FILE.is_file() else ""
)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            f"No secret key: set DJANGO_SECRET_KEY, or run `make run` once to write {SECRET_KEY_FILE}."
        )
    SECRET_KEY = "blockwise-development-only-secret-key"
ALLOWED_HOSTS: list[str] = env.list(
    "DJANGO_ALLOWED_HOSTS", cast=str.strip, default=["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS: list[str] = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", cast=str.strip, default=[])

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
    "drf_spectacular_sidecar",
    "registry",
    "frontend",
]

MIDDLEWARE = [
    # First: a request whose body the server did not read whole is answered before anything reads it.
    "registry.api.body_refusals.BodyRefusedMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.static_files.StaticFilesMiddleware",
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
        conn_health_checks=True,
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
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
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Brotli and gzip copies and content-hashed names at collectstatic (config/static_files.py).
    "staticfiles": {"BACKEND": "config.static_files.StaticFilesStorage"},
}
# A year's cache for files whose names carry their content's hash: Vite's (editor) and Django's.
WHITENOISE_IMMUTABLE_FILE_TEST = r"^/static/(?:frontend/editor/assets/.+-[0-9A-Za-z_-]{8}|.+\.[0-9a-f]{12})\.\w+$"
MEDIA_ROOT = BASE_DIR / "var" / "media"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Request bodies: the API limit is enforced by our own parser so that it answers 413.
BLOCKWISE_MAX_BODY_BYTES: int = env.int("BLOCKWISE_MAX_BODY_BYTES", default=1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE: int = env.int("BLOCKWISE_MAX_UPLOAD_BYTES", default=64 * 1024 * 1024)

REST_FRAMEWORK: dict[str, object] = {
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
    # The OpenAPI schema lists error answers and anonymous access (registry/api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "registry.api.schema.BlockwiseAutoSchema",
    "EXCEPTION_HANDLER": "registry.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Blockwise API",
    "DESCRIPTION": "Block registry, workflow validation and execution for vision workflows.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from our own static files: the docs work with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No API key in any log line, whichever logger wrote it (urllib3 quotes request URLs).
    "filters": {"redact_api_keys": {"()": "executor.models.roboflow.RedactApiKeys"}},
    # One JSON object per line: time, level, logger, message (and the traceback as `exc_info`).
    "formatters": {
        "json": {
            "()": "config.log_format.JsonLineFormatter",
            "fmt": "{asctime}{levelname}{name}{message}",
            "style": "{",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_api_keys"], "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("BLOCKWISE_LOG_LEVEL", "WARNING")},
}

# Workflows and execution.
BLOCKWISE_MAX_STEPS: int = env.int("BLOCKWISE_MAX_STEPS", default=1000)
# How deep inner workflows (roboflow_core/inner_workflow@v1) may nest; Roboflow's default is 4.
BLOCKWISE_MAX_INNER_WORKFLOW_DEPTH: int = env.int("BLOCKWISE_MAX_INNER_WORKFLOW_DEPTH", default=4)
BLOCKWISE_MODEL_CONCURRENCY: int = env.int("BLOCKWISE_MODEL_CONCURRENCY", default=8)
BLOCKWISE_MODEL_TIMEOUT_S: float = env.float("BLOCKWISE_MODEL_TIMEOUT_S", default=30.0)
BLOCKWISE_MODEL_RETRIES: int = env.int("BLOCKWISE_MODEL_RETRIES", default=3)
BLOCKWISE_MAX_IMAGE_BYTES: int = env.int("BLOCKWISE_MAX_IMAGE_BYTES", default=10 * 1024 * 1024)
# Run requests carry base64 images: room for a few images at the image limit.
BLOCKWISE_MAX_RUN_BODY_BYTES: int = env.int("BLOCKWISE_MAX_RUN_BODY_BYTES", default=64 * 1024 * 1024)
BLOCKWISE_MAX_IMAGE_PIXELS: int = env.int("BLOCKWISE_MAX_IMAGE_PIXELS", default=40_000_000)
BLOCKWISE_IMAGE_URL_TIMEOUT_S: float = env.float("BLOCKWISE_IMAGE_URL_TIMEOUT_S", default=10.0)
BLOCKWISE_ALLOW_PRIVATE_IMAGE_URLS: bool = env.bool("BLOCKWISE_ALLOW_PRIVATE_IMAGE_URLS", default=False)
# Per run request: images, pixels of all images together (about 3 bytes each once decoded), answers
# of model servers, and the wall-clock time a run may take (image fetches included).
BLOCKWISE_MAX_IMAGES_PER_REQUEST: int = env.int("BLOCKWISE_MAX_IMAGES_PER_REQUEST", default=128)
BLOCKWISE_MAX_REQUEST_PIXELS: int = env.int("BLOCKWISE_MAX_REQUEST_PIXELS", default=100_000_000)
BLOCKWISE_MAX_MODEL_RESPONSE_BYTES: int = env.int("BLOCKWISE_MAX_MODEL_RESPONSE_BYTES", default=4 * 1024 * 1024)
BLOCKWISE_RUN_TIMEOUT_S: float = env.float("BLOCKWISE_RUN_TIMEOUT_S", default=60.0)
# Images a local ONNX model scores in one session run (a batch of a step is split into runs of this size).
BLOCKWISE_LOCAL_MODEL_BATCH_SIZE: int = env.int("BLOCKWISE_LOCAL_MODEL_BATCH_SIZE", default=64)
ROBOFLOW_API_KEY = os.environ.get("ROBOFLOW_API_KEY", "")
ROBOFLOW_API_URL = os.environ.get("ROBOFLOW_API_URL", "https://classify.roboflow.com")
ROBOFLOW_INFERENCE_URL = os.environ.get("ROBOFLOW_INFERENCE_URL", "")

# Serving: security headers always; HTTPS-only cookies, HSTS and the redirect when served over TLS
# (behind a proxy that terminates TLS, also trust its X-Forwarded-Proto: see the README).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
BLOCKWISE_HTTPS: bool = env.bool("BLOCKWISE_HTTPS", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = BLOCKWISE_HTTPS
SECURE_SSL_REDIRECT = BLOCKWISE_HTTPS and env.bool("BLOCKWISE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS: int = env.int("BLOCKWISE_HSTS_SECONDS", default=31_536_000 if BLOCKWISE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
# BLOCKWISE_BEHIND_PROXY: how many proxies stand in front of the server ("on" or "true" is one). Off, the
# address a rate limit counts by is the socket's, whatever X-Forwarded-For a client writes; with N
# proxies, the address the Nth proxy from the server saw (DRF's NUM_PROXIES).
_behind_proxy = os.environ.get("BLOCKWISE_BEHIND_PROXY", "").strip().lower()
BLOCKWISE_TRUSTED_PROXIES = (
    int(_behind_proxy)
    if _behind_proxy.isascii() and _behind_proxy.isdigit()
    else int(env.bool("BLOCKWISE_BEHIND_PROXY", default=False))
)
REST_FRAMEWORK["NUM_PROXIES"] = BLOCKWISE_TRUSTED_PROXIES
if BLOCKWISE_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# /healthz checks the job broker only when one is configured.
BLOCKWISE_HEALTH_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
# ... and that a job worker swept lately (scripts/serve.py sets it for the worker it starts).
BLOCKWISE_HEALTH_WORKERS: bool = env.bool("BLOCKWISE_HEALTH_WORKERS", default=False)

# Batch jobs (Celery). With no CELERY_BROKER_URL, jobs go over kombu's filesystem transport to the
# worker `make run` starts beside the web server: the same tasks, nothing else to install.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or "filesystem://"
BLOCKWISE_CELERY_DIR = Path(os.environ.get("BLOCKWISE_CELERY_DIR", str(BASE_DIR / "var" / "celery")))
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = (
    {
        "data_folder_in": str(BLOCKWISE_CELERY_DIR / "queue"),
        "data_folder_out": str(BLOCKWISE_CELERY_DIR / "queue"),
        "control_folder": str(BLOCKWISE_CELERY_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.5,
    }
    if CELERY_BROKER_URL == "filesystem://"
    # A chunk a lost worker held goes back to the queue once it has gone unacknowledged this long;
    # the sweep that puts it back runs every restore interval on each worker.
    else {
        "visibility_timeout": env.int("BLOCKWISE_CELERY_VISIBILITY_TIMEOUT_S", default=3600),
        "unacked_restore_interval": env.int("BLOCKWISE_CELERY_RESTORE_INTERVAL_S", default=60),
        "unacked_restore_throttle": 1,
    }
)
if CELERY_BROKER_URL == "filesystem://":
    (BLOCKWISE_CELERY_DIR / "queue").mkdir(parents=True, exist_ok=True)
    (BLOCKWISE_CELERY_DIR / "control").mkdir(parents=True, exist_ok=True)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Celery's Django fix-up closes the database connection before and after every task unless told
# to reuse it: a new connection per chunk was about a tenth of a worker's time (bench_batch). Kept
# for 100 chunks; config/celery.py checks it at each task's start (CONN_HEALTH_CHECKS) and replaces
# one the database dropped in between.
CELERY_DB_REUSE_MAX = 100
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("BLOCKWISE_CELERY_QUEUE", "blockwise-jobs")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Folders on the server that jobs may read (separated by the OS path separator, ":" on Linux).
BLOCKWISE_BATCH_ROOTS = [Path(p) for p in os.environ.get("BLOCKWISE_BATCH_ROOTS", "").split(os.pathsep) if p]
BLOCKWISE_BATCH_CHUNK_SIZE: int = env.int("BLOCKWISE_BATCH_CHUNK_SIZE", default=10)
BLOCKWISE_BATCH_MAX_FILES: int = env.int("BLOCKWISE_BATCH_MAX_FILES", default=10_000)
BLOCKWISE_BATCH_MAX_UNCOMPRESSED_BYTES: int = env.int("BLOCKWISE_BATCH_MAX_UNCOMPRESSED_BYTES", default=2 * 1024**3)
BLOCKWISE_BATCH_MAX_UPLOAD_BYTES: int = env.int("BLOCKWISE_BATCH_MAX_UPLOAD_BYTES", default=1024**3)
# The bytes of job images (unpacked zips, stored files) each user may keep; past it, 413.
BLOCKWISE_JOB_INPUT_QUOTA_BYTES: int = env.int("BLOCKWISE_JOB_INPUT_QUOTA_BYTES", default=10 * 1024**3)
# Items failing with a model timeout, 429 or 5xx are tried again this many times, with backoff.
BLOCKWISE_BATCH_ITEM_RETRIES: int = env.int("BLOCKWISE_BATCH_ITEM_RETRIES", default=3)
BLOCKWISE_BATCH_RETRY_BACKOFF_S: float = env.float("BLOCKWISE_BATCH_RETRY_BACKOFF_S", default=2.0)
BLOCKWISE_WEBHOOK_TIMEOUT_S: float = env.float("BLOCKWISE_WEBHOOK_TIMEOUT_S", default=10.0)
# Item leases (registry/services/job_leases.py): a worker holds the items it runs for this long and
# renews the hold while it runs; every worker sweeps this often for holds that ran out (a killed
# worker) and items whose queue message was lost, and sends them again. With these defaults a
# killed worker's images run again within about 25 s. An item delivered this many times without an
# answer fails (`worker_lost`) instead of being sent again.
BLOCKWISE_JOB_LEASE_S: float = env.float("BLOCKWISE_JOB_LEASE_S", default=20.0)
BLOCKWISE_JOB_SWEEP_INTERVAL_S: float = env.float("BLOCKWISE_JOB_SWEEP_INTERVAL_S", default=5.0)
BLOCKWISE_JOB_MAX_DELIVERIES: int = env.int("BLOCKWISE_JOB_MAX_DELIVERIES", default=5)
# Tests only: lets webhooks reach a server on 127.0.0.1 (users may not point them at private hosts).
BLOCKWISE_ALLOW_PRIVATE_WEBHOOK_URLS: bool = env.bool("BLOCKWISE_ALLOW_PRIVATE_WEBHOOK_URLS", default=False)
# Evaluations: the gate runs both sides of a change over a dataset within the request, so it takes
# datasets up to this many images (larger ones: evaluations and `manage.py evaluate --baseline`).
BLOCKWISE_GATE_MAX_IMAGES: int = env.int("BLOCKWISE_GATE_MAX_IMAGES", default=2000)
# Workers on other machines share the file storage; a test points web and worker at one folder.
MEDIA_ROOT = Path(os.environ.get("BLOCKWISE_MEDIA_ROOT", str(MEDIA_ROOT)))

# Hardening: the JSON intake (registry/api/intake.py).
BLOCKWISE_MAX_JSON_DEPTH: int = env.int("BLOCKWISE_MAX_JSON_DEPTH", default=64)
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"), "registry.api.intake.RefuseNulMiddleware"
)

# SQLite takes the write lock when a transaction starts (so a transaction that read a row cannot fail
# to upgrade its lock later) and waits for it instead of answering "database is locked": racing saves
# and the embedded job worker writing beside the web server both rely on it. The write-ahead log is
# synced at checkpoints rather than on every commit, so recording a run costs well under a millisecond
# instead of a disk flush (~18 ms, bench_serving); a power cut may lose the last moments of writes.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "transaction_mode": "IMMEDIATE",
        "timeout": env.float("BLOCKWISE_SQLITE_BUSY_TIMEOUT_S", default=30.0),
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
    }
# Several machines share files through S3-compatible storage (README: "Batch jobs"): needs
# `django-storages[s3]`; credentials come from boto3's usual sources (AWS_ACCESS_KEY_ID, ...).
if os.environ.get("BLOCKWISE_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["BLOCKWISE_S3_BUCKET"],
            "endpoint_url": os.environ.get("BLOCKWISE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("BLOCKWISE_S3_REGION") or None,
            "file_overwrite": False,
        },
    }

# Hardening: what anonymous callers may do. The server's Roboflow key serves signed-in callers only
# unless this is set; images kept for active learning need sign-in and count against a quota.
BLOCKWISE_ANONYMOUS_USES_SERVER_KEY: bool = env.bool("BLOCKWISE_ANONYMOUS_USES_SERVER_KEY", default=False)
BLOCKWISE_ACTIVE_LEARNING_QUOTA: int = env.int("BLOCKWISE_ACTIVE_LEARNING_QUOTA", default=1000)

# Hardening: rate limits (registry/api/throttles.py), "N/second|minute|hour|day"; empty means none.
BLOCKWISE_THROTTLE_RATES = {
    "sign_in": os.environ.get("BLOCKWISE_THROTTLE_SIGN_IN", "20/minute") or None,
    "anonymous_validate": os.environ.get("BLOCKWISE_THROTTLE_ANONYMOUS_VALIDATE", "300/minute") or None,
    "anonymous_run": os.environ.get("BLOCKWISE_THROTTLE_ANONYMOUS_RUN", "60/minute") or None,
}
BLOCKWISE_LOGIN_LOCKOUT_FAILURES: int = env.int("BLOCKWISE_LOGIN_LOCKOUT_FAILURES", default=10)
BLOCKWISE_LOGIN_LOCKOUT_S: int = env.int("BLOCKWISE_LOGIN_LOCKOUT_S", default=900)

# Request bodies get their own components, so required text fields show `minLength: 1`.
SPECTACULAR_SETTINGS["COMPONENT_SPLIT_REQUEST"] = True
# Jobs and evaluations (which are jobs) share one status vocabulary: one named enum, read from the
# model's choices (an import path, so settings import no app code).
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {"JobStatusEnum": "registry.models.jobs.JobStatus.values"}
# The Roboflow-compatible routes are plain Django views: a hook describes them (registry/roboflow/openapi.py).
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "registry.roboflow.openapi.roboflow_paths",
]

# Hardening: slow clients (config/body_buffer.py). A request body must keep arriving (a chunk within
# the first limit) and arrive whole within the second, or Django answers 408 without waiting on it.
BLOCKWISE_BODY_CHUNK_TIMEOUT_S: float = env.float("BLOCKWISE_BODY_CHUNK_TIMEOUT_S", default=10.0)
BLOCKWISE_BODY_TIMEOUT_S: float = env.float("BLOCKWISE_BODY_TIMEOUT_S", default=300.0)

# Hardening: one cache for every process (rate limits and the sign-in lockout count in it). CACHE_URL
# (django-environ's forms: redis://..., dbcache://table, locmemcache://) chooses it; otherwise Redis when
# the job broker is Redis, else a table in the database (created by migrate).
BLOCKWISE_CACHE_TABLE = "blockwise_cache"
if os.environ.get("CACHE_URL"):
    CACHES = {"default": env.cache("CACHE_URL")}
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CELERY_BROKER_URL}}
else:
    CACHES = {"default": {"BACKEND": "config.database_cache.DatabaseCache", "LOCATION": BLOCKWISE_CACHE_TABLE}}
CACHES["default"].setdefault("KEY_PREFIX", "blockwise")

# Hardening: observability. Every request has an id (registry/observability.py) carried by its log
# lines, as runs and job tasks carry theirs (executor/log_context.py); `GET /metrics` answers staff,
# or a scraper sending `Authorization: Bearer $BLOCKWISE_METRICS_TOKEN` (registry/metrics.py).
BLOCKWISE_METRICS_TOKEN = os.environ.get("BLOCKWISE_METRICS_TOKEN", "")
# Set by config.server for its processes: /metrics then adds up every process's files.
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
MIDDLEWARE.insert(0, "registry.observability.RequestObservabilityMiddleware")
LOGGING["filters"]["log_context"] = {"()": "executor.log_context.ContextFilter"}  # type: ignore[index]
LOGGING["handlers"]["console"]["filters"].append("log_context")  # type: ignore[index]
