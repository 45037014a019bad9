"""A Roboflow-compatible classification server for tests: a real HTTP server on 127.0.0.1.

It speaks the hosted API v0 (`POST /{project}/{version}`, base64 body, key in the query) and the
Inference server API v1 (`POST /infer/classification`, JSON body), per spec sections 6.5 to 6.7.
Predictions come from the image's mean colour, so they are deterministic. Switches make it slow,
refuse keys, run out of credits, not know the model, rate-limit, fail, hang or answer garbage; it
records every request and the most requests it had in flight at once.
"""

from __future__ import annotations

import base64
import io
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
from PIL import Image

from tests.support.local_http import local_http_server_start, local_http_server_stop

CLASSES = ("red", "green", "blue")
INSTANT_ANSWER = json.dumps(
    {
        "inference_id": "instant",
        "image": {"width": 640, "height": 480},
        "top": "red",
        "confidence": 0.9,
        "predictions": [{"class": "red", "class_id": 0, "confidence": 0.9}],
    }
).encode()


@dataclass
class Switches:
    latency_s: float = 0.0
    status: int | None = None  # answer this status instead of a prediction
    failures_before_success: int = 0  # answer `failure_status` this many times first
    failure_status: int = 429
    hang_s: float = 0.0
    malformed: bool = False
    instant: bool = False  # answer a fixed prediction without looking at the image (benchmarks)
    retry_after: str | None = None  # a Retry-After header on the `failure_status` answers
    answer_padding: int = 0  # bytes of padding added to each prediction (an over-size answer)
    fail_colour: str | None = None  # answer `failure_status` for images whose top class is this colour
    hang_colour: str | None = None  # when set, `hang_s` applies only to images whose top class is this colour


@dataclass
class Recorded:
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class ServerState:
    switches: Switches = field(default_factory=Switches)
    requests: list[Recorded] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Set to end every hang at once (a hang is `hang_s` at most): a test that has seen what it waited
    # for need not sit out the rest, nor the next test's reset.
    hangs_released: threading.Event = field(default_factory=threading.Event)


def predict(image_bytes: bytes, confidence: float) -> dict[str, Any]:
    with Image.open(io.BytesIO(image_bytes)) as image:
        width, height = image.size
        mean = np.asarray(image.convert("RGB"), dtype=np.float64).reshape(-1, 3).mean(axis=0)
    scores = mean / max(mean.sum(), 1e-9)
    ranked = sorted(((round(float(scores[i]), 4), i, name) for i, name in enumerate(CLASSES)), key=lambda p: -p[0])
    kept: list[dict[str, Any]] = [
        {"class": name, "class_id": i, "confidence": score} for score, i, name in ranked if score >= confidence
    ]
    return {
        "inference_id": str(uuid.uuid4()),
        "time": 0.001,
        "image": {"width": width, "height": height},
        "predictions": kept,
        "top": kept[0]["class"] if kept else "",
        "confidence": kept[0]["confidence"] if kept else 0.0,
    }


def _handler(state: ServerState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes; without this, Nagle and delayed ACKs add 40 ms.
        disable_nagle_algorithm = True

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, retry_after: str | None = None) -> None:
            self.send_response(status)
            if retry_after is not None:
                self.send_header("Retry-After", retry_after)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            parts = urlsplit(self.path)
            with state.lock:
                # An instant server (benchmarks, in a process of their own) keeps no bodies: a benchmark
                # posts gigabytes of photos, which kept would slow every later answer.
                kept = b"" if state.switches.instant else body
                state.requests.append(Recorded(parts.path, parse_qs(parts.query), dict(self.headers), kept))
                state.in_flight += 1
                state.max_in_flight = max(state.max_in_flight, state.in_flight)
                switches = state.switches
                failing = switches.failures_before_success > 0
                if failing:
                    switches.failures_before_success -= 1
                hangs_released = state.hangs_released
            try:
                if switches.hang_s and switches.hang_colour is None:
                    hangs_released.wait(switches.hang_s)
                if switches.latency_s:
                    time.sleep(switches.latency_s)
                if failing:
                    self._send(switches.failure_status, b'{"message": "try again"}', switches.retry_after)
                    return
                if switches.status is not None:
                    self._send(switches.status, json.dumps({"message": f"status {switches.status}"}).encode())
                    return
                if switches.malformed:
                    self._send(200, b"{this is not json")
                    return
                if switches.instant:
                    self._send(200, INSTANT_ANSWER)
                    return
                if parts.path == "/infer/classification":
                    payload = json.loads(body)
                    image = base64.b64decode(payload["image"]["value"])
                    raw_confidence = payload.get("confidence")
                    confidence = raw_confidence if isinstance(raw_confidence, int | float) else 0.4
                else:
                    image = base64.b64decode(body)
                    raw = parse_qs(parts.query).get("confidence", ["0.4"])[0]
                    confidence = 0.4 if raw in {"default", "best"} else float(raw)
                prediction = predict(image, confidence)
                if switches.hang_colour is not None and predict(image, 0.0)["top"] == switches.hang_colour:
                    hangs_released.wait(switches.hang_s)
                if switches.fail_colour is not None and predict(image, 0.0)["top"] == switches.fail_colour:
                    self._send(switches.failure_status, b'{"message": "this one failed"}')
                    return
                if switches.answer_padding:
                    prediction["padding"] = "x" * switches.answer_padding
                self._send(200, json.dumps(prediction).encode())
            finally:
                with state.lock:
                    state.in_flight -= 1

    return Handler


class RoboflowServer:
    def __init__(self) -> None:
        self.state = ServerState()
        self._handler = _handler(self.state)
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "the server is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> RoboflowServer:
        self._server = local_http_server_start(self._handler)
        return self

    def stop(self) -> None:
        if self._server is not None:
            local_http_server_stop(self._server)

    def release_hangs(self) -> None:
        """Ends every hang now, and those of requests still to come under the current switches."""
        self.state.hangs_released.set()

    def reset(self, **switches: Any) -> None:
        """New switches; ends the hangs of an earlier test and waits (up to 5 s) for its requests
        to finish first."""
        self.release_hangs()
        deadline = time.monotonic() + 5
        while self.state.in_flight and time.monotonic() < deadline:
            time.sleep(0.01)
        with self.state.lock:
            self.state.hangs_released = threading.Event()
            self.state.switches = Switches(**switches)
            self.state.requests.clear()
            self.state.max_in_flight = 0


def main() -> None:
    """Serve in a process of its own (benchmarks: client and server must not share one interpreter)."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--instant", action="store_true")
    args = parser.parse_args()
    state = ServerState(switches=Switches(latency_s=args.latency, instant=args.instant))
    server = ThreadingHTTPServer(("127.0.0.1", args.port), _handler(state))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
