"""registry/roboflow/callers.py: the one rule for who is signed in on the Roboflow routes."""

import pytest
from django.test import RequestFactory
from rest_framework.authtoken.models import Token

from registry.roboflow.callers import roboflow_caller, roboflow_signed_in
from tests.registry.conftest import make_user

pytestmark = pytest.mark.django_db


def test_a_token_signs_in_and_a_roboflow_key_or_a_wrong_token_does_not():
    token = Token.objects.create(user=make_user("ann"))
    factory = RequestFactory()
    by_token = factory.post("/workflows/validate", HTTP_AUTHORIZATION=f"Token {token.key}")
    wrong_token = factory.post("/workflows/validate", HTTP_AUTHORIZATION="Token " + "0" * 40)
    plain = factory.post("/workflows/validate")
    assert roboflow_signed_in(by_token, {}) is True
    assert roboflow_signed_in(plain, {"api_key": token.key}) is True
    assert roboflow_signed_in(plain, {"api_key": "roboflow-key"}) is False
    assert roboflow_signed_in(wrong_token, {}) is False
    caller = roboflow_caller(plain, {"api_key": "roboflow-key"})
    assert (caller.signed_in, caller.api_key) == (False, "roboflow-key")
