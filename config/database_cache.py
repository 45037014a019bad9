"""Django's database cache with a `set` of one statement, the cache of installs without Redis.

DRF's throttles write the cache on every counted request (the anonymous `/workflows/validate` and
`/workflows/run` included). Django's `set` counts the whole table, then, in a transaction, reads the
key and updates or inserts it: three queries and a transaction, a quarter of a repeated 1-step
validation's time in Django (cProfile). Here a set is one upsert (`INSERT ... ON CONFLICT DO UPDATE`,
SQLite and PostgreSQL alike), and the table is counted (and culled as Django culls it) once every
`CULL_EVERY` sets of this process instead of on every one: the table may pass `MAX_ENTRIES` by that
many rows of a process between two counts.
"""

from __future__ import annotations

import base64
import pickle
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

CULL_EVERY = 16
UPSERT_VENDORS = frozenset({"sqlite", "postgresql"})


class DatabaseCache(DjangoDatabaseCache):
    _sets = 0

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        """One query that leaves expired rows out (Django's also deletes them there and then; here
        the next overwrite or cull does)."""
        db = router.db_for_read(self.cache_model_class)
        connection = connections[db]
        if connection.vendor not in UPSERT_VENDORS:
            return super().get(key, default, version)
        key = self.make_and_validate_key(key, version=version)
        quote = connection.ops.quote_name
        now = connection.ops.adapt_datetimefield_value(tz_now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')} FROM {quote(self._table)} "  # type: ignore[attr-defined]
                f"WHERE {quote('cache_key')} = %s AND {quote('expires')} >= %s",
                [key, now],
            )
            row = cursor.fetchone()
        if row is None:
            return default
        return pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode()))

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor not in UPSERT_VENDORS:
            super().set(key, value, timeout, version)
            return
        key = self.make_and_validate_key(key, version=version)
        backend_timeout = self.get_backend_timeout(timeout)
        if backend_timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(backend_timeout, tz=UTC if settings.USE_TZ else None)
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        quote = connection.ops.quote_name
        table = quote(self._table)  # type: ignore[attr-defined]  # Django's, not in its stubs
        self._sets += 1
        # Inside a caller's transaction, a savepoint keeps a failed write from breaking it (as Django's).
        contained: AbstractContextManager[Any] = nullcontext()
        if connection.in_atomic_block:
            contained = transaction.atomic(using=db)
        try:
            with contained, connection.cursor() as cursor:
                if (self._sets - 1) % CULL_EVERY == 0:
                    cursor.execute(f"SELECT COUNT(*) FROM {table}")
                    count = cursor.fetchone()[0]
                    if count > self._max_entries:
                        self._cull(db, cursor, tz_now().replace(microsecond=0), count)  # type: ignore[attr-defined]
                cursor.execute(
                    f"INSERT INTO {table} ({quote('cache_key')}, {quote('value')}, {quote('expires')}) "
                    f"VALUES (%s, %s, %s) ON CONFLICT ({quote('cache_key')}) "
                    f"DO UPDATE SET {quote('value')} = excluded.{quote('value')}, "
                    f"{quote('expires')} = excluded.{quote('expires')}",
                    [key, encoded, connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))],
                )
        except DatabaseError:
            # As Django's: a cache write that fails (a concurrent cull, a locked table) is dropped.
            return
