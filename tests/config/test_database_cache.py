"""The database cache (installs without Redis): Django's behaviour with a `set` of one statement."""

import pytest
from django.conf import settings
from django.db import connection

from config.database_cache import CULL_EVERY, DatabaseCache

pytestmark = pytest.mark.django_db


def _rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(settings.BLOCKWISE_CACHE_TABLE)}")
        return int(cursor.fetchone()[0])


def test_set_writes_overwrites_and_expires_as_djangos():
    cache = DatabaseCache(settings.BLOCKWISE_CACHE_TABLE, {"KEY_PREFIX": "test"})
    cache.set("history", [3.5, 2.0])
    assert cache.get("history") == [3.5, 2.0]
    cache.set("history", {"again": True}, timeout=None)
    assert cache.get("history") == {"again": True}
    cache.set("expired", "x", timeout=0)
    assert cache.get("expired", "absent") == "absent"
    cache.set("kept", "y", timeout=60)
    assert cache.get_many(["history", "kept", "expired"]) == {"history": {"again": True}, "kept": "y"}
    assert _rows() == 2  # the expired row went when it was read; the overwrite kept one row


def test_the_table_is_culled_every_few_sets():
    cache = DatabaseCache(settings.BLOCKWISE_CACHE_TABLE, {"OPTIONS": {"MAX_ENTRIES": 20, "CULL_FREQUENCY": 2}})
    for n in range(100):
        cache.set(f"key{n}", n)
    assert _rows() <= 20 + CULL_EVERY
    assert cache.get("key99") == 99
