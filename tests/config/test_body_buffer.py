"""config/body_buffer.py against a stand-in for granian's RSGI protocol object (the served path is
tested through the real server in test_server.py): answers longer than one piece are streamed whole
and in order, chunked bodies arrive whole, bodies past the limit are refused before any thread."""

import asyncio
from typing import Any

from config.body_buffer import BufferedWSGI


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


def _serve(app: Any, scope: _Scope, proto: _Protocol, *, max_body_bytes: int = 10_000_000) -> None:
    server = BufferedWSGI(app, threads=2, body_chunk_timeout_s=5, body_timeout_s=5, max_body_bytes=max_body_bytes)

    async def main() -> None:
        server.__rsgi_init__(asyncio.get_running_loop())
        try:
            await server.__rsgi__(scope, proto)
        finally:
            server.__rsgi_del__(asyncio.get_running_loop())

    asyncio.run(main())


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


def test_a_body_past_the_limit_is_refused_before_the_application():
    proto = _Protocol([b"x" * 10, b"y" * 10])
    _serve(_echo, _Scope("POST", "/", {"transfer-encoding": "chunked"}), proto, max_body_bytes=15)
    assert proto.answer is not None and proto.answer[0] == 413
    declared = _Protocol([])
    _serve(_echo, _Scope("POST", "/", {"content-length": "16"}), declared, max_body_bytes=15)
    assert declared.answer is not None and declared.answer[0] == 413
    assert b'"code": "payload_too_large"' in declared.answer[2]
