"""`/healthz`: the database's state, and the broker's when one is configured."""

import socket

import pytest
from django.db import DatabaseError
from django.test import Client

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_healthy_without_a_broker(settings):
    settings.BLOCKWISE_HEALTH_BROKER_URL = ""
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_database_down_is_503(settings, monkeypatch):
    settings.BLOCKWISE_HEALTH_BROKER_URL = ""

    def refuse(self, *args, **kwargs):
        raise DatabaseError("connection refused")

    # The database itself is stubbed (not our code): the cursor cannot run a query.
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", refuse)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "checks": {"database": "down"}}


def test_redis_broker_up(settings):
    # The Redis server on this machine answers PING on any database number.
    settings.BLOCKWISE_HEALTH_BROKER_URL = "redis://127.0.0.1:6379/1"
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_broker_down_is_503_and_the_url_is_not_echoed(settings):
    settings.BLOCKWISE_HEALTH_BROKER_URL = f"redis://:hunter2-secret@127.0.0.1:{_closed_port()}/1"
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "checks": {"database": "ok", "broker": "down"}}
    assert b"hunter2" not in response.content


def test_post_is_refused_without_side_effects():
    assert Client().post("/healthz").status_code == 405
