"""Calling a WSGI application in the test's own process, as the server would, without a socket."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any
from wsgiref.types import WSGIApplication


def call_wsgi(
    app: WSGIApplication, method: str, path: str, body: bytes = b"", query: str = "", **headers: str
) -> tuple[str, dict[str, list[str]], bytes]:
    """The status, the headers (lower-case names, each with its values) and the body of the answer.
    `headers` are environ names without their `HTTP_` prefix (`HOST="example.com"`)."""
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
    environ |= {f"HTTP_{name}": value for name, value in headers.items()}
    answer: dict[str, Any] = {}
    written: list[bytes] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None, /
    ) -> Callable[[bytes], object]:
        answer["status"] = status
        answer["headers"] = {}
        for name, value in headers:
            answer["headers"].setdefault(name.lower(), []).append(value)
        return written.append  # WSGI's write(), for applications that use it

    chunks = app(environ, start_response)
    content = b"".join(written) + b"".join(chunks)
    getattr(chunks, "close", lambda: None)()
    return answer["status"], answer["headers"], content
