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
    from registry.services.catalog_sync import blocks_import

    call_command("migrate", verbosity=0)
    call_command("sync_blocks", stdout=io.StringIO())
    with gzip.open(ROBOFLOW_DESCRIBE, "rt") as handle:
        payload = json.load(handle)
    start = time.perf_counter()
    blocks_import(payload)
    import_s = time.perf_counter() - start

    specs = list(catalog_block_specs())
    print(
        "catalog: 250 block versions (Roboflow 1.8.3 imported over the built-ins); "
        "reads over HTTP, the production server, 1 worker"
    )
    report("import the 1.8.3 payload", import_s, "s", "<= 5")
    report("build the connection graph", measure_ms(lambda: build_connections(specs), repeat=20), "ms", "<= 100")

    with live_server(database) as (process, port, start_s):
        report("server start to first answer", start_s, "s", "<= 2")
        report("server resident memory at first answer", resident_mb(process.pid), "MB", "<= 150")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def get(path: str, **headers: str) -> tuple[int, bytes, dict[str, str]]:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            return response.status, response.read(), dict(response.getheaders())

        etag = get("/api/v1/connections/")[2]["ETag"]
        report("warm GET /api/v1/connections/", measure_ms(lambda: get("/api/v1/connections/")), "ms", "<= 5")
        not_modified = measure_ms(lambda: get("/api/v1/connections/", **{"If-None-Match": etag}))
        report("warm GET /api/v1/connections/ (304)", not_modified, "ms", "<= 2")
        describe = measure_ms(lambda: get("/workflows/blocks/describe"))
        report("warm GET /workflows/blocks/describe", describe, "ms", "<= 10")
        gzipped = measure_ms(lambda: get("/workflows/blocks/describe", **{"Accept-Encoding": "gzip"}))
        report("warm describe, gzip", gzipped, "ms", "<= 10")
        report("server resident memory, catalog cached", resident_mb(process.pid), "MB", "-")


if __name__ == "__main__":
    main()
