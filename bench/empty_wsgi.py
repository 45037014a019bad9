"""A WSGI app that answers `{"status": "ok"}` without Django: bench_serving serves it as
`make serve` configures it, to print the floor a request through the server costs before any view."""

from collections.abc import Callable, Iterable
from typing import Any

ANSWER = b'{"status": "ok"}'


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(ANSWER)))])
    return [ANSWER]
