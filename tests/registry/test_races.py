"""Racing writers against a real server (as `make serve` runs it, 2 x 8 threads) on the suite's database engine.

On SQLite the server gets a database file of its own (a file, not the suite's in-memory database,
is what production uses); on PostgreSQL it serves the test run's database. Every racing request
gets a definite answer (a success, or 409) and nothing in the server log is a 500.
"""

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from tests.executor.conftest import classification_workflow
from tests.registry.test_catalog_api import _uploaded_description
from tests.support.server_process import ServerProcess, database_url

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(tmp_path):
    process = ServerProcess(database_url(tmp_path / "race.sqlite3"), tmp_path / "server.log")
    process.start()
    yield process
    process.stop()


def _race(count: int, send: Callable[[int], requests.Response]) -> list[requests.Response]:
    """`count` requests released at the same moment, one thread each."""
    barrier = threading.Barrier(count)

    def one(index: int) -> requests.Response:
        barrier.wait()
        return send(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def _served_ms(server: ServerProcess, method: str, path: str, count: int) -> list[float]:
    """How long the server took over each of `count` `method path` requests, from its access log
    (config/body_buffer.py). The server writes a line after its answer has gone out, so a client can hold
    every answer before the last line is written: wait for them (up to 10 s)."""
    request = f'"{method} {path} HTTP/'
    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
        access = [line for line in lines if line["logger"] == "blockwise.access"]
        served = [line["duration_ms"] for line in access if request in line["message"]]
        if len(served) >= count or time.monotonic() > deadline:
            return served
        time.sleep(0.05)


def _no_server_errors(server: ServerProcess, responses: list[requests.Response]) -> None:
    assert [r.status_code for r in responses if r.status_code >= 500] == []
    log = server.log()
    assert "Traceback" not in log
    assert "database is locked" not in log


def test_fifty_racing_saves_give_one_success_and_forty_nine_conflicts(server):
    admin = server.admin_session()
    workflow = admin.post(
        f"{server.url}/api/v1/workflows/", json={"name": "race", "specification": classification_workflow()}
    ).json()
    url = f"{server.url}/api/v1/workflows/{workflow['id']}/"

    def save(index: int) -> requests.Response:
        body = {"base_revision": 1, "specification": classification_workflow(), "message": f"save {index}"}
        return requests.put(url, json=body, headers=dict(admin.headers), timeout=120)

    started = time.monotonic()
    responses = _race(50, save)
    wall_ms = (time.monotonic() - started) * 1000
    _no_server_errors(server, responses)
    assert Counter(r.status_code for r in responses) == {200: 1, 409: 49}
    # The saves overlapped in the server: served one at a time, their times could not add up to more
    # than the whole race took (the access log times each request from its start to its answer; with
    # one worker of one thread this fails).
    served = _served_ms(server, "PUT", url.removeprefix(server.url), 50)
    assert len(served) == 50
    assert sum(served) > wall_ms, (sum(served), wall_ms)
    conflicts = [r.json() for r in responses if r.status_code == 409]
    assert {(c["code"], c["current_revision"]) for c in conflicts} == {("stale_revision", 2)}
    revisions = admin.get(f"{url}revisions/").json()
    assert [r["number"] for r in revisions["results"]] == [2, 1]


def test_racing_registrations_of_one_block_version(server):
    admin = server.admin_session()
    headers = dict(admin.headers)

    def register_same(index: int) -> requests.Response:
        return requests.post(f"{server.url}/api/v1/blocks/", json=_uploaded_description(), headers=headers, timeout=120)

    same = _race(20, register_same)

    def register_different(index: int) -> requests.Response:
        description: dict[str, Any] = _uploaded_description("acme/other@v1")
        description["block_schema"]["properties"]["threshold"]["default"] = index
        return requests.post(f"{server.url}/api/v1/blocks/", json=description, headers=headers, timeout=120)

    different = _race(20, register_different)
    _no_server_errors(server, same + different)
    # Identical content is idempotent: one creation, the rest find it; different content is a conflict.
    assert Counter(r.status_code for r in same) == {201: 1, 200: 19}
    assert Counter(r.status_code for r in different) == {201: 1, 409: 19}
    assert {r.json()["code"] for r in different if r.status_code == 409} == {"content_conflict"}


def test_racing_catalog_changes_each_get_a_snapshot(server):
    admin = server.admin_session()
    headers = dict(admin.headers)
    for identifier in ("acme/a@v1", "acme/b@v1"):
        created = admin.post(f"{server.url}/api/v1/blocks/", json=_uploaded_description(identifier))
        assert created.status_code == 201

    def change(index: int) -> requests.Response:
        identifier = ("acme/a@v1", "acme/b@v1")[index % 2]
        action = ("publish", "deprecate")[index // 2 % 2]
        return requests.post(
            f"{server.url}/api/v1/blocks/{identifier}/state/", json={"action": action}, headers=headers, timeout=120
        )

    responses = _race(20, change)
    _no_server_errors(server, responses)
    assert Counter(r.status_code for r in responses) == {200: 20}
    describe = requests.get(f"{server.url}/workflows/blocks/describe", timeout=60)
    assert describe.status_code == 200
