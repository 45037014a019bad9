"""Who calls a Roboflow run route, and with which Roboflow key.

These routes take JSON from programs and are exempt from CSRF, so they never act on the browser's
session: a page on another site could otherwise post to them with the signed-in user's cookie and
run that user's private workflows. A caller is signed in only by a Blockwise token, given as
`Authorization: Token <key>`, or as Roboflow's own `api_key` (`Authorization: Bearer` or the body),
which lets Roboflow's client run private workflows unchanged. An `api_key` that is not a Blockwise
token is a Roboflow key for the model calls of an anonymous run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.http import HttpRequest
from rest_framework.authtoken.models import Token

from blocks.errors import DomainError, ErrorCode


@dataclass(frozen=True)
class RoboflowCaller:
    user: User | None
    api_key: str | None = field(default=None, repr=False)

    @property
    def signed_in(self) -> bool:
        return self.user is not None


# DRF makes every token as 40 lowercase hex digits (Token.generate_key); Roboflow's keys are not, so
# a run with a Roboflow key is not a database query.
_TOKEN_SHAPE = re.compile(r"[0-9a-f]{40}")


def _token_user(key: str) -> User | None:
    if not _TOKEN_SHAPE.fullmatch(key):
        return None
    token = Token.objects.select_related("user").filter(key=key).first()
    return token.user if token is not None and token.user.is_active else None


def roboflow_caller(request: HttpRequest, body: dict[str, Any]) -> RoboflowCaller:
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    body_key = body.get("api_key") if isinstance(body.get("api_key"), str) else None
    if scheme.lower() == "token":
        user = _token_user(credential.strip())
        if user is None:
            raise DomainError("Invalid token.", code=ErrorCode.AUTHENTICATION_FAILED)
        return RoboflowCaller(user, body_key or None)
    key = credential.strip() if scheme.lower() == "bearer" else body_key
    user = _token_user(key or "")
    if user is not None:
        return RoboflowCaller(user)
    return RoboflowCaller(None, key or None)


def roboflow_user(request: HttpRequest, body: dict[str, Any]) -> User | None:
    """The signed-in caller, if any; a wrong token counts as anonymous here (for rate limits and the
    saved workflows a validation may read), where a run refuses it."""
    try:
        return roboflow_caller(request, body).user
    except DomainError:
        return None


def roboflow_signed_in(request: HttpRequest, body: dict[str, Any]) -> bool:
    return roboflow_user(request, body) is not None
