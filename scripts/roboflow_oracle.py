"""Roboflow Inference 1.8.3 answering in-process, for differential tests: run with the interpreter of
the environment that `scripts/roboflow_env.py` builds, never with ours (it imports nothing of ours).

    ENV_PYTHON scripts/roboflow_oracle.py validate < definitions.json > answers.json
    ENV_PYTHON scripts/roboflow_oracle.py describe > describe.json

`validate` reads a JSON list of definitions and writes, for each, the status and body with which
Roboflow's own server application (`HttpInterface`, called through FastAPI's test client, no socket)
answers `POST /workflows/validate`. `describe` writes its `GET /workflows/blocks/describe` payload.
Nothing leaves the process: telemetry is switched off before Inference is imported, and name
resolution and connections to anything but the loopback interface fail at once.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

# Read by Inference at import time.
os.environ.update(
    {
        "TELEMETRY_OPT_OUT": "True",
        "DISABLE_VERSION_CHECK": "True",
        "METRICS_ENABLED": "False",
        "INFERENCE_WARNINGS_DISABLED": "True",
    }
)
LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}


def _is_local(host: object) -> bool:
    if not isinstance(host, str) or host in LOCAL_NAMES:
        return isinstance(host, str)
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _stay_local() -> None:
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.socket.connect

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None and not _is_local(host.decode() if isinstance(host, bytes) else host):
            print(f"oracle: refused to resolve {host}", file=sys.stderr)
            raise socket.gaierror(socket.EAI_NONAME, f"{host}: no network in the Roboflow oracle")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address[0]):
            print(f"oracle: refused to connect to {address[0]}", file=sys.stderr)
            raise ConnectionRefusedError(f"{address[0]}: no network in the Roboflow oracle")
        real_connect(self, address)

    socket.getaddrinfo = getaddrinfo
    socket.socket.connect = connect  # type: ignore[method-assign,assignment]


def _client() -> Any:
    from fastapi.testclient import TestClient
    from inference.core.interfaces.http.http_api import HttpInterface
    from inference.core.managers.base import ModelManager
    from inference.core.registries.roboflow import RoboflowModelRegistry
    from inference.models.utils import ROBOFLOW_MODEL_TYPES

    # The application serves its landing page from ./inference/landing/out, which a wheel lacks.
    scratch = Path(tempfile.mkdtemp(prefix="roboflow-oracle-"))
    for folder in ("static", "_next/static"):
        (scratch / "inference" / "landing" / "out" / folder).mkdir(parents=True)
    os.chdir(scratch)
    manager = ModelManager(model_registry=RoboflowModelRegistry(ROBOFLOW_MODEL_TYPES))
    return TestClient(HttpInterface(manager).app)


def validate_all(definitions: list[Any]) -> list[dict[str, Any]]:
    client = _client()
    answers = []
    for definition in definitions:
        response = client.post("/workflows/validate", json=definition)
        answers.append({"status": response.status_code, "body": response.json()})
    return answers


def describe() -> dict[str, Any]:
    payload: dict[str, Any] = _client().get("/workflows/blocks/describe").json()
    return payload


def main(argv: list[str]) -> int:
    # The error handler logs every refused definition with its trace; the answers say all of it.
    logging.disable(logging.CRITICAL)
    _stay_local()
    if argv == ["validate"]:
        json.dump(validate_all(json.load(sys.stdin)), sys.stdout)
    elif argv == ["describe"]:
        json.dump(describe(), sys.stdout)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
