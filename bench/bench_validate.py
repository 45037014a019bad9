"""Validation through `POST /api/v1/workflows/validate/` over HTTP (the production server, one worker).

Each request carries a definition the server has not compiled before (the chain's last step is
renamed every time), so the figure includes the uncached compile, not a cache hit.
Run: .venv/bin/python -m bench.bench_validate
"""

from __future__ import annotations

import http.client
import io
import itertools
import json

from bench._support import live_server, measure_ms, report, use_temporary_database
from bench.bench_compile import chain


def main() -> None:
    database = use_temporary_database()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("sync_blocks", stdout=io.StringIO())
    definition = chain()
    counter = itertools.count()

    with live_server(database) as (_process, port, _start_s):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def validate() -> None:
            definition["steps"][-1]["name"] = f"last{next(counter)}"
            body = json.dumps({"specification": definition})
            connection.request("POST", "/api/v1/workflows/validate/", body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            payload = json.loads(response.read())
            assert response.status == 200
            assert payload["valid"], payload["errors"][:2]

        report("validate a 500-step chain over HTTP", measure_ms(validate, repeat=30), "ms", "<= 30")


if __name__ == "__main__":
    main()
