"""Real Celery workers for the job tests: `celery -A config worker` processes on Redis.

Each worker is its own process with its own settings, taken from the environment: the test
database (a file on SQLite), the test's media folder, a Redis db and a queue of the session's own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import redis

REPO_DIR = Path(__file__).resolve().parent.parent.parent
CELERY = Path(sys.executable).parent / "celery"
REDIS_URL = os.environ.get("BLOCKWISE_TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _job_of(raw: bytes | str) -> str:
    """The job id a queued or unacknowledged chunk message carries (kombu keeps the message as JSON:
    in the queue the message itself, in `unacked` a list [message, exchange, routing key])."""
    entry = json.loads(raw)
    message = entry[0] if isinstance(entry, list) else entry
    args = message.get("headers", {}).get("argsrepr") or ""
    return str(args).strip("()").split(",", 1)[0].strip()


def wait_until_drained(queue: str, job_id: int, timeout: float = 60) -> None:
    """Wait until no chunk of the job is waiting in `queue` or in flight (delivered and not yet
    acknowledged: tasks are acknowledged when they return, `task_acks_late`). Other tests' messages,
    such as those a killed worker left unacknowledged, are not counted."""
    client = redis.Redis.from_url(REDIS_URL)
    deadline = time.monotonic() + timeout

    def pending() -> int:
        raws: list[bytes | str] = [*client.lrange(queue, 0, -1), *client.hvals("unacked")]
        return len([raw for raw in raws if _job_of(raw) == str(job_id)])

    while pending():
        assert time.monotonic() < deadline, f"chunks of job {job_id} still queued or running after {timeout} s"
        time.sleep(0.05)


def redis_forget(queue: str) -> None:
    """Remove what kombu keeps in Redis for a queue of ours once we are done with it."""
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"*{queue}*"))
    if keys:
        client.delete(*keys)


class Worker:
    def __init__(self, name: str, env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.hostname = f"{name}@blockwise-test"
        self.env = env
        self.log = log_dir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Worker:
        handle = self.log.open("wb")
        self.process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "-n",
                self.hostname,
                "-l",
                "info",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=REPO_DIR,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        handle.close()
        return self

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if b" ready." in self.log.read_bytes():
                return
            assert self.process is not None and self.process.poll() is None, self.log.read_text()
            time.sleep(0.1)
        raise AssertionError(f"worker {self.name} did not start:\n{self.log.read_text()}")

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class WorkerPool:
    """Starts workers against the test database; stops every one of them at the end."""

    def __init__(self, env: dict[str, Any], log_dir: Path, *, prefix: str = "") -> None:
        self.env = {key: str(value) for key, value in env.items()}
        self.log_dir = log_dir
        self.prefix = prefix
        self.workers: list[Worker] = []
        self.started = 0

    def start(self, count: int = 1) -> list[Worker]:
        started = []
        for _ in range(count):
            self.started += 1
            started.append(Worker(f"{self.prefix}w{self.started}", self.env, self.log_dir).start())
        self.workers.extend(started)
        for worker in started:
            worker.wait_ready()
        return started

    def stop_all(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.workers.clear()
