"""Which request, run or job a log line belongs to: fields every line written in the context carries.

The request middleware sets `request_id`, a finished run `run_id`, a job's task `job_id`;
`ContextFilter` (on the console handler, config/settings.py: LOGGING) copies them onto each record,
and the JSON formatter writes them beside the message. Threads a run fans out to carry the context
when started through `contextvars.copy_context()`.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any

REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

_fields: ContextVar[dict[str, Any] | None] = ContextVar("blockwise_log_fields", default=None)


def request_id_for(given: str | None) -> str:
    """A request's id: the caller's `X-Request-ID` when it is a plain token, else a new one."""
    return given if given is not None and REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def log_fields() -> dict[str, Any]:
    return dict(_fields.get() or {})


def log_context_enter(**fields: Any) -> Token[dict[str, Any] | None]:
    return _fields.set({**(_fields.get() or {}), **fields})


def log_context_exit(token: Token[dict[str, Any] | None]) -> None:
    _fields.reset(token)


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    token = log_context_enter(**fields)
    try:
        yield
    finally:
        log_context_exit(token)


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in (_fields.get() or {}).items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True
