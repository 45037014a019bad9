"""Roboflow Inference 1.8.3's HTTP server, started in a process of its own for side-by-side figures.

The server is Roboflow's own FastAPI app (`HttpInterface`) under uvicorn on 127.0.0.1, in the
environment `scripts.roboflow_env` builds. Its classification steps run remotely against the model
server the benchmark gives (the Roboflow-compatible test server on 127.0.0.1); every other
Roboflow URL (API, metrics) points at a closed local port, so nothing leaves the machine.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scripts.roboflow_env import env_ensure
from tests.support.server_process import free_port, stop_process, wait_until_answering

CLOSED = "http://127.0.0.1:9"
# Roboflow's app mounts its landing page from these folders, relative to the working directory.
LANDING_DIRS = ("inference/landing/out/static", "inference/landing/out/_next/static")
LAUNCHER = """
import sys
import uvicorn
from inference.core.interfaces.http.http_api import HttpInterface
from inference.core.managers.base import ModelManager
from inference.core.registries.roboflow import RoboflowModelRegistry
from inference.models.utils import ROBOFLOW_MODEL_TYPES

app = HttpInterface(ModelManager(model_registry=RoboflowModelRegistry(ROBOFLOW_MODEL_TYPES))).app
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


def roboflow_environment(model_server_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "WORKFLOWS_STEP_EXECUTION_MODE": "remote",
        "WORKFLOWS_REMOTE_API_TARGET": "hosted",
        "HOSTED_CLASSIFICATION_URL": model_server_url,
        "API_BASE_URL": CLOSED,
        "METRICS_COLLECTOR_BASE_URL": CLOSED,
        "METRICS_ENABLED": "False",
        "OTEL_METRICS_ENABLED": "False",
        "DISABLE_VERSION_CHECK": "True",
        "HTTP_PROXY": CLOSED,
        "HTTPS_PROXY": CLOSED,
        "NO_PROXY": "127.0.0.1,localhost",
    }


@contextmanager
def roboflow_server(model_server_url: str, *, start_timeout_s: float = 300) -> Iterator[tuple[str, int]]:
    """Yields Roboflow's base URL and the server's process id; raises RuntimeError with the log's end
    when it cannot start here."""
    python = env_ensure()
    workdir = Path(tempfile.mkdtemp(prefix="blockwise-roboflow-"))
    for folder in LANDING_DIRS:
        (workdir / folder).mkdir(parents=True)
    port = free_port()
    log = (workdir / "server.log").open("wb")
    process = subprocess.Popen(
        [str(python), "-c", LAUNCHER, str(port)],
        cwd=workdir,
        env=roboflow_environment(model_server_url),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until_answering(url, process, timeout_s=start_timeout_s, poll_s=0.5)
        except RuntimeError as exc:
            tail = (workdir / "server.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"Roboflow Inference {python}: {exc}:\n{tail}") from exc
        yield url, process.pid
    finally:
        stop_process(process, timeout_s=20)
        log.close()
