"""`GET /healthz`: is the database reachable, the job broker when one is configured, and a job worker
alive when `BLOCKWISE_HEALTH_WORKERS` asks (the server `make run` starts beside its worker does).

200 with `{"status": "ok", "checks": {...}}` when every check passes, 503 with the failing checks
marked `"down"` otherwise. The broker is checked with a plain connection (a Redis `PING`, or a TCP
connect for other brokers) so the check needs no client library and never enqueues anything.
Errors are reported by name only: URLs carry passwords, so they are never echoed.
"""

from __future__ import annotations

import socket
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from registry.selectors.jobs import job_workers_alive

BROKER_TIMEOUT_S = 2.0
DEFAULT_PORTS = {"redis": 6379, "rediss": 6379, "amqp": 5672, "amqps": 5671}


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except DatabaseError:
        return False


def broker_ok(url: str) -> bool:
    parts = urlsplit(url)
    port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    if not parts.hostname or port is None:
        return False
    try:
        with socket.create_connection((parts.hostname, port), timeout=BROKER_TIMEOUT_S) as sock:
            if parts.scheme != "redis":
                return True
            if parts.password:
                user = unquote(parts.username or "default")
                sock.sendall(_resp_command("AUTH", user, unquote(parts.password)))
                if not sock.recv(64).startswith(b"+OK"):
                    return False
            sock.sendall(_resp_command("PING"))
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


def _resp_command(*words: str) -> bytes:
    encoded = [word.encode() for word in words]
    return b"*%d\r\n" % len(encoded) + b"".join(b"$%d\r\n%s\r\n" % (len(word), word) for word in encoded)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": "ok" if database_ok() else "down"}
    broker_url = settings.BLOCKWISE_HEALTH_BROKER_URL
    if broker_url:
        checks["broker"] = "ok" if broker_ok(broker_url) else "down"
    if settings.BLOCKWISE_HEALTH_WORKERS:
        checks["worker"] = "ok" if database_ok() and job_workers_alive() else "down"
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse({"status": "ok" if healthy else "down", "checks": checks}, status=200 if healthy else 503)
