"""Import block manifests from a Roboflow describe payload: a .json / .json.gz file or a URL.

The URL is the `/workflows/blocks/describe` route of a running Roboflow Inference server.
"""

import gzip
import json
from pathlib import Path
from typing import Any

import requests
from django.core.management.base import BaseCommand, CommandError, CommandParser

from blocks.errors import DomainError
from registry.services.catalog_sync import blocks_import

FETCH_TIMEOUT_S = 30.0


def load_payload(source: str) -> Any:
    """A describe payload from a .json / .json.gz file or a URL; CommandError when it cannot be read."""
    if source.startswith(("http://", "https://")):
        try:
            response = requests.get(source, timeout=FETCH_TIMEOUT_S)
            response.raise_for_status()
            return response.json()
        except (requests.RequestException, ValueError) as exc:
            raise CommandError(f"Could not fetch a describe payload from {source}: {exc}") from exc
    path = Path(source)
    if not path.is_file():
        raise CommandError(f"No such file: {source}")
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                return json.load(handle)
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"{source} is not a JSON describe payload: {exc}") from exc


class Command(BaseCommand):
    help = "Import block versions and kinds from a Roboflow describe payload (file or URL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="a .json or .json.gz file, or a /workflows/blocks/describe URL")
        parser.add_argument("--dry-run", action="store_true", help="report what would change, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        payload = load_payload(options["source"])
        if not isinstance(payload, dict):
            raise CommandError("A describe payload is a JSON object.")
        try:
            report = blocks_import(payload, dry_run=options["dry_run"])
        except DomainError as exc:
            lines = [exc.message, *(f"  {d['path']}: {d['message']}" for d in exc.details[:20])]
            raise CommandError("\n".join(lines)) from exc
        prefix = "would import" if options["dry_run"] else "imported"
        self.stdout.write(
            f"{prefix} {len(report.created)} block versions and {len(report.kinds_created)} kinds; "
            f"{len(report.unchanged)} unchanged; {len(report.kept_builtin)} built-in versions kept"
        )
