"""Create the `admin` superuser on first start; later starts leave it alone.

The password is BLOCKWISE_ADMIN_PASSWORD when set, else a random one printed once, here only.
"""

import os
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the admin account if it does not exist yet."

    def handle(self, *args: Any, **options: Any) -> None:
        user_model = get_user_model()
        if user_model.objects.filter(username="admin").exists():
            return
        password = os.environ.get("BLOCKWISE_ADMIN_PASSWORD") or secrets.token_urlsafe(12)
        user_model.objects.create_superuser("admin", email="", password=password)
        if os.environ.get("BLOCKWISE_ADMIN_PASSWORD"):
            self.stdout.write("Created the admin account 'admin' with BLOCKWISE_ADMIN_PASSWORD.")
        else:
            self.stdout.write(f"Created the admin account 'admin' with password: {password}")
            self.stdout.write("This password is shown once; change it in the admin.")
