"""Publish the built-in block catalog into the registry; re-running it changes nothing."""

from typing import Any

from django.core.management.base import BaseCommand

from registry.services.catalog_sync import builtin_catalog_sync


class Command(BaseCommand):
    help = "Publish the built-in block versions and kinds."

    def handle(self, *args: Any, **options: Any) -> None:
        report = builtin_catalog_sync()
        for identifier in report.created:
            self.stdout.write(f"published {identifier}")
        for identifier in report.revised:
            self.stdout.write(f"revised {identifier}: its manifest changed in code; the old one is kept in its history")
        if report.kinds_created:
            self.stdout.write(f"added {len(report.kinds_created)} kinds")
        if not report.changed:
            self.stdout.write(f"built-in catalog up to date ({len(report.unchanged)} block versions)")
