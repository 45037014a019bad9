"""Blockwise served as `make serve` serves it, in a child process: several workers, several threads.

Tests that race requests need a server whose requests really run side by side on their own
database connections; the in-process `live_server` shares one connection on SQLite. The server
listens on 127.0.0.1 only; its database is given as a URL (a fresh SQLite file, or the test run's
PostgreSQL database).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import requests
from django.db import connection

from config.server import server_command
from tests.conftest import REPO_DIR

ADMIN_PASSWORD = "race-admin-password"
PREPARE = (
    "from django.core.management import call_command as c; "
    "c('migrate', verbosity=0); c('sync_blocks', verbosity=0); c('ensure_admin')"
)


def database_url(sqlite_file: Path | None = None) -> str:
    """The URL of the test run's database for a child process that cannot share our connection;
    with `sqlite_file`, SQLite gets a file of its own (PostgreSQL is shared either way)."""
    settings_dict = connection.settings_dict
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{sqlite_file or settings_dict['NAME']}"
    user = settings_dict.get("USER") or ""
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def free_port() -> int:
    """A port on 127.0.0.1 nothing listens on now, for a server the test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_answering(
    url: str, process: subprocess.Popen[Any], *, timeout_s: float = 90, poll_s: float = 0.05
) -> None:
    """Until a server (ours or Roboflow's) answers Roboflow's version route; RuntimeError if its
    process exits first."""
    deadline = time.monotonic() + timeout_s
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the server at {url} exited with {process.returncode} while starting")
        try:
            with urllib.request.urlopen(f"{url}/workflows/execution_engine/versions", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(poll_s)


def stop_process(process: subprocess.Popen[Any], *, timeout_s: float = 30) -> None:
    """Ask a server to stop, and kill it if it has not within `timeout_s`. A server started in a session of
    its own (`start_new_session=True`, as every server here is) is killed with its whole process group:
    killing granian's main process alone leaves its worker processes running, still on the port."""
    process.terminate()
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        if os.getpgid(process.pid) == process.pid:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
        process.wait()


class ServerProcess:
    def __init__(
        self,
        database_url: str,
        log_path: Path,
        *,
        workers: int = 2,
        threads: int = 8,
        env: dict[str, str] | None = None,
    ) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "BLOCKWISE_ADMIN_PASSWORD": ADMIN_PASSWORD,
            **(env or {}),
        }
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.threads = threads
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> ServerProcess:
        python = sys.executable
        subprocess.run(
            [python, "manage.py", "shell", "-c", PREPARE], cwd=REPO_DIR, env=self.env, check=True, capture_output=True
        )
        server = {"PORT": str(self.port), "WEB_CONCURRENCY": str(self.workers), "WEB_THREADS": str(self.threads)}
        command = server_command(environ={**self.env, **server})
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                command, cwd=REPO_DIR, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        try:
            wait_until_answering(self.url, self._process)
        except (RuntimeError, OSError) as exc:
            self.stop()
            raise RuntimeError(f"the server did not start: {self.log()[-2000:]}") from exc
        return self

    def stop(self) -> None:
        if self._process is not None:
            stop_process(self._process)
            self._process = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def admin_session(self) -> requests.Session:
        """A `requests` session signed in as the admin with a token."""
        session = requests.Session()
        response = session.post(
            f"{self.url}/api/v1/auth/token/", json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=30
        )
        response.raise_for_status()
        session.headers["Authorization"] = f"Token {response.json()['token']}"
        return session
