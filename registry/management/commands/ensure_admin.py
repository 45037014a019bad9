"""Create the `admin` superuser on first start, and keep its password in step with the environment.

BLOCKWISE_ADMIN_PASSWORD, when set, is the admin's password on every start (checked against
Django's password validators first). Otherwise the first start sets a random password and prints it,
here only; later starts leave the account alone. `make run` calls this last, so what it prints is the
last thing before the server starts.
"""

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from registry.management.commands.seed_demo import demo_workflows_adopt

USERNAME = "admin"
HOW_TO_CHANGE = (
    "Change it at /admin/password_change/, with `manage.py changepassword admin`, "
    "or by setting BLOCKWISE_ADMIN_PASSWORD."
)


class Command(BaseCommand):
    help = "Create the admin account if it does not exist yet; apply BLOCKWISE_ADMIN_PASSWORD when set."

    def handle(self, *args: Any, **options: Any) -> None:
        self._ensure(*args, **options)
        admin = get_user_model().objects.filter(username=USERNAME).first()
        if admin is not None:
            demo_workflows_adopt(owner=admin)

    def _ensure(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        configured = os.environ.get("BLOCKWISE_ADMIN_PASSWORD")
        user = user_model.objects.filter(username=USERNAME).first()
        if configured:
            probe = user or user_model(username=USERNAME)
            try:
                validate_password(configured, user=probe)
            except ValidationError as exc:
                raise CommandError("BLOCKWISE_ADMIN_PASSWORD is refused: " + " ".join(exc.messages)) from exc
            if user is None:
                user_model.objects.create_superuser(USERNAME, email="", password=configured)
            elif not user.check_password(configured):
                user.set_password(configured)
                user.save(update_fields=["password"])
            self.stdout.write(f"Admin user name: {USERNAME}")
            self.stdout.write("Admin password: the value of BLOCKWISE_ADMIN_PASSWORD.")
            return
        if user is not None:
            return
        password = secrets.token_urlsafe(12)
        user_model.objects.create_superuser(USERNAME, email="", password=password)
        self.stdout.write(f"Admin user name: {USERNAME}")
        self.stdout.write(f"Admin password: {password}")
        self.stdout.write(f"This password is shown once. {HOW_TO_CHANGE}")
