"""Rate limits on sign-in and on what anonymous callers may do, and the lockout after wrong passwords.

Rates come from `BLOCKWISE_THROTTLE_RATES` (read on every request, so tests and deployments can set
them); counts live in Django's cache, which must be shared (Redis, Memcached, the database cache)
when several processes serve. Callers are told by IP address (`NUM_PROXIES` in DRF's settings says
how many proxies to trust in `X-Forwarded-For`).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from blocks.errors import DomainError, ErrorCode


class _SettingsRateThrottle(SimpleRateThrottle):
    """DRF binds its rates at import; these read the setting whenever a throttle is made (per request)."""

    def get_rate(self) -> str | None:
        rate: str | None = settings.BLOCKWISE_THROTTLE_RATES.get(self.scope or "")
        return rate


class SignInThrottle(_SettingsRateThrottle):
    """Sign-in attempts (token and session) per address, whoever is calling."""

    scope = "sign_in"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _AnonymousThrottle(_SettingsRateThrottle):
    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.user is not None and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AnonymousValidateThrottle(_AnonymousThrottle):
    scope = "anonymous_validate"


class AnonymousRunThrottle(_AnonymousThrottle):
    scope = "anonymous_run"


def roboflow_throttled(request: HttpRequest, throttle: _AnonymousThrottle, *, signed_in: bool) -> JsonResponse | None:
    """For Roboflow's plain Django views: a 429 in Roboflow's `{"message"}` shape when over the rate.
    An anonymous request counts by address: the session is not who calls these routes (see
    registry.roboflow.callers), so DRF's throttle is given the request without its user."""
    if signed_in:
        return None
    anonymous = SimpleNamespace(META=request.META, headers=request.headers, user=None)
    if throttle.allow_request(anonymous, None):  # type: ignore[arg-type]  # DRF reads META and headers only
        return None
    wait = throttle.wait()
    response = JsonResponse({"message": "Too many requests; try again later."}, status=429)
    if wait is not None:
        response["Retry-After"] = str(max(int(wait), 1))
    return response


class LockedOutError(DomainError):
    code = ErrorCode.LOCKED_OUT


def _failures_key(username: str) -> str:
    return f"sign-in-failures:{username.lower()[:150]}"


def sign_in_allowed(username: str) -> None:
    """After `BLOCKWISE_LOGIN_LOCKOUT_FAILURES` wrong passwords an account is locked for a while,
    even for the right password: guessing stays slow whichever addresses the guesses come from."""
    if cache.get(_failures_key(username), 0) >= settings.BLOCKWISE_LOGIN_LOCKOUT_FAILURES:
        raise LockedOutError(
            "Too many wrong passwords for this account; try again later.",
            extra={"retry_after_s": settings.BLOCKWISE_LOGIN_LOCKOUT_S},
        )


def sign_in_failed(username: str) -> None:
    key = _failures_key(username)
    if not cache.add(key, 1, timeout=settings.BLOCKWISE_LOGIN_LOCKOUT_S):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=settings.BLOCKWISE_LOGIN_LOCKOUT_S)


def sign_in_succeeded(username: str) -> None:
    cache.delete(_failures_key(username))
