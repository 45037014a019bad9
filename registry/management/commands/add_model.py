"""Register a local ONNX classification model: `add_model MODEL_ID FILE --classes a,b --input-size WxH`."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from blocks.errors import DomainError
from registry.services.models import local_model_register


class Command(BaseCommand):
    help = "Register a local ONNX classification model under a Roboflow-style id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("model_id", help="e.g. my-project/1")
        parser.add_argument("file", help="the .onnx file")
        parser.add_argument("--classes", required=True, help="class names in output order, comma-separated")
        parser.add_argument("--input-size", required=True, help="WIDTHxHEIGHT the model takes, e.g. 224x224")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            width, height = (int(v) for v in options["input_size"].lower().split("x"))
        except ValueError as exc:
            raise CommandError("--input-size is WIDTHxHEIGHT, e.g. 224x224") from exc
        classes = [name.strip() for name in options["classes"].split(",") if name.strip()]
        try:
            row = local_model_register(
                model_id=options["model_id"],
                content=path.read_bytes(),
                class_names=classes,
                input_width=width,
                input_height=height,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"registered {row.model_id} ({len(classes)} classes, {width}x{height})")
