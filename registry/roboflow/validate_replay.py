"""Repeated validations answered without Django's request cycle.

Roboflow's clients validate the same definition again and again (before each run, on each save
that changed nothing). A validation's answer depends only on the request and on the catalog, so
`ValidationReplay`, in front of the Django application, keeps the answers Django gave and sends
one again when the same request comes back against the same catalog. Django's request cycle alone
costs more than the 1-step validation in it (bench_serving prints both), and a replayed answer
costs neither.

What is replayed is exactly what Django sent (status, headers, body), so the middleware's rules
(allowed hosts, security headers, the NUL refusal) are applied by Django and kept. The rate limit
is counted on every request, by the throttle the view uses. The catalog is read again, with the
query the compiler's snapshot uses, at most every `BLOCKWISE_VALIDATION_REPLAY_RECHECK_MS`: that
query with Django's request signals around it measured 0.2-0.3 ms per request through granian
(0.03 ms in a plain loop: the server's threads hand the interpreter lock over at each database
call), more than the rest of a replay. So a change to the catalog made through another process
reaches replayed answers within that time (0: on every request); one made through this process,
and everything that is not replayed, see it at once. Anything unusual (a query string, a signed-in
caller, no declared length, a large body, a refused rate, a database error) goes to Django as before.
"""

from __future__ import annotations

import io
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import DatabaseError

from registry.api.throttles import AnonymousValidateThrottle, anonymous_allowed
from registry.selectors.catalog import catalog_changes_committed_here, published_snapshot_key

VALIDATE_PATH = "/workflows/validate"
# Per process: 512 answers of at most 32 KiB, each kept under its body of at most 16 KiB, is at most
# 24 MiB. Only small bodies are replayed (a 1-step definition is about 300 bytes): large ones are
# rarely sent twice byte for byte.
MAX_ANSWERS = 512
MAX_KEPT_ANSWER = 32 * 1024
MAX_REPLAYED_BODY = 16 * 1024
# Only these follow from the request and the catalog alone (a 429 or a 5xx does not).
REPLAYED_STATUSES = ("200", "400")
# What a request is besides its body: every header, and what the server says about the connection.
_REQUEST_PARTS = frozenset({"CONTENT_TYPE", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME", "wsgi.url_scheme"})

Answer = tuple[str, list[tuple[str, str]], bytes]
RequestKey = tuple[bytes, tuple[tuple[str, Any], ...]]


def request_key(environ: dict[str, Any], body: bytes) -> RequestKey:
    parts = [(name, value) for name, value in environ.items() if name[:5] == "HTTP_" or name in _REQUEST_PARTS]
    parts.sort()
    return body, tuple(parts)


def replayable_length(environ: dict[str, Any]) -> int | None:
    """The declared body length of a request that may be replayed, else None."""
    if environ.get("PATH_INFO") != VALIDATE_PATH or environ.get("REQUEST_METHOD") != "POST":
        return None
    if environ.get("QUERY_STRING") or "HTTP_AUTHORIZATION" in environ or "HTTP_TRANSFER_ENCODING" in environ:
        return None
    declared = str(environ.get("CONTENT_LENGTH") or "")
    if not declared.isdigit() or not 0 < int(declared) <= MAX_REPLAYED_BODY:
        return None
    return int(declared)


def _keepable(status: str, headers: list[tuple[str, str]], content: bytes) -> bool:
    # An answer that sets a cookie belongs to the one client it was sent to; one marked `no-store`
    # depends on more than the catalog (an inner workflow naming a saved workflow).
    if any(
        name.lower() == "set-cookie" or (name.lower() == "cache-control" and "no-store" in value)
        for name, value in headers
    ):
        return False
    return status.split(" ", 1)[0] in REPLAYED_STATUSES and len(content) <= MAX_KEPT_ANSWER


class ValidationReplay:
    def __init__(self, app: WSGIApplication) -> None:
        self.app = app
        self._answers: OrderedDict[RequestKey, Answer] = OrderedDict()
        self._catalog: object = None
        self._checked_at = float("-inf")
        self._changes_seen = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        length = replayable_length(environ)
        if length is None:
            return self.app(environ, start_response)
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)
        if len(body) != length:
            return self.app(environ, start_response)
        catalog = self._current_catalog(environ)
        if catalog is None:
            return self.app(environ, start_response)
        key = request_key(environ, body)
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
        if answer is None:
            return self._answer_and_keep(environ, start_response, key, catalog)
        if not anonymous_allowed(environ, AnonymousValidateThrottle()):
            return self.app(environ, start_response)  # Django answers the 429, with its Retry-After
        status, headers, content = answer
        start_response(status, headers)
        return [content]

    def _current_catalog(self, environ: dict[str, Any]) -> object:
        now = time.monotonic()
        changes_here = catalog_changes_committed_here()
        recent = now - self._checked_at < settings.BLOCKWISE_VALIDATION_REPLAY_RECHECK_MS / 1000
        if recent and changes_here == self._changes_seen:
            return self._catalog
        # The request signals Django's handler sends: they drop a database connection that is too old
        # or broken before it is used, and after (tests that keep their connection detach them).
        request_started.send(sender=self.__class__, environ=environ)
        try:
            catalog = published_snapshot_key()
        except DatabaseError:
            return None
        finally:
            request_finished.send(sender=self.__class__)
        with self._lock:
            if catalog != self._catalog:
                self._answers.clear()
                self._catalog = catalog
            self._checked_at = now
            self._changes_seen = changes_here
        return catalog

    def _answer_and_keep(
        self, environ: dict[str, Any], start_response: StartResponse, key: RequestKey, catalog: object
    ) -> Iterable[bytes]:
        sent: list[Any] = []

        def keep_start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            sent[:] = [status, list(headers)]
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, keep_start_response)
        try:
            content = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = sent
        if _keepable(status, headers, content):
            with self._lock:
                # Kept under the catalog read before Django answered: Django read the same or a newer
                # one, and a newer one is seen (and this answer dropped) at the next check.
                if catalog == self._catalog:
                    self._answers[key] = (status, headers, content)
                    if len(self._answers) > MAX_ANSWERS:
                        self._answers.popitem(last=False)
        return [content]
