"""Where a 64-photo `/workflows/run` spends its time: the request through Django's WSGI handler in this
process, profiled with pyinstrument, split by the functions that do each part; beside it, the same
body sent to an empty WSGI app through the server (the body's transfer and reading alone) and the
same images posted straight to the model server by a bare pooled client (the model calls alone); and
the floor under a served run against that client: the body's transfer, its parsing and our model
client's calls, each timed alone, added up.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pyinstrument import Profiler
from pyinstrument.frame import Frame

from bench._support import live_server, measure_ms, report

REPEAT = 5
# Function name -> the part of the run it is; the first one met on a path from the root counts.
PARTS = {
    "body_read": "reading the body (in the view)",
    "parse_json_bytes": "JSON parsing",
    "_load_images": "base64 and image headers",
    "RoboflowClient.classify": "forwarding and model calls",
    "json_bytes": "encoding the answer",
    "SavedAfterSending.close": "recording (after the answer is sent)",
}


def _parts(frame: Frame, found: dict[str, float]) -> None:
    name = frame.function if frame.class_name is None else f"{frame.class_name}.{frame.function}"
    if name in PARTS:
        found[PARTS[name]] = found.get(PARTS[name], 0.0) + frame.time
        return
    for child in frame.children:
        _parts(child, found)


def _split(calls: Iterable[Any]) -> dict[str, float]:
    """Seconds spent in each part over `calls`, by the profile."""
    profiler = Profiler(interval=0.0005, async_mode="disabled")
    profiler.start()
    for call in calls:
        call()
    profiler.stop()
    found: dict[str, float] = {}
    root = profiler.last_session.root_frame() if profiler.last_session else None
    if root is not None:
        _parts(root, found)
    return found


def run_split(database: Path, model_url: str, values: list[dict[str, str]]) -> None:
    from django.conf import settings

    from bench.bench_serving import EMPTY_APP, KEY, Client, bare_client, remote_workflow
    from config.wsgi import application
    from tests.support.wsgi_call import call_wsgi

    settings.ROBOFLOW_API_URL = model_url
    settings.BLOCKWISE_THROTTLE_RATES = {**settings.BLOCKWISE_THROTTLE_RATES, "anonymous_run": None}
    body = json.dumps({"api_key": KEY, "specification": remote_workflow(), "inputs": {"image": values}}).encode()

    def run() -> None:
        status, _, content = call_wsgi(application, "POST", "/workflows/run", body)
        assert status.startswith("200"), content[:300]

    for _ in range(2):
        run()
    start = time.perf_counter()
    found = _split([run] * REPEAT)
    total_ms = (time.perf_counter() - start) * 1000 / REPEAT
    print(f"Split of a {len(values)}-image run ({len(body) / 1e6:.1f} MB), profiled in this process, {REPEAT} runs:")
    report("  the whole request through Django's handler, recording included", total_ms, "ms", "-", timed=False)
    for part in PARTS.values():
        report(f"  {part}", found.get(part, 0.0) * 1000 / REPEAT, "ms", "-", timed=False)
    rest = total_ms - sum(found.values()) * 1000 / REPEAT
    report("  everything else (Django, the engine, the view)", max(rest, 0.0), "ms", "-", timed=False)
    recording = found.get(PARTS["SavedAfterSending.close"], 0.0) * 1000 / REPEAT
    report("  the whole request until its answer (recording left out)", total_ms - recording, "ms", "-", timed=False)
    bare = measure_ms(bare_client(model_url, values), repeat=REPEAT)
    report("  the same images from a bare pooled client", bare, "ms", "-", timed=False)
    with live_server(database, app=EMPTY_APP) as (_, port, _):
        empty = Client(f"http://127.0.0.1:{port}")
        transfer = measure_ms(lambda: empty.post_bytes("/", body), repeat=REPEAT)
    report("  the body sent to an empty WSGI app through the server", transfer, "ms", "-", timed=False)
    floor(body, model_url, values, transfer, bare)


def floor(body: bytes, model_url: str, values: list[dict[str, str]], transfer: float, bare: float) -> None:
    """What a served run cannot go below: the whole body arrives before anything else (a body that turns
    out invalid, too large or late must spend none of the caller's model credits), then it is parsed,
    then the images are forwarded. Each part timed alone, unprofiled, beside the bare client."""
    from django.conf import settings

    from bench.bench_serving import KEY, MODEL
    from blocks.ports import ClassificationRequest
    from executor.images import ImageLimits, load_image
    from executor.models.roboflow import RemoteConfig, RoboflowClient
    from registry.api.limits import parse_json_bytes

    parse = measure_ms(lambda: parse_json_bytes(body), repeat=REPEAT)
    report("  JSON parsing alone (msgspec, unprofiled)", parse, "ms", "-", timed=False)
    images = [load_image(v, parent_id=f"image.[{i}]", limits=ImageLimits()) for i, v in enumerate(values)]
    client = RoboflowClient(RemoteConfig(hosted_url=model_url, max_concurrency=settings.BLOCKWISE_MODEL_CONCURRENCY))
    request = ClassificationRequest(MODEL, 0.4, True, None, KEY)
    forwarding = measure_ms(lambda: client.classify(request, images), repeat=REPEAT)
    client.close()
    report("  our model client alone, the same images", forwarding, "ms", "-", timed=False)
    total = transfer + parse + forwarding
    report("  floor: body through the server + parsing + our client", total, "ms", "-", timed=False)
    report("  floor / bare pooled client", total / bare, "x", "-", timed=False)
