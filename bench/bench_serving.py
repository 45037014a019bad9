"""The served run path side by side: Blockwise (as `make serve` starts it), Roboflow Inference 1.8.3
(its own HTTP app under uvicorn) and a bare client, all against the same instant model server on
127.0.0.1, all measured in this run.

- `/workflows/run`, 64 images and 1 image, remote classification, on two sizes: small JPEGs (a smooth
  640x480 picture, about 20 kB) and photo-sized ones (640x480 with a photo's detail, about 300 kB:
  64 of them are a 25 MB request); and where a 64-photo run's time goes (reading the body, parsing,
  base64 and headers, forwarding and model calls, the answer, the record), profiled in this process;
- `/workflows/validate`, a 1-step workflow never seen before, the same sent again and again (beside
  Django's own request cycle answering a constant, and an empty WSGI app), and a never-seen 500-step
  chain;
- the local demo model, images per second at batch 1, 16 and 64;
- the server's peak memory for a 64-image run and for the largest request the limits allow;
- `load`: 60 clients for 60 s mixing validations, runs (remote and local model), catalog searches,
  listings and health checks, on SQLite and PostgreSQL: errors, p50 and p99 by route, memory before
  and after (bench/load_mix.py).

The rate limits stay on, raised so that the benchmark's own requests are not refused. If Roboflow
Inference cannot start here, its figures are left out and the reason is printed.
Run: .venv/bin/python -m bench.bench_serving [speed] [split] [local] [memory] [load]
"""

from __future__ import annotations

import base64
import http.client
import io
import itertools
import json
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import requests
from PIL import Image

from bench import load_mix
from bench._support import (
    REPO_DIR,
    live_server,
    measure_ms,
    paired_ms,
    peak_mb,
    records_saved,
    report,
    use_temporary_database,
)
from bench.bench_compile import chain, one_step
from bench.bench_models import model_server
from bench.roboflow_live import roboflow_server
from bench.run_split import run_split

COUNT = 64
KEY = "bench-key"
MODEL = "bench/1"
EMPTY_APP = "bench.empty_wsgi:application"
CONSTANT_DJANGO_APP = "bench.constant_django:application"


def jpeg_values(count: int, *, photo: bool = False) -> list[dict[str, str]]:
    """`count` 640x480 JPEGs as Roboflow's base64 inputs: a smooth picture (about 20 kB), or with a
    photo's fine detail (noise over the picture, quality 94: about 300 kB, as a camera's JPEG)."""
    rng = np.random.default_rng(1)
    y, x = np.mgrid[0:480, 0:640]
    values = []
    for _ in range(count):
        pixels = np.stack([x * 255 // 640, y * 255 // 480, np.full_like(x, int(rng.integers(0, 255)))], axis=2)
        if photo:
            pixels = np.clip(pixels + rng.integers(-127, 128, size=pixels.shape), 0, 255)
        buffer = io.BytesIO()
        Image.fromarray(pixels.astype(np.uint8)).save(buffer, format="JPEG", quality=94 if photo else 85)
        values.append({"type": "base64", "value": base64.b64encode(buffer.getvalue()).decode()})
    return values


def size_label(values: list[dict[str, str]]) -> str:
    average_kb = sum(len(v["value"]) * 3 / 4 for v in values) / len(values) / 1024
    return f"{'photo' if average_kb > 100 else 'small'} JPEGs ({average_kb:.0f} kB)"


def remote_workflow() -> dict[str, Any]:
    definition = one_step()
    definition["steps"][0]["model_id"] = MODEL
    return definition


class Client:
    """One keep-alive connection, as a program calling the API would hold."""

    def __init__(self, base_url: str) -> None:
        host, port = base_url.removeprefix("http://").split(":")
        self._connection = http.client.HTTPConnection(host, int(port), timeout=120)

    def post(self, path: str, body: Any) -> tuple[int, Any]:
        return self.post_bytes(path, json.dumps(body).encode())

    def post_bytes(self, path: str, payload: bytes) -> tuple[int, Any]:
        try:
            return self._post(path, payload)
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # The server closed an idle keep-alive connection: reconnect once, as HTTP clients do.
            self._connection.close()
            return self._post(path, payload)

    def _post(self, path: str, payload: bytes) -> tuple[int, Any]:
        self._connection.request("POST", path, payload, {"Content-Type": "application/json"})
        response = self._connection.getresponse()
        return response.status, json.loads(response.read())

    def run(self, definition: dict[str, Any], images: Any) -> None:
        self.runner(definition, images)()

    def runner(self, definition: dict[str, Any], images: Any) -> Callable[[], None]:
        """A run of these images, its body serialised once: the timed part is the request alone, as it
        is for the bare client."""
        payload = json.dumps({"api_key": KEY, "specification": definition, "inputs": {"image": images}}).encode()
        count = len(images) if isinstance(images, list) else 1

        def run() -> None:
            status, answer = self.post_bytes("/workflows/run", payload)
            assert status == 200, (status, str(answer)[:300])
            outputs = answer["outputs"]
            assert len(outputs) == count and outputs[0]["predictions"]["top"] == "red", str(answer)[:300]

        return run

    def validate(self, definition: dict[str, Any]) -> None:
        status, answer = self.post("/workflows/validate", definition)
        assert status == 200 and answer == {"status": "ok"}, (status, str(answer)[:300])


def bare_client(model_url: str, images: list[dict[str, str]]) -> Callable[[], None]:
    """Posts each image straight to the model server: 8 at a time, keep-alive, as Roboflow's SDK does."""
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=8))

    def one(value: dict[str, str]) -> None:
        response = session.post(
            f"{model_url}/{MODEL}",
            params={"api_key": KEY},
            data=value["value"],
            timeout=30,
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 200

    pool = ThreadPoolExecutor(max_workers=8)

    def post_all() -> None:
        list(pool.map(one, images))

    return post_all


def side_by_side(
    label: str,
    ours: Callable[[], None],
    theirs: Callable[[], None] | None,
    ratio_target: str,
    *,
    repeat: int,
    settle: Callable[[], None] = lambda: None,
) -> None:
    """Both servers timed in turn, request by request, then their ratio (the issue's target is on the ratio)."""
    if theirs is None:
        report(f"{label}: Blockwise", measure_ms(ours, repeat=repeat), "ms", "-")
        return
    measured, roboflow = paired_ms(ours, theirs, repeat=repeat, settle=settle)
    report(f"{label}: Blockwise", measured, "ms", "-", timed=False)
    report(f"{label}: Roboflow 1.8.3", roboflow, "ms", "-", timed=False)
    report(f"{label}: Blockwise / Roboflow", measured / roboflow, "x", ratio_target, timed=False)


def floor(database: Path, definition: dict[str, Any], other: Client | None) -> None:
    """The same POST to apps that do none of our work, through the server `make serve` starts: a WSGI app
    with no Django in it (bench/empty_wsgi.py), and Django's request cycle answering a constant through
    the same middleware chain (bench/constant_django.py). Each is timed in turn with Roboflow's
    validation, as the validation's own ratio is, so the ratios compare; and the empty app through
    gunicorn's threaded workers, the server granian replaced (config/server.py)."""

    def gunicorn(environ: dict[str, str]) -> list[str]:
        address = f"127.0.0.1:{environ['PORT']}"
        return [sys.executable, "-m", "gunicorn", "-k", "gthread", "--threads", "8", "-b", address, EMPTY_APP]

    floors = (
        ("empty WSGI app, granian (make serve)", EMPTY_APP, None),
        ("empty WSGI app, gunicorn gthread", EMPTY_APP, gunicorn),
        ("Django, constant answer, granian", CONSTANT_DJANGO_APP, None),
    )
    for label, app, command in floors:
        with live_server(database, app=app, command=command) as (_, port, _):
            client = Client(f"http://127.0.0.1:{port}")

            def post(client: Client = client) -> None:
                status, answer = client.post("/workflows/validate", definition)
                assert status == 200 and answer == {"status": "ok"}

            if other is None:
                report(f"  floor: {label}", measure_ms(post, repeat=100), "ms", "-")
                continue
            measured, roboflow = paired_ms(post, partial(other.validate, definition), repeat=100)
            report(f"  floor: {label}", measured, "ms", "-", timed=False)
            report(f"  floor: {label} / Roboflow", measured / roboflow, "x", "-", timed=False)


def never_seen(definition: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    """The definition with its last step renamed each time: a request no server has answered before."""
    counter = itertools.count()

    def fresh() -> dict[str, Any]:
        last = definition["steps"][-1]
        old, last["name"] = last["name"], f"last{next(counter)}"
        for output in definition["outputs"]:
            output["selector"] = output["selector"].replace(f"$steps.{old}.", f"$steps.{last['name']}.")
        return definition

    return fresh


def runs(client: Client, other: Client | None, model_url: str, values: list[dict[str, str]]) -> None:
    """64 images and 1 image through each server, and 64 through the bare client, timed in turn."""
    label = size_label(values)
    workflow = remote_workflow()
    run_ours = client.runner(workflow, values)
    run_theirs = other.runner(workflow, values) if other else None
    settle = records_saved()
    side_by_side(f"/workflows/run, {COUNT} {label}", run_ours, run_theirs, "<= 0.45", repeat=10, settle=settle)
    ours_ms, bare = paired_ms(run_ours, bare_client(model_url, values), repeat=10, settle=settle)
    report(f"/workflows/run, {COUNT} {label}: Blockwise", ours_ms, "ms", "-", timed=False)
    report(f"/workflows/run, {COUNT} {label}: bare pooled client", bare, "ms", "-", timed=False)
    report(f"/workflows/run, {COUNT} {label}: Blockwise / bare", ours_ms / bare, "x", "<= 1.2", timed=False)
    one_ours = client.runner(workflow, values[0])
    one_theirs = other.runner(workflow, values[0]) if other else None
    side_by_side(f"/workflows/run, 1 {label}", one_ours, one_theirs, "<= 0.45", repeat=30, settle=settle)
    # What one image costs before any of our work: its post to the model server (beside the Django floor below).
    _, one_bare = paired_ms(one_ours, bare_client(model_url, values[:1]), repeat=30, settle=settle)
    report(f"  floor: 1 {label} posted by the bare client", one_bare, "ms", "-", timed=False)


def validations(database: Path, client: Client, other: Client | None) -> None:
    """Each request new to both servers (neither can answer from a compiled copy), then one definition
    sent again and again (both answer from their compile caches: ours inside Django, keyed by the
    catalog snapshot; Roboflow's 256-entry COMPILATION_CACHE), with the floors beside it."""
    ours_new, theirs_new = never_seen(one_step()), never_seen(one_step())
    side_by_side(
        "/workflows/validate, 1 step, never seen",
        lambda: client.validate(ours_new()),
        (lambda: other.validate(theirs_new())) if other else None,
        "<= 0.1",
        repeat=30,
    )
    small = one_step()
    side_by_side(
        "/workflows/validate, 1 step, repeated",
        partial(client.validate, small),
        partial(other.validate, small) if other else None,
        "<= 0.35",
        repeat=50,
    )
    floor(database, small, other)
    ours_chain, theirs_chain = never_seen(chain()), never_seen(chain())
    side_by_side(
        "/workflows/validate, 500-step chain, never seen",
        lambda: client.validate(ours_chain()),
        (lambda: other.validate(theirs_chain())) if other else None,
        "<= 0.4",
        repeat=10,
    )


def local_model() -> None:
    from blocks.ports import ClassificationRequest
    from executor.images import ImageLimits, load_image
    from executor.models.local import LocalModelInfo, ModelRouter

    meta = json.loads((REPO_DIR / "registry" / "demo" / "demo-shapes.json").read_text())
    info = LocalModelInfo(
        "demo-shapes/1",
        str(REPO_DIR / "registry" / "demo" / "demo-shapes.onnx"),
        tuple(meta["class_names"]),
        meta["input_width"],
        meta["input_height"],
    )
    router = ModelRouter(lambda _: info)
    request = ClassificationRequest("demo-shapes/1", 0.4, True, None, None)
    values = jpeg_values(COUNT)
    for batch in (1, 16, 64):
        # Fresh images every time: decoding is part of the work.
        def classify(size: int = batch) -> None:
            images = [
                load_image(v, parent_id=f"image.[{i}]", limits=ImageLimits()) for i, v in enumerate(values[:size])
            ]
            router.classify(request, images)

        ms = measure_ms(classify, repeat=5 if batch == 64 else 20)
        report(f"local demo model, batch {batch}: images per second", batch * 1000 / ms, "/s", "-", timed=False)


def memory(database: Path) -> None:
    from django.conf import settings

    demo = one_step()
    demo["steps"][0]["model_id"] = "demo-shapes/1"
    with live_server(database) as (process, port, _):
        client = Client(f"http://127.0.0.1:{port}")
        client_values = jpeg_values(COUNT)
        status, answer = client.post("/api/v1/runs/", {"specification": demo, "inputs": {"image": client_values[:1]}})
        assert status == 201, answer
        before = peak_mb(process.pid)
        status, answer = client.post("/api/v1/runs/", {"specification": demo, "inputs": {"image": client_values}})
        assert status == 201, str(answer)[:300]
        report("peak memory before, and after a 64-JPEG run (demo model)", before, "MB", "-", timed=False)
        report("", peak_mb(process.pid), "MB", "-", timed=False)
    # The largest request the limits allow: pixels of all images together just under the cap, each
    # image within the per-image pixel limit, all decoded by the demo model.
    side = int((settings.BLOCKWISE_MAX_IMAGE_PIXELS * 0.95) ** 0.5)
    count = settings.BLOCKWISE_MAX_REQUEST_PIXELS // (side * side)
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), (200, 20, 20)).save(buffer, format="PNG")
    big = {"type": "base64", "value": base64.b64encode(buffer.getvalue()).decode()}
    with live_server(database) as (process, port, _):
        client = Client(f"http://127.0.0.1:{port}")
        status, answer = client.post("/api/v1/runs/", {"specification": demo, "inputs": {"image": client_values[:1]}})
        before = peak_mb(process.pid)
        status, answer = client.post("/api/v1/runs/", {"specification": demo, "inputs": {"image": [big] * count}})
        assert status == 201, str(answer)[:300]
        report(
            f"peak memory, largest request: {count} PNGs of {side}x{side}", peak_mb(process.pid), "MB", "-", timed=False
        )
        report("  (peak before it)", before, "MB", "-", timed=False)


# The rate limits stay on (each request still counts), raised above what the benchmark sends.
RAISED_LIMITS = {
    "BLOCKWISE_THROTTLE_ANONYMOUS_VALIDATE": "1000000/minute",
    "BLOCKWISE_THROTTLE_ANONYMOUS_RUN": "1000000/minute",
}


def speed_and_split(database: Path, sections: set[str]) -> None:
    small, photos = jpeg_values(COUNT), jpeg_values(COUNT, photo=True)
    with ExitStack() as stack:
        model_url = stack.enter_context(model_server(0.0))
        _, port, _ = stack.enter_context(live_server(database, env=RAISED_LIMITS, ROBOFLOW_API_URL=model_url))
        ours = f"http://127.0.0.1:{port}"
        roboflow: str | None = None
        try:
            roboflow, _pid = stack.enter_context(roboflow_server(model_url))
        except (RuntimeError, OSError) as exc:
            print(f"Roboflow Inference 1.8.3 could not be started here, its figures are left out: {exc}")
        client, other = Client(ours), Client(roboflow) if roboflow else None
        if "speed" in sections:
            for values in (photos, small):
                runs(client, other, model_url, values)
            validations(database, client, other)
        if "split" in sections:
            run_split(database, model_url, photos)


def main() -> None:
    """All sections, or those named on the command line: speed, split, local, memory, load."""
    sections = set(sys.argv[1:]) or {"speed", "split", "local", "memory", "load"}
    database = use_temporary_database()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("sync_blocks", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    if sections & {"speed", "split"}:
        speed_and_split(database, sections)
    if "local" in sections:
        local_model()
    if "memory" in sections:
        memory(database)
    if "load" in sections:
        load_mix.load(jpeg_values(8), MODEL)


if __name__ == "__main__":
    main()
