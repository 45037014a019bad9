"""The production server as `make serve` starts it (config/server.py): granian on HOST/PORT, one
access-log line per request, with its request id and without the query string, a clean exit on SIGTERM, and a
refusal to start without a secret key."""

import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from typing import Any

import pytest

from config.server import server_command
from tests.conftest import REPO_DIR
from tests.support.server_process import free_port, stop_process, wait_until_answering

# Every test here starts the production server (or its command): `make test-fast` leaves them out.
pytestmark = pytest.mark.server


def _popen_server(env: dict[str, str], **output: Any) -> subprocess.Popen[Any]:
    """The server as `make serve` starts it, in a session of its own (stop_process kills the group)."""
    return subprocess.Popen(server_command(environ=env), cwd=REPO_DIR, env=env, start_new_session=True, **output)


def test_serves_logs_each_request_and_stops_on_sigterm():
    port = free_port()
    env = os.environ | {"HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1", "DJANGO_SECRET_KEY": "k" * 50}
    env.pop("CELERY_BROKER_URL", None)
    process = _popen_server(env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    # Read as the server writes: an access line is written once its answer has gone out, so it is
    # waited for before SIGTERM rather than assumed to be there already.
    out_lines: list[str] = []
    streams = (process.stdout, process.stderr)
    readers = [threading.Thread(target=out_lines.extend, args=(stream,)) for stream in streams]
    for reader in readers:
        reader.start()
    try:
        wait_until_answering(f"http://127.0.0.1:{port}", process)  # asks the versions route
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz?api_key=leaky-key-123", timeout=5) as response:
            assert response.read() == b'{"status": "ok", "checks": {"database": "ok"}}'
            made_id = response.headers["X-Request-ID"]
        given = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": "given-7"})
        with urllib.request.urlopen(given, timeout=5) as response:
            assert response.headers["X-Request-ID"] == "given-7"
        # Refused before the application sees it: the line still carries an id, the one sent back.
        too_large = urllib.request.Request(
            f"http://127.0.0.1:{port}/workflows/run", data=b"{}", headers={"Content-Length": str(2**40)}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(too_large, timeout=5)
        assert refused.value.code == 413
        refused_id = refused.value.headers["X-Request-ID"]
        refused.value.close()
        deadline = time.monotonic() + 10
        while sum('"blockwise.access"' in line for line in out_lines) < 4:
            assert time.monotonic() < deadline, "the requests were never logged"
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for reader, stream in zip(readers, streams, strict=True):
            reader.join(timeout=10)
            stream.close()
    assert process.returncode == 0
    output = "".join(out_lines)
    assert "leaky-key-123" not in output
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "blockwise.access"]
    # Not in order: each line is written once its answer has gone out.
    served = {(line["message"].split('"')[1], line["request_id"]): line["status"] for line in access}
    [versions] = [line["request_id"] for line in access if "/versions" in line["message"]]
    assert served == {
        ("GET /workflows/execution_engine/versions HTTP/1.1", versions): 200,
        ("GET /healthz HTTP/1.1", made_id): 200,
        ("GET /healthz HTTP/1.1", "given-7"): 200,
        ("POST /workflows/run HTTP/1.1", refused_id): 413,
    }
    assert len(versions) == len(made_id) == len(refused_id) == 32
    assert all(line["duration_ms"] >= 0 for line in access)
    assert f"Listening at: http://127.0.0.1:{port}" in output
    assert "Granian shutdown completed" in output


def test_refuses_to_start_without_a_secret_key(tmp_path):
    env = os.environ | {"PORT": str(free_port()), "WEB_CONCURRENCY": "1", "DJANGO_SECRET_KEY": ""}
    env |= {"BLOCKWISE_SECRET_KEY_FILE": str(tmp_path / "absent"), "DJANGO_DEBUG": "0"}
    finished = subprocess.run(
        server_command(environ=env), check=False, cwd=REPO_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert finished.returncode != 0
    assert "No secret key" in finished.stdout + finished.stderr


def _start_server(env_extra: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = os.environ | {"HOST": "127.0.0.1", "PORT": str(port), "DJANGO_SECRET_KEY": "k" * 50, "ACCESS_LOG": ""}
    env |= env_extra
    env.pop("CELERY_BROKER_URL", None)
    process = _popen_server(env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_until_answering(f"http://127.0.0.1:{port}", process)
    return process, port


def _slow_body(port: int) -> socket.socket:
    """A sign-in whose body is announced at 100 kB and stops after one byte (the view reads its body)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    head = (
        "POST /api/v1/auth/token/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 100000\r\n\r\n{"
    )
    sock.sendall(head.encode())
    return sock


@pytest.mark.server
def test_slow_request_bodies_hold_no_thread():
    """200 connections stuck in their bodies (more than every thread of every process) leave the
    server answering within a second, as started by `make serve`."""
    # A deadline well past the test, so the 200 are still waiting on their bodies when /healthz answers.
    process, port = _start_server({"BLOCKWISE_BODY_CHUNK_TIMEOUT_S": "120"})
    sockets: list[socket.socket] = []
    try:
        sockets = [_slow_body(port) for _ in range(200)]
        for _ in range(3):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                assert response.status == 200
        for sock in sockets:
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):  # open, and not answered yet
                sock.recv(1)
    finally:
        for sock in sockets:
            sock.close()
        stop_process(process)


def _answer_408(sock: socket.socket) -> None:
    answer = sock.makefile("rb").read()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ")
    assert json.loads(body) == {
        "code": "request_timeout",
        "message": "The request body came too slowly.",
        "details": [],
    }


@pytest.mark.server
def test_a_body_that_stops_arriving_is_answered_408():
    process, port = _start_server({"BLOCKWISE_BODY_CHUNK_TIMEOUT_S": "0.5", "WEB_CONCURRENCY": "1"})
    try:
        with _slow_body(port) as sock:
            _answer_408(sock)
    finally:
        stop_process(process)


@pytest.mark.server
def test_with_no_deadline_set_a_body_may_pause_ten_seconds(monkeypatch):
    monkeypatch.delenv("BLOCKWISE_BODY_CHUNK_TIMEOUT_S", raising=False)
    process, port = _start_server({"WEB_CONCURRENCY": "1"})
    try:
        with _slow_body(port) as sock:
            sock.settimeout(8)
            with pytest.raises(TimeoutError):  # nothing yet: the default deadline (10 s) has not passed
                sock.recv(1)
            sock.settimeout(60)
            _answer_408(sock)
    finally:
        stop_process(process)


@pytest.mark.server
def test_paths_reach_django_as_wsgi_gives_them():
    """Percent-encoded UTF-8 in a path is the text it encodes, as under any WSGI server: a route
    that does not exist is a 404, never a 500."""
    process, port = _start_server({"WEB_CONCURRENCY": "1"})
    try:
        for path, status in (("/api/v1/runs/%C2%83%F0%91%AE%95/", 404), ("/api/v1/%E2%82%AC/", 404)):
            with pytest.raises(urllib.error.HTTPError) as answered:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30)
            answered.value.close()
            assert answered.value.code == status
    finally:
        stop_process(process)
