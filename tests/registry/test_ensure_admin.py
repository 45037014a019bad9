"""The admin account: a random password shown once, or BLOCKWISE_ADMIN_PASSWORD on every start."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def _ensure_admin() -> list[str]:
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue().splitlines()


def test_random_password_printed_once_with_how_to_change_it():
    lines = _ensure_admin()
    password = lines[1].removeprefix("Admin password: ")
    assert lines == [
        "Admin user name: admin",
        f"Admin password: {password}",
        "This password is shown once. Change it at /admin/password_change/, with `manage.py changepassword "
        "admin`, or by setting BLOCKWISE_ADMIN_PASSWORD.",
    ]
    assert authenticate(username="admin", password=password) is not None
    assert _ensure_admin() == []
    assert get_user_model().objects.filter(username="admin", is_superuser=True).count() == 1


def test_configured_password_applies_on_every_start_and_is_not_printed(monkeypatch):
    monkeypatch.setenv("BLOCKWISE_ADMIN_PASSWORD", "first-Admin-pass-42")
    lines = _ensure_admin()
    assert lines == ["Admin user name: admin", "Admin password: the value of BLOCKWISE_ADMIN_PASSWORD."]
    assert authenticate(username="admin", password="first-Admin-pass-42") is not None
    monkeypatch.setenv("BLOCKWISE_ADMIN_PASSWORD", "second-Admin-pass-42")
    _ensure_admin()
    assert authenticate(username="admin", password="first-Admin-pass-42") is None
    assert authenticate(username="admin", password="second-Admin-pass-42") is not None


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("aB3$x", "This password is too short. It must contain at least 10 characters."),
        ("password123", "This password is too common."),
        ("3141592653589", "This password is entirely numeric."),
    ],
)
def test_weak_configured_password_is_refused_and_nothing_is_created(monkeypatch, password, reason):
    monkeypatch.setenv("BLOCKWISE_ADMIN_PASSWORD", password)
    with pytest.raises(CommandError) as raised:
        call_command("ensure_admin", stdout=StringIO())
    assert reason in str(raised.value)
    assert password not in str(raised.value)
    assert not get_user_model().objects.filter(username="admin").exists()


def test_weak_configured_password_leaves_an_existing_password(monkeypatch):
    monkeypatch.setenv("BLOCKWISE_ADMIN_PASSWORD", "good-Admin-pass-42")
    _ensure_admin()
    monkeypatch.setenv("BLOCKWISE_ADMIN_PASSWORD", "a")
    with pytest.raises(CommandError):
        call_command("ensure_admin", stdout=StringIO())
    assert authenticate(username="admin", password="good-Admin-pass-42") is not None


def test_the_admin_can_save_the_sample_workflow_make_run_seeds(monkeypatch):
    from rest_framework.test import APIClient

    from registry.management.commands.seed_demo import DEMO_WORKFLOW_NAME
    from registry.models import Workflow

    monkeypatch.setenv("BLOCKWISE_ADMIN_PASSWORD", "sample-Admin-pass-42")
    call_command("seed_demo", stdout=StringIO())  # `make run` seeds first, then ensures the admin
    _ensure_admin()
    workflow = Workflow.objects.get(name=DEMO_WORKFLOW_NAME)
    client = APIClient()
    signed_in = client.post(
        "/api/v1/auth/login/", {"username": "admin", "password": "sample-Admin-pass-42"}, format="json"
    )
    assert signed_in.status_code == 200
    detail = client.get(f"/api/v1/workflows/{workflow.pk}/").json()
    saved = client.put(
        f"/api/v1/workflows/{workflow.pk}/",
        {"base_revision": detail["revision"], "name": "Renamed sample", "specification": detail["specification"]},
        format="json",
    )
    assert (saved.status_code, saved.json()["revision"], saved.json()["owner"]) == (
        200,
        detail["revision"] + 1,
        "admin",
    )


def test_an_admin_that_exists_before_seeding_owns_the_sample_workflow():
    from registry.management.commands.seed_demo import DEMO_WORKFLOW_NAME
    from registry.models import Workflow

    _ensure_admin()
    call_command("seed_demo", stdout=StringIO())
    assert Workflow.objects.get(name=DEMO_WORKFLOW_NAME).owner.username == "admin"
