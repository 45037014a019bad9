"""The admin account is created once, with a random password shown once or the one configured."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_random_password_printed_once():
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    first_line = out.getvalue().splitlines()[0]
    password = first_line.rsplit(": ", 1)[1]
    assert authenticate(username="admin", password=password) is not None
    again = StringIO()
    call_command("ensure_admin", stdout=again)
    assert again.getvalue() == ""
    assert get_user_model().objects.filter(username="admin", is_superuser=True).count() == 1


def test_configured_password_is_not_printed(monkeypatch):
    monkeypatch.setenv("BLOCKWISE_ADMIN_PASSWORD", "s3cret-admin-pw")
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    assert "s3cret-admin-pw" not in out.getvalue()
    assert authenticate(username="admin", password="s3cret-admin-pw") is not None
