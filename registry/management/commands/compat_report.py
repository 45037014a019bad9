"""Print the semantic diff of every consecutive pair of versions in a Roboflow describe payload."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from blocks.compatibility.report import consecutive_pairs
from registry.management.commands.import_blocks import load_payload


class Command(BaseCommand):
    help = "Diff every consecutive pair of versions of each block family in a describe payload (file or URL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("catalog", help="a .json or .json.gz describe payload, or a /workflows/blocks/describe URL")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        payload = load_payload(options["catalog"])
        blocks = payload.get("blocks") if isinstance(payload, dict) else None
        if not isinstance(blocks, list):
            raise CommandError("A describe payload is a JSON object with a `blocks` list.")
        try:
            reports = consecutive_pairs(blocks)
        except (KeyError, TypeError, ValueError) as exc:
            raise CommandError(f"The payload has a malformed block description: {exc!r}") from exc
        if options["json"]:
            self.stdout.write(json.dumps([report.as_dict() for report in reports], indent=2))
            return
        for report in reports:
            breaks = sorted({direction for change in report.changes for direction in change.breaks})
            summary = f"breaks {' and '.join(breaks)}" if breaks else "compatible both ways"
            self.stdout.write(f"{report.old} -> {report.new}: {len(report.changes)} changes, {summary}")
            for change in report.changes:
                directions = ",".join(change.breaks) or "-"
                self.stdout.write(f"  {change.code.value} {change.pointer} [{directions}] {change.message}")
        families = len({report.family for report in reports})
        changes = sum(len(report.changes) for report in reports)
        self.stdout.write(f"{families} families with two or more versions, {len(reports)} pairs, {changes} changes")
