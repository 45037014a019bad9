"""Rate limits on sign-in and on what anonymous callers may do, and the lockout after wrong passwords.

Rates come from `BLOCKWISE_THROTTLE_RATES` (read on every request, so tests and deployments can set
them); counts live in Django's cache, which must be shared (Redis, Memcached, the database cache)
when several processes serve. Callers are told by IP address (`NUM_PROXIES` in DRF's settings says
how many proxies to trust in `X-Forwarded-For`).

`anonymous_limit` is the one entry point of the limits on anonymous callers, for both surfaces: the
native API's views (through `AnonymousLimited`) and the Roboflow-compatible routes call it, and each
renders its `Throttled` in its own shape.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from blocks.errors import DomainError, ErrorCode


class _AddressRateThrottle(SimpleRateThrottle):
    """Counts per address under `scope`, at the rate the setting gives it (DRF binds its rates at
    import; these read the setting whenever a throttle is made, per request)."""

    def get_rate(self) -> str | None:
        rate: str | None = settings.BLOCKWISE_THROTTLE_RATES.get(self.scope or "")
        return rate

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SignInThrottle(_AddressRateThrottle):
    """Sign-in attempts (token and session) per address, whoever is calling."""

    scope = "sign_in"


ANONYMOUS_VALIDATE = "anonymous_validate"
ANONYMOUS_RUN = "anonymous_run"


class _ScopedThrottle(_AddressRateThrottle):
    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()


def anonymous_limit(request: HttpRequest | Request, scope: str, *, signed_in: bool) -> None:
    """Count an anonymous caller's request under `scope` (`ANONYMOUS_VALIDATE`, `ANONYMOUS_RUN`);
    `Throttled` (429, with the wait) past the rate. Signed-in callers are not counted."""
    if signed_in:
        return
    throttle = _ScopedThrottle(scope)
    if not throttle.allow_request(request, None):  # type: ignore[arg-type]  # DRF reads META only
        raise Throttled(throttle.wait())


# A native API view whose `anonymous_methods` count anonymous callers under `anonymous_scope` (a
# comment, not a docstring: the schema would take it as each view's description).
class AnonymousLimited(APIView):
    anonymous_scope: ClassVar[str]
    anonymous_methods: ClassVar[frozenset[str]] = frozenset({"POST"})

    def check_throttles(self, request: Request) -> None:
        super().check_throttles(request)
        if request.method in self.anonymous_methods:
            # Here the session signs in too (the Roboflow routes say who is signed in their own way).
            signed_in = bool(request.user and request.user.is_authenticated)
            anonymous_limit(request, self.anonymous_scope, signed_in=signed_in)


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
