"""The production server as `make serve` starts it (config/server.py): granian on HOST/PORT, one
access-log line per request on stdout without the query string, a clean exit on SIGTERM, and a
refusal to start without a secret key."""

import os
import signal
import subprocess
import threading
import time
import urllib.request

import pytest

from config.server import server_command
from tests.conftest import REPO_DIR
from tests.support.server_process import free_port, wait_until_answering


@pytest.mark.server
def test_serves_logs_each_request_and_stops_on_sigterm():
    port = free_port()
    env = os.environ | {"HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": "1", "DJANGO_SECRET_KEY": "k" * 50}
    env.pop("CELERY_BROKER_URL", None)
    process = subprocess.Popen(
        server_command(environ=env),
        cwd=REPO_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
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
        deadline = time.monotonic() + 10
        while not any("GET /healthz" in line for line in out_lines):
            assert time.monotonic() < deadline, "the request was never logged"
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
    access = [line for line in output.splitlines() if '"GET /' in line]
    requests = [line.split('"')[1] for line in access]
    # Not in order: granian writes each line from the thread that served the request.
    assert set(requests) == {"GET /healthz HTTP/1.1", "GET /workflows/execution_engine/versions HTTP/1.1"}
    assert requests.count("GET /healthz HTTP/1.1") == 1
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
