"""WSGI entry point for the production server and runserver.

Two Django handlers share one process: Roboflow's API routes go through `settings.API_MIDDLEWARE`
(no session, CSRF, authentication, messages or static files: those routes never use them), every
other path through the full `settings.MIDDLEWARE`. Which routes are Roboflow's is read from the URL
map itself, so a path is served exactly as Django would route it. In front of both, a repeated
validation is answered again from Django's first answer (registry.roboflow.validate_replay).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable
from typing import Any

import django
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.urls import Resolver404, resolve

ROBOFLOW_VIEWS_MODULE = "registry.roboflow."
MAX_REMEMBERED_PATH = 300


def _handler_with(middleware: list[str]) -> WSGIHandler:
    """A handler builds its chain from `settings.MIDDLEWARE` when it is made, and never reads it again."""
    full = settings.MIDDLEWARE
    settings.MIDDLEWARE = middleware
    try:
        return WSGIHandler()
    finally:
        settings.MIDDLEWARE = full


def _resolves_to_roboflow(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return str(getattr(match.func, "__module__", "")).startswith(ROBOFLOW_VIEWS_MODULE)


_remembered = functools.lru_cache(maxsize=4096)(_resolves_to_roboflow)


def is_roboflow_route(path: str) -> bool:
    # Only short paths are remembered: the server takes paths of hundreds of kilobytes, and four
    # thousand of those would be a lot of memory to keep for a lookup this cheap.
    return _remembered(path) if len(path) <= MAX_REMEMBERED_PATH else _resolves_to_roboflow(path)


class SplitApplication:
    def __init__(self) -> None:
        self.full = WSGIHandler()
        self.api = _handler_with(settings.API_MIDDLEWARE)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        handler = self.api if path.startswith("/") and is_roboflow_route(path) else self.full
        return handler(environ, start_response)


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)

from registry.roboflow.validate_replay import ValidationReplay  # noqa: E402  (needs Django set up)

application = ValidationReplay(SplitApplication())
