"""Catalog speed with Roboflow 1.8.3's 250 blocks imported: graph, reads, import, server start.

Run: .venv/bin/python -m bench.bench_catalog
"""

from __future__ import annotations

import gzip
import http.client
import io
import json
import time

from bench._support import ROBOFLOW_DESCRIBE, live_server, measure_ms, report, resident_mb, use_temporary_database


def main() -> None:
    database = use_temporary_database()
    from django.core.management import call_command

    from blocks.connections import build_connections
    from registry.selectors.catalog import catalog_block_specs
    from registry.services.block_versions import blocks_import

    call_command("migrate", verbosity=0)
    call_command("sync_blocks", stdout=io.StringIO())
    with gzip.open(ROBOFLOW_DESCRIBE, "rt") as handle:
        payload = json.load(handle)
    start = time.perf_counter()
    blocks_import(payload)
    import_s = time.perf_counter() - start

    specs = list(catalog_block_specs())
    graph_ms = measure_ms(lambda: build_connections(specs), repeat=20)

    with live_server(database) as (process, port, start_s):
        start_memory_mb = resident_mb(process.pid)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def get(path: str, **headers: str) -> tuple[int, bytes, dict[str, str]]:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            return response.status, response.read(), dict(response.getheaders())

        _status, body, headers = get("/api/v1/connections/")
        etag = headers["ETag"]
        connections_ms = measure_ms(lambda: get("/api/v1/connections/"))
        not_modified_ms = measure_ms(lambda: get("/api/v1/connections/", **{"If-None-Match": etag}))
        describe_ms = measure_ms(lambda: get("/workflows/blocks/describe"))
        describe_gzip_ms = measure_ms(lambda: get("/workflows/blocks/describe", **{"Accept-Encoding": "gzip"}))
        memory_mb = resident_mb(process.pid)

    print(f"catalog: {len(specs)} block versions; graph {len(body) / 1e6:.1f} MB; over HTTP (gunicorn, 1 worker)")
    report("build the connection graph", graph_ms, "ms", "<= 100")
    report("warm GET /api/v1/connections/", connections_ms, "ms", "<= 5")
    report("warm GET /api/v1/connections/ (304)", not_modified_ms, "ms", "<= 2")
    report("warm GET /workflows/blocks/describe", describe_ms, "ms", "<= 10", "67 ms in process, 117 ms route")
    report("warm describe, gzip", describe_gzip_ms, "ms", "<= 10")
    report("import the 1.8.3 payload", import_s, "s", "<= 5")
    report("server start to first answer", start_s, "s", "<= 2", "5.4 s to start its engine")
    report("server resident memory at first answer", start_memory_mb, "MB", "<= 150", "562 MB")
    report("server resident memory, catalog cached", memory_mb, "MB", "")


if __name__ == "__main__":
    main()
