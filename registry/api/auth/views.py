"""Sign-in endpoints. Wrong credentials get one message whichever part was wrong."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from blocks.errors import ErrorCode
from registry.api.errors import ApiError
from registry.api.limits import require_object
from registry.api.responses import shaped
from registry.api.throttles import SignInThrottle, sign_in_allowed, sign_in_failed, sign_in_succeeded
from registry.selectors import shapes


class CredentialsSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, max_length=1024)


def _authenticate(request: Request) -> Any:
    serializer = CredentialsSerializer(data=require_object(request.data))
    serializer.is_valid(raise_exception=True)
    username = serializer.validated_data["username"]
    sign_in_allowed(username)
    user = authenticate(request._request, **serializer.validated_data)
    if user is None or not user.is_active:
        sign_in_failed(username)
        raise ApiError("Wrong username or password.", code=ErrorCode.AUTHENTICATION_FAILED)
    sign_in_succeeded(username)
    return user


class _CsrfChecked(SessionAuthentication):
    """Login is a write that starts a session: a page on another site must not be able to sign the
    browser in to an account of the attacker's (login CSRF), so it needs the CSRF token too."""

    def check(self, request: Request) -> None:
        try:
            self.enforce_csrf(request)
        except drf_exceptions.PermissionDenied as exc:
            raise ApiError(str(exc.detail), code=ErrorCode.CSRF_FAILED) from exc


class TokenApi(APIView):
    authentication_classes: list[type] = []
    throttle_classes = [SignInThrottle]

    @extend_schema(request=CredentialsSerializer, responses=shapes.Token)
    def post(self, request: Request) -> Response:
        token, _ = Token.objects.get_or_create(user=_authenticate(request))
        return shaped(shapes.Token(token=token.key))


def _me(user: Any) -> shapes.Me:
    if not user.is_authenticated:
        return shapes.Me(authenticated=False, username=None, is_staff=False)
    return shapes.Me(authenticated=True, username=user.get_username(), is_staff=bool(user.is_staff))


class LoginApi(APIView):
    authentication_classes: list[type] = []
    throttle_classes = [SignInThrottle]

    @extend_schema(request=CredentialsSerializer, responses=shapes.Me)
    def post(self, request: Request) -> Response:
        _CsrfChecked().check(request)
        user = _authenticate(request)
        login(request._request, user)
        request.user = user
        return shaped(_me(user))


class LogoutApi(APIView):
    @extend_schema(request=None, responses=shapes.Me)
    def post(self, request: Request) -> Response:
        logout(request._request)
        return shaped(_me(request._request.user))


@method_decorator(ensure_csrf_cookie, name="dispatch")
class MeApi(APIView):
    @extend_schema(responses=shapes.Me)
    def get(self, request: Request) -> Response:
        return shaped(_me(request.user))
