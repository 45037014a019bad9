"""The sign-in lockout and the rate limits count in a cache every server process shares: by default a
table in the database (created by migrate), so two servers on one database see one count."""

from pathlib import Path

import pytest
import redis
import requests

from tests.support.server_process import ADMIN_PASSWORD, ServerProcess
from tests.support.workers import REDIS_URL


def _sign_in(server: ServerProcess, password: str) -> requests.Response:
    return requests.post(
        f"{server.url}/api/v1/auth/token/", json={"username": "admin", "password": password}, timeout=30
    )


@pytest.mark.server
@pytest.mark.parametrize("cache_url", ["", REDIS_URL], ids=["database", "redis"])
def test_two_server_processes_share_the_sign_in_lockout(tmp_path: Path, cache_url: str):
    if cache_url:
        redis.Redis.from_url(cache_url).flushdb()
    database = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    env = {"BLOCKWISE_LOGIN_LOCKOUT_FAILURES": "3", "CELERY_BROKER_URL": "", "CACHE_URL": cache_url}
    first = ServerProcess(database, tmp_path / "first.log", workers=1, env=env).start()
    try:
        second = ServerProcess(database, tmp_path / "second.log", workers=1, env=env).start()
        try:
            assert [_sign_in(first, "wrong").status_code for _ in range(3)] == [401, 401, 401]
            locked = _sign_in(second, ADMIN_PASSWORD)
            assert (locked.status_code, locked.json()["code"]) == (429, "locked_out")
        finally:
            second.stop()
    finally:
        first.stop()
