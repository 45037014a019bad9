"""The records a logger writes inside a block, with the log context's fields on them, as the
console handler's filter puts them (executor/log_context.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from executor.log_context import ContextFilter


@contextmanager
def log_records(name: str, *, level: int | None = None) -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep()
    handler.addFilter(ContextFilter())
    logger = logging.getLogger(name)
    previous = logger.level
    logger.addHandler(handler)
    if level is not None:
        logger.setLevel(level)
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)
