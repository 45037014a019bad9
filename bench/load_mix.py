"""bench_serving's `load` section: 60 clients for 60 s (BENCH_LOAD_CLIENTS, BENCH_LOAD_SECONDS) mixing
what people and programs send, against the server as `make serve` starts it, on SQLite and on
PostgreSQL (BENCH_POSTGRES_URL, e.g. postgres://postgres@127.0.0.1:5432/blockwise_bench; created if
absent, left out with the reason printed when unreachable). Printed per database: answers and errors,
p50 and p99 by route, the server's resident memory (all its processes) before and after.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bench._support import REPO_DIR, live_server, report, resident_mb
from bench.bench_compile import one_step
from bench.bench_models import model_server
from config.server import default_workers

PREPARE = (
    "from django.core.management import call_command as c; "
    "c('migrate', verbosity=0); c('sync_blocks', verbosity=0); c('seed_demo', verbosity=0)"
)
# 60 clients on one address are one anonymous caller to the rate limits, which would refuse most of
# their requests (429): the load is put on a server without the anonymous limits.
UNLIMITED = {"BLOCKWISE_THROTTLE_ANONYMOUS_VALIDATE": "", "BLOCKWISE_THROTTLE_ANONYMOUS_RUN": ""}


class _Connection:
    """One keep-alive connection per client, as a program calling the API would hold."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def send(self, method: str, path: str, body: Any = None) -> tuple[int, bytes]:
        payload = None if body is None else json.dumps(body)
        headers = {"Content-Type": "application/json"} if body is not None else {}
        try:
            return self._send(method, path, payload, headers)
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            self.connection.close()  # an idle keep-alive connection the server closed: reconnect once
            return self._send(method, path, payload, headers)

    def _send(self, method: str, path: str, payload: str | None, headers: dict[str, str]) -> tuple[int, bytes]:
        self.connection.request(method, path, payload, headers)
        response = self.connection.getresponse()
        return response.status, response.read()


def _mix(images: list[dict[str, str]], model: str) -> list[tuple[str, str, str, Callable[[int], Any], int]]:
    """(label, method, path, body for turn n, expected status): what the clients take turns at."""
    small, remote, local = one_step(), one_step(), one_step()
    remote["steps"][0]["model_id"] = model
    local["steps"][0]["model_id"] = "demo-shapes/1"
    return [
        ("POST /workflows/validate", "POST", "/workflows/validate", lambda n: small, 200),
        (
            "POST /workflows/run (remote model)",
            "POST",
            "/workflows/run",
            lambda n: {"api_key": "bench-key", "specification": remote, "inputs": {"image": images[n % len(images)]}},
            200,
        ),
        (
            "POST /api/v1/runs/ (demo model)",
            "POST",
            "/api/v1/runs/",
            lambda n: {"specification": local, "inputs": {"image": images[n % len(images)]}},
            201,
        ),
        ("GET /api/v1/blocks/?search=", "GET", "/api/v1/blocks/?search=classification", lambda n: None, 200),
        ("GET /api/v1/workflows/", "GET", "/api/v1/workflows/", lambda n: None, 200),
        ("GET /healthz", "GET", "/healthz", lambda n: None, 200),
    ]


def _drive(port: int, images: list[dict[str, str]], model: str, clients: int, seconds: float) -> None:
    mix = _mix(images, model)
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def user(index: int) -> None:
        connection = _Connection(port)
        for turn in itertools.count(index):
            if time.monotonic() >= stop:
                return
            label, method, path, body, expected = mix[turn % len(mix)]
            start = time.perf_counter()
            try:
                status, answer = connection.send(method, path, body(turn))
                if status != expected:
                    raise RuntimeError(f"{label}: {status} {answer[:200]!r}")
            except Exception as exc:  # every failure counts, whatever it is
                with lock:
                    errors.append(repr(exc)[:300])
                connection = _Connection(port)
                continue
            with lock:
                latencies[label].append((time.perf_counter() - start) * 1000)

    threads = [threading.Thread(target=user, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answers = sum(len(values) for values in latencies.values())
    first = f" (first: {errors[0]})" if errors else ""
    print(f"  {clients} clients for {seconds:g} s: {answers} answers, {len(errors)} errors{first}", flush=True)
    report("  errors", len(errors), "", "0", timed=False)
    for label, *_ in mix:
        values = sorted(latencies[label])
        if not values:
            print(f"  {label}: no answers", flush=True)
            continue
        report(f"  {label} p50", values[len(values) // 2], "ms", "-", timed=False)
        report(f"  {label} p99", values[max(0, int(len(values) * 0.99) - 1)], "ms", "-", timed=False)


def _prepared(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PREPARE], cwd=REPO_DIR, env=env, check=True, capture_output=True
    )


def _postgres(url: str) -> str:
    """The database `url` names, created if absent."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists is None:
            connection.execute(f'CREATE DATABASE "{name}"')
    return url


def load(images: list[dict[str, str]], model: str) -> None:
    clients = int(os.environ.get("BENCH_LOAD_CLIENTS", "60"))
    seconds = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
    processes = int(os.environ.get("BENCH_LOAD_PROCESSES", str(default_workers())))
    databases = [("SQLite", f"sqlite:///{Path(tempfile.mkdtemp(prefix='blockwise-load-')) / 'load.sqlite3'}")]
    postgres = os.environ.get("BENCH_POSTGRES_URL", "")
    if not postgres:
        print("PostgreSQL left out: set BENCH_POSTGRES_URL to include it.", flush=True)
    else:
        try:
            databases.append(("PostgreSQL", _postgres(postgres)))
        except Exception as exc:  # unreachable, refused: said and left out
            print(f"PostgreSQL left out: {exc!r}"[:300], flush=True)
    for name, url in databases:
        _prepared(url)
        print(f"load on {name}, {processes} server processes:", flush=True)
        with ExitStack() as stack:
            model_url = stack.enter_context(model_server(0.0))
            server = live_server(url, processes=processes, env=UNLIMITED, ROBOFLOW_API_URL=model_url)
            process, port, _ = stack.enter_context(server)
            # One round of the mix first, so `before` is a server that has served each route once.
            warm = _Connection(port)
            for _, method, path, body, _ in _mix(images, model):
                warm.send(method, path, body(0))
            before = resident_mb(process.pid)
            _drive(port, images, model, clients, seconds)
            report("  server memory before the load (all processes)", before, "MB", "-", timed=False)
            report("  server memory after the load (all processes)", resident_mb(process.pid), "MB", "-", timed=False)
