"""Run a saved workflow over images on this machine's disk as a batch job, with a progress bar.

`run_batch WORKFLOW PATH...`: WORKFLOW is a saved workflow's id or exact name; each PATH is an
image, a folder (every file under it) or one zip. The files are copied into the shared storage,
so any worker can take the job; the command waits for it unless `--no-wait`.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from blocks.errors import DomainError
from registry.models import FINISHED_JOB_STATUSES, Job, Workflow
from registry.selectors.jobs import job_detail, job_results_jsonl, job_summary
from registry.services.jobs import job_create

BAR_WIDTH = 30


def _files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(child for child in path.rglob("*") if child.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"No such file or folder: {path}")
    return files


def progress_line(detail: dict[str, Any]) -> str:
    total = detail["total"] or 1
    finished = detail["done"] + detail["cancelled"]
    filled = round(BAR_WIDTH * finished / total)
    rate = f"{detail['rate']:.1f} img/s" if detail["rate"] else "- img/s"
    eta = f"ETA {detail['eta_seconds']:.0f}s" if detail["eta_seconds"] is not None else "ETA -"
    return (
        f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {finished}/{detail['total']} "
        f"failed {detail['failed']} {rate} {eta} {detail['status']}"
    )


class Command(BaseCommand):
    help = "Run a saved workflow over local images, a folder or a zip as a batch job."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workflow", help="a saved workflow's id or exact name")
        parser.add_argument("paths", nargs="+", help="images, folders or one zip")
        parser.add_argument("--parameters", default="{}", help="the workflow's parameters as a JSON object")
        parser.add_argument("--output", help="write results.jsonl here when the job ends")
        parser.add_argument("--no-wait", action="store_true", help="start the job and return")
        parser.add_argument("--poll", type=float, default=0.5, help="seconds between progress updates")

    def _workflow(self, key: str) -> Workflow:
        workflow = Workflow.objects.filter(pk=int(key)).first() if key.isdigit() else None
        workflow = workflow or Workflow.objects.filter(name=key).order_by("pk").first()
        if workflow is None:
            raise CommandError(f"No saved workflow {key!r}.")
        return workflow

    def handle(self, *args: Any, **options: Any) -> None:
        workflow = self._workflow(options["workflow"])
        try:
            parameters = json.loads(options["parameters"])
        except json.JSONDecodeError as exc:
            raise CommandError(f"--parameters is not JSON: {exc.msg}") from exc
        paths = [Path(path) for path in options["paths"]]
        try:
            if len(paths) == 1 and paths[0].suffix.lower() == ".zip" and paths[0].is_file():
                with paths[0].open("rb") as upload:
                    job = job_create(user=workflow.owner, workflow=workflow, parameters=parameters, zip_upload=upload)
            else:
                job = job_create(user=workflow.owner, workflow=workflow, parameters=parameters, files=_files(paths))
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(f"job {job.pk}: {job.total} images on {workflow.name!r} revision {job.revision.number}")
        if options["no_wait"]:
            return
        detail = self._follow(job, options["poll"])
        summary = job_summary(job)
        self.stdout.write(f"classes: {json.dumps(summary['classes'])}")
        self.stdout.write(f"errors: {json.dumps(summary['errors'])}")
        if options["output"]:
            with Path(options["output"]).open("w", encoding="utf-8") as handle:
                handle.writelines(job_results_jsonl(job))
            self.stdout.write(f"results: {options['output']}")
        if detail["status"] == "failed":
            raise CommandError(f"job {job.pk} failed")

    def _follow(self, job: Job, poll: float) -> dict[str, Any]:
        interactive = sys.stdout.isatty() and self.stdout._out is sys.stdout
        last: tuple[Any, ...] = ()
        while True:
            job.refresh_from_db()
            detail = job_detail(job)
            state = (detail["done"], detail["cancelled"], detail["status"])
            if interactive or state != last:
                # On a terminal the bar is redrawn in place; in a log, each step forward is its own line.
                line = progress_line(detail)
                self.stdout.write(f"\r{line}" if interactive else line, ending="" if interactive else "\n")
                last = state
            if job.status in FINISHED_JOB_STATUSES:
                if interactive:
                    self.stdout.write("")
                return detail
            time.sleep(poll)
