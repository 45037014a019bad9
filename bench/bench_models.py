"""Model throughput: remote classification of 64 JPEGs (640x480) through the Roboflow-compatible
server on 127.0.0.1, instant and with 20 ms latency at concurrency 8, and the demo ONNX model.

Run: .venv/bin/python -m bench.bench_models
"""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import numpy as np
from PIL import Image

from bench._support import REPO_DIR, report
from blocks.images import WorkflowImage
from blocks.ports import ClassificationRequest
from executor.images import ImageLimits, decode_image
from executor.models.local import LocalModelInfo, OnnxClassifier
from executor.models.roboflow import RemoteConfig, RoboflowClient
from tests.support.server_process import free_port

COUNT = 64


def jpegs(count: int) -> list[WorkflowImage]:
    rng = np.random.default_rng(1)
    result = []
    for index in range(count):
        # A smooth picture with a few shapes: photo-like sizes (tens of kB), not noise (hundreds).
        y, x = np.mgrid[0:480, 0:640]
        base = np.stack([x * 255 // 640, y * 255 // 480, np.full_like(x, int(rng.integers(0, 255)))], axis=2)
        pixels = base.astype(np.uint8)
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, format="JPEG", quality=85)
        result.append(decode_image(buffer.getvalue(), parent_id=f"image.[{index}]", limits=ImageLimits()))
    return result


def best_seconds(action: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


@contextmanager
def model_server(latency: float) -> Iterator[str]:
    """The Roboflow-compatible server in its own process, answering without looking at images."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "tests.support.roboflow_server",
        "--port",
        str(port),
        "--instant",
        "--latency",
        str(latency),
    ]
    process = subprocess.Popen(command, cwd=REPO_DIR)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    images = jpegs(COUNT)
    print(
        f"{COUNT} JPEGs of 640x480, {sum(len(i.encoded or b'') for i in images) / COUNT / 1024:.0f} kB each on average"
    )
    request = ClassificationRequest("bench/1", 0.4, True, None, "key")
    for latency, label, target in (
        (0.0, "remote, instant server: images per second", ">= 360"),
        (0.020, "remote, 20 ms latency, concurrency 8: x ideal 160 ms", "<= 1.3"),
    ):
        with model_server(latency) as url:
            client = RoboflowClient(RemoteConfig(hosted_url=url, max_concurrency=8, timeout_s=30))
            client.classify(request, images[:16])
            seconds = best_seconds(partial(client.classify, request, images), repeat=5)
            client.close()
        measured = COUNT / seconds if latency == 0 else seconds / (COUNT / 8 * latency)
        report(label, measured, "/s" if latency == 0 else "x", target, timed=False)
    meta = json.loads((REPO_DIR / "registry" / "demo" / "demo-shapes.json").read_text())
    info = LocalModelInfo(
        "demo-shapes/1",
        str(Path(REPO_DIR / "registry" / "demo" / "demo-shapes.onnx")),
        tuple(meta["class_names"]),
        meta["input_width"],
        meta["input_height"],
    )
    classifier = OnnxClassifier(info)
    classifier.classify(images[:4], 0.4)
    seconds = best_seconds(lambda: classifier.classify(images, 0.4))
    report("demo ONNX model: images per second (640x480 in)", COUNT / seconds, "/s", ">= 200", timed=False)


if __name__ == "__main__":
    main()
