"""The production server's application: `config.wsgi` behind granian's RSGI interface, so that the
server's event loop reads each request body whole before one of the process's threads takes it.

Served as WSGI, granian hands a request to a thread as soon as its headers arrive, and the thread
then waits on the body: 48 connections that announced a large body and sent one byte held every
thread of the server, and `/healthz` went unanswered. Here bodies are read by the event loop (which
waits on any number of them at no cost), under a deadline per chunk and one for the whole body. Bodies
are kept in memory while all the bodies the process holds stay under `BODY_MEMORY_BYTES`; past it a
body is written to a temporary file, so many slow or large uploads do not hold memory. (Every body
went to a temporary file past 1 MB before: writing and reading back a 27 MB run of 64 photos cost
about 20 ms, as much as its transfer.)

The bridge answers nothing itself: every request goes through Django. A body late on either deadline,
past `max_body_bytes`, or announced with a length that is not a number is not read (further); the
request is handed on with an empty body and the refusal's code under `BODY_REFUSED` in the environ,
which `registry.api.body_refusals` answers (`408 request_timeout`, `413`, `400`). Such an answer
closes the connection: what is left of the body is never read.

The application itself is plain WSGI, run on a pool of `WEB_THREADS` threads per process; its answer
is sent whole when it is short, and streamed from the thread that made it otherwise.

It also writes the access log (granian's is off), one line per answer in the project's log format, so
that each carries its request id: the one the application sent back in `X-Request-ID`
(registry/observability.py gives every request one, refused bodies included). The path is logged without its query
string, since Roboflow's routes accept `?api_key=`.
"""

from __future__ import annotations

import asyncio
import importlib
import io
import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any, Protocol

from blocks.errors import ErrorCode
from registry.api.body_refusals import BODY_REFUSED

# Request bodies one process holds in memory at once (being read, or handed to the application);
# a body that would take them past it goes to a temporary file.
BODY_MEMORY_BYTES = 256 * 1024 * 1024
# The server reads a body this far past the application's largest limit, so the application refuses
# it with its own code.
MARGIN_BYTES = 1024 * 1024
# An answer up to this size is sent in one piece; a longer one is streamed as the application makes it.
WHOLE_ANSWER_BYTES = 1024 * 1024

access_logger = logging.getLogger("blockwise.access")

_Answer = tuple[int, list[tuple[str, str]], bytes]


class _Headers(Protocol):
    def items(self) -> list[tuple[str, str]]: ...

    def get(self, key: str, default: Any = None) -> Any: ...


class _Scope(Protocol):
    proto: str
    http_version: str
    server: str
    client: str
    scheme: str
    method: str
    path: str
    query_string: str

    @property
    def headers(self) -> _Headers: ...


class _Stream(Protocol):
    async def send_bytes(self, data: bytes) -> None: ...


class _Protocol(Protocol):
    def __aiter__(self) -> Any: ...

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None: ...

    def response_stream(self, status: int, headers: list[tuple[str, str]]) -> _Stream: ...


class _BodyLateError(Exception):
    pass


class _BodyTooLargeError(Exception):
    pass


class _HeldBody:
    """One request's body as it arrives: its chunks in memory while the process's budget allows
    (`BufferedWSGI.body_memory_bytes`), else a temporary file; `release` gives the memory back."""

    def __init__(self, server: BufferedWSGI) -> None:
        self.server = server
        self.chunks: list[bytes] = []
        self.in_memory = 0
        self.file: IO[bytes] | None = None

    def add(self, chunk: bytes) -> None:
        server = self.server
        if self.file is None and server.body_memory_held + len(chunk) <= server.body_memory_bytes:
            self.chunks.append(chunk)
            self.in_memory += len(chunk)
            server.body_memory_held += len(chunk)
            return
        if self.file is None:
            self.file = tempfile.TemporaryFile()  # noqa: SIM115  (handed to the request)
            self.file.writelines(self.chunks)
            self.chunks = []
            self.release()
        self.file.write(chunk)

    def body(self) -> IO[bytes]:
        """The whole body, to read from its start. An `io.BytesIO` made from one `bytes` shares it: a
        read of the whole body returns that object without copying it."""
        if self.file is not None:
            self.file.seek(0)
            return self.file
        whole = b"".join(self.chunks)
        self.chunks = []
        return io.BytesIO(whole)

    def close(self) -> None:
        """The body is not handed on (refused, or the read was cancelled): drop what came of it."""
        self.chunks = []
        self.release()
        if self.file is not None:
            self.file.close()

    def release(self) -> None:
        """The memory this body held is counted as free (the application is done with it, or it moved
        to the file); called on the event loop's thread only, as often as wanted."""
        self.server.body_memory_held -= self.in_memory
        self.in_memory = 0


class BufferedWSGI:
    """An RSGI application (granian's own interface) serving a WSGI application."""

    def __init__(
        self,
        app: Any,
        *,
        threads: int,
        body_chunk_timeout_s: float,
        body_timeout_s: float,
        max_body_bytes: int,
        body_memory_bytes: int = BODY_MEMORY_BYTES,
        access_log: bool = False,
    ) -> None:
        self.app = app
        self.access_log = access_log
        self.threads = threads
        self.body_chunk_timeout_s = body_chunk_timeout_s
        self.body_timeout_s = body_timeout_s
        self.max_body_bytes = max_body_bytes
        self.body_memory_bytes = body_memory_bytes
        # Bytes of bodies held in memory now; only the event loop's thread reads or changes it.
        self.body_memory_held = 0
        self.executor: ThreadPoolExecutor | None = None

    def __rsgi_init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.executor = ThreadPoolExecutor(self.threads, thread_name_prefix="wsgi")

    def __rsgi_del__(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True)

    async def __rsgi__(self, scope: _Scope, proto: _Protocol) -> None:
        if scope.proto != "http":
            return
        started = time.perf_counter()
        status, headers = await self._serve(scope, proto)
        if self.access_log:
            _log_access(scope, status, headers, time.perf_counter() - started)

    async def _serve(self, scope: _Scope, proto: _Protocol) -> tuple[int, list[tuple[str, str]]]:
        """Answer the request; the status and headers it was answered with."""
        declared = scope.headers.get("content-length")
        if declared is not None and (not declared.isascii() or not declared.isdigit()):
            return await self._answer(self._refused(scope, ErrorCode.BAD_REQUEST), proto)
        if declared is not None and int(declared) > self.max_body_bytes:
            return await self._answer(self._refused(scope, ErrorCode.PAYLOAD_TOO_LARGE), proto)
        if declared in (None, "0") and scope.headers.get("transfer-encoding") is None:
            # No length and not chunked: HTTP/1.1 says there is no body (most GETs).
            return await self._answer(self._environ(scope, io.BytesIO(), 0), proto)
        held = _HeldBody(self)
        # A declared length frames the body only when no transfer coding does (HTTP/1.1: one that
        # names both is framed by the coding).
        framed_by_length = declared is not None and scope.headers.get("transfer-encoding") is None
        try:
            # A deadline on this task, not `wait_for`: that one runs the read as a task of its own, an
            # extra round of the event loop on every request.
            async with asyncio.timeout(self.body_timeout_s):
                body, length = await self._read_body(proto, held, int(declared) if framed_by_length else None)
        except (TimeoutError, _BodyLateError):
            return await self._answer(self._refused(scope, ErrorCode.REQUEST_TIMEOUT), proto)
        except _BodyTooLargeError:
            return await self._answer(self._refused(scope, ErrorCode.PAYLOAD_TOO_LARGE), proto)
        try:
            return await self._answer(self._environ(scope, body, length), proto)
        finally:
            held.release()

    def _refused(self, scope: _Scope, code: ErrorCode) -> dict[str, Any]:
        """The request with an empty body, marked with why its body was not read (Django answers it)."""
        environ = self._environ(scope, io.BytesIO(), 0)
        environ[BODY_REFUSED] = code
        return environ

    async def _answer(self, environ: dict[str, Any], proto: _Protocol) -> tuple[int, list[tuple[str, str]]]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self._respond, environ, proto, loop)

    async def _read_body(self, proto: _Protocol, held: _HeldBody, declared: int | None) -> tuple[IO[bytes], int]:
        """The body, read until the length the client declared (granian ends the body there: waiting for
        the empty chunk that says so would be one more round of the event loop), or until its end."""
        length = 0
        chunks = aiter(proto)
        loop = asyncio.get_running_loop()
        # The deadline for the next chunk, moved on as each one arrives (`asyncio.timeout` cancels this
        # task's wait: the chunk's own awaitable takes the cancellation).
        try:
            async with asyncio.timeout(None) as chunk_deadline:
                while True:
                    chunk_deadline.reschedule(loop.time() + self.body_chunk_timeout_s)
                    try:
                        chunk: bytes = await chunks.__anext__()
                    except StopAsyncIteration:
                        break
                    if not chunk:
                        break
                    length += len(chunk)
                    if length > self.max_body_bytes:
                        raise _BodyTooLargeError
                    held.add(chunk)
                    if declared is not None and length >= declared:
                        break
        except TimeoutError:  # this chunk's deadline (the whole body's cancels this task instead)
            held.close()
            raise _BodyLateError from None
        except BaseException:
            held.close()
            raise
        return held.body(), length

    def _environ(self, scope: _Scope, body: IO[bytes], length: int) -> dict[str, Any]:
        server_name, _, server_port = scope.server.rpartition(":")
        remote_addr, _, remote_port = scope.client.rpartition(":")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": scope.method,
            "SCRIPT_NAME": "",
            # granian gives the path percent-decoded as UTF-8 text; WSGI wants its bytes as latin-1.
            "PATH_INFO": scope.path.encode("utf-8").decode("latin-1"),
            "QUERY_STRING": scope.query_string,
            "SERVER_NAME": server_name.strip("[]"),
            "SERVER_PORT": server_port,
            "SERVER_PROTOCOL": f"HTTP/{scope.http_version}",
            "REMOTE_ADDR": remote_addr.strip("[]"),
            "REMOTE_PORT": remote_port,
            "CONTENT_LENGTH": str(length),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": scope.scheme,
            "wsgi.input": body,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        for name, value in scope.headers.items():
            if name == "content-type":
                environ["CONTENT_TYPE"] = value
            elif name != "content-length":
                key = "HTTP_" + name.upper().replace("-", "_")
                environ[key] = f"{environ[key]},{value}" if key in environ else value
        return environ

    def _respond(
        self, environ: dict[str, Any], proto: _Protocol, loop: asyncio.AbstractEventLoop
    ) -> tuple[int, list[tuple[str, str]]]:
        """In a pool thread: run the application and send its answer; the status and headers it sent.

        The answer goes out before the application's answer is closed: what closing does (a run's
        record saved with its thumbnails, Django's `request_finished`) happens after the client has the
        answer, as WSGI servers that write from the thread do. granian's protocol object may be called
        from any thread: it hands the answer to its runtime under a lock."""
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if BODY_REFUSED in environ:  # the rest of the body may still come: the connection cannot be reused
                headers = [*headers, ("connection", "close")]
            started[:] = [int(status.split(" ", 1)[0]), headers]
            return None

        result: Iterable[bytes] = self.app(environ, start_response)
        try:
            chunks: list[bytes] = []
            size = 0
            answer: Iterator[bytes] = iter(result)
            for chunk in answer:
                chunks.append(chunk)
                size += len(chunk)
                if size > WHOLE_ANSWER_BYTES:
                    self._stream(proto, loop, started, chunks, answer)
                    return started[0], started[1]
            proto.response_bytes(started[0], started[1], b"".join(chunks))
            return started[0], started[1]
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
            environ["wsgi.input"].close()

    @staticmethod
    def _stream(
        proto: _Protocol, loop: asyncio.AbstractEventLoop, started: list[Any], head: list[bytes], rest: Iterator[bytes]
    ) -> None:
        async def open_stream() -> _Stream:
            return proto.response_stream(started[0], started[1])

        async def send_bytes(data: bytes) -> None:
            await stream.send_bytes(data)

        def send(data: bytes) -> None:
            asyncio.run_coroutine_threadsafe(send_bytes(data), loop).result()

        stream = asyncio.run_coroutine_threadsafe(open_stream(), loop).result()
        send(b"".join(head))
        for chunk in rest:
            if chunk:
                send(chunk)


def _log_access(scope: _Scope, status: int, headers: list[tuple[str, str]], seconds: float) -> None:
    request_id = next((value for name, value in headers if name.lower() == "x-request-id"), "-")
    address = scope.client.rpartition(":")[0].strip("[]")
    protocol = f"HTTP/{scope.http_version}"
    duration_ms = round(seconds * 1000, 1)
    fields = {"request_id": request_id, "status": status, "duration_ms": duration_ms}
    line = '%s "%s %s %s" %d %.1fms'
    access_logger.info(line, address, scope.method, scope.path, protocol, status, duration_ms, extra=fields)


def build() -> BufferedWSGI:
    """The application `config.server` serves (granian's `--factory`): the WSGI application named by
    `BLOCKWISE_WSGI_APP` (`module:attribute`), which `config.server` sets."""
    module_name, _, attribute = os.environ.get("BLOCKWISE_WSGI_APP", "config.wsgi:application").partition(":")
    app = getattr(importlib.import_module(module_name), attribute)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    access_log = os.environ.get("BLOCKWISE_ACCESS_LOG") == "1"
    if access_log:
        # Whatever level the other loggers have (BLOCKWISE_LOG_LEVEL): the access lines are asked for.
        access_logger.setLevel(logging.INFO)
    return BufferedWSGI(
        app,
        access_log=access_log,
        threads=int(os.environ.get("WEB_THREADS") or 8),
        body_chunk_timeout_s=settings.BLOCKWISE_BODY_CHUNK_TIMEOUT_S,
        body_timeout_s=settings.BLOCKWISE_BODY_TIMEOUT_S,
        # Past every limit the application applies itself (it answers those with its own codes).
        max_body_bytes=max(
            settings.BLOCKWISE_BATCH_MAX_UPLOAD_BYTES,
            settings.BLOCKWISE_MAX_RUN_BODY_BYTES,
            settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
            settings.BLOCKWISE_MAX_BODY_BYTES,
        )
        + MARGIN_BYTES,
    )
