"""config/body_buffer.py against a stand-in for granian's RSGI protocol object (the served path is
tested through the real server in test_server.py): answers longer than one piece are streamed whole
and in order, chunked bodies arrive whole, bodies past the limit are not read and Django refuses them."""

import asyncio
import json
from typing import Any

from django.core.wsgi import get_wsgi_application

from config.body_buffer import BufferedWSGI
from registry.api.body_refusals import BODY_REFUSED


class _Scope:
    proto = "http"
    http_version = "1.1"
    server = "127.0.0.1:8000"
    client = "127.0.0.1:5555"
    scheme = "http"
    query_string = ""

    def __init__(self, method: str, path: str, headers: dict[str, str]) -> None:
        self.method, self.path, self._headers = method, path, headers

    @property
    def headers(self) -> Any:
        return self._headers


class _Protocol:
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.answer: tuple[int, list[tuple[str, str]], bytes] | None = None
        self.streamed: list[bytes] = []

    async def _body(self) -> Any:
        for chunk in self.chunks:
            yield chunk

    def __aiter__(self) -> Any:
        return self._body()

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.answer = (status, headers, body)

    def response_stream(self, status: int, headers: list[tuple[str, str]]) -> Any:
        self.answer = (status, headers, b"")
        streamed = self.streamed

        class Stream:
            async def send_bytes(self, data: bytes) -> None:
                streamed.append(data)

        return Stream()


class _Stalled(_Protocol):
    """A client that sends its first chunk and then nothing more."""

    async def _body(self) -> Any:
        yield self.chunks[0]
        await asyncio.Event().wait()


def _serve(
    app: Any,
    scope: _Scope,
    proto: _Protocol,
    *,
    max_body_bytes: int = 10_000_000,
    body_chunk_timeout_s: float = 5,
    body_memory_bytes: int = 10_000_000,
) -> BufferedWSGI:
    server = BufferedWSGI(
        app,
        threads=2,
        body_chunk_timeout_s=body_chunk_timeout_s,
        body_timeout_s=5,
        max_body_bytes=max_body_bytes,
        body_memory_bytes=body_memory_bytes,
    )

    async def main() -> None:
        server.__rsgi_init__(asyncio.get_running_loop())
        try:
            await server.__rsgi__(scope, proto)
        finally:
            server.__rsgi_del__(asyncio.get_running_loop())

    asyncio.run(main())
    return server


def _echo(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    body = environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [environ["CONTENT_LENGTH"].encode(), b":", body]


def test_a_long_answer_is_streamed_whole_and_in_order():
    parts = [bytes([n]) * 300_000 for n in range(10)]

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return iter(parts)

    proto = _Protocol([])
    _serve(app, _Scope("GET", "/download", {}), proto)
    assert proto.answer is not None and proto.answer[0] == 200
    assert b"".join(proto.streamed) == b"".join(parts)


def test_a_chunked_body_arrives_whole():
    proto = _Protocol([b"ab", b"cd", b"e"])
    _serve(_echo, _Scope("POST", "/", {"transfer-encoding": "chunked"}), proto)
    assert proto.answer == (200, [("Content-Type", "text/plain")], b"5:abcde")


class _OpenAfterBody(_Protocol):
    """A client whose body has been sent whole, and whose stream has not said so yet."""

    async def _body(self) -> Any:
        for chunk in self.chunks:
            yield chunk
        await asyncio.Event().wait()


def test_a_body_is_read_up_to_its_declared_length_unless_a_transfer_coding_frames_it():
    proto = _OpenAfterBody([b"ab", b"cd"])
    _serve(_echo, _Scope("POST", "/", {"content-length": "4"}), proto, body_chunk_timeout_s=5)
    assert proto.answer == (200, [("Content-Type", "text/plain")], b"4:abcd")
    both = _Protocol([b"ab", b"cd", b"e"])
    _serve(_echo, _Scope("POST", "/", {"content-length": "2", "transfer-encoding": "chunked"}), both)
    assert both.answer == (200, [("Content-Type", "text/plain")], b"5:abcde")


def test_a_body_past_the_memory_budget_goes_to_a_file_and_arrives_whole():
    seen: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(type(environ["wsgi.input"]).__name__)
        return _echo(environ, start_response)

    small = _Protocol([b"ab", b"cd"])
    server = _serve(app, _Scope("POST", "/", {"content-length": "4"}), small, body_memory_bytes=4)
    assert small.answer == (200, [("Content-Type", "text/plain")], b"4:abcd")
    assert server.body_memory_held == 0
    large = _Protocol([b"ab", b"cd", b"e"])
    server = _serve(app, _Scope("POST", "/", {"content-length": "5"}), large, body_memory_bytes=4)
    assert large.answer == (200, [("Content-Type", "text/plain")], b"5:abcde")
    assert seen == ["BytesIO", "BufferedRandom"]
    assert server.body_memory_held == 0


def test_an_answer_is_sent_before_it_is_closed():
    events: list[str] = []

    class Answer(list[bytes]):
        def close(self) -> None:
            events.append("closed")

    class Recording(_Protocol):
        def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
            events.append("sent")
            super().response_bytes(status, headers, body)

    def app(environ: dict[str, Any], start_response: Any) -> Answer:
        start_response("200 OK", [])
        return Answer([b"done"])

    proto = Recording([])
    _serve(app, _Scope("GET", "/", {}), proto)
    assert proto.answer == (200, [], b"done")
    assert events == ["sent", "closed"]


class _Django:
    """Django's WSGI application, keeping what each request's environ said about its body."""

    def __init__(self) -> None:
        self.application = get_wsgi_application()
        self.seen: list[tuple[Any, bytes]] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        self.seen.append((environ.get(BODY_REFUSED), environ["wsgi.input"].read()))
        environ["wsgi.input"].seek(0)
        return self.application(environ, start_response)


def _refusal(answer: tuple[int, list[tuple[str, str]], bytes] | None) -> tuple[int, str, dict[str, Any]]:
    assert answer is not None
    status, headers, body = answer
    return status, dict(headers)["connection"], json.loads(body)


def test_a_body_past_the_limit_is_not_read_and_django_refuses_it():
    django = _Django()
    proto = _Protocol([b"x" * 10, b"y" * 10])
    _serve(django, _Scope("POST", "/api/v1/runs/", {"transfer-encoding": "chunked"}), proto, max_body_bytes=15)
    too_large = {"code": "payload_too_large", "message": "The request body is too large.", "details": []}
    assert _refusal(proto.answer) == (413, "close", too_large)
    declared = _Protocol([b"never read"])
    _serve(django, _Scope("POST", "/api/v1/runs/", {"content-length": "16"}), declared, max_body_bytes=15)
    assert _refusal(declared.answer) == (413, "close", too_large)
    assert django.seen == [("payload_too_large", b""), ("payload_too_large", b"")]


def test_a_length_that_is_not_a_number_is_refused_by_django():
    django = _Django()
    proto = _Protocol([b"{}"])
    _serve(django, _Scope("POST", "/api/v1/runs/", {"content-length": "1e3"}), proto)
    message = "Content-Length is not a number."
    assert _refusal(proto.answer) == (400, "close", {"code": "bad_request", "message": message, "details": []})
    assert django.seen == [("bad_request", b"")]


def test_a_body_that_stops_arriving_is_handed_on_empty_and_django_answers_408():
    django = _Django()
    proto = _Stalled([b"{"])
    _serve(django, _Scope("POST", "/api/v1/runs/", {"content-length": "100"}), proto, body_chunk_timeout_s=0.05)
    late = {"code": "request_timeout", "message": "The request body came too slowly.", "details": []}
    assert _refusal(proto.answer) == (408, "close", late)
    assert django.seen == [("request_timeout", b"")]
