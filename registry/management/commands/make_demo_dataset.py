"""Write a labelled image set for the demo model: one folder per colour, shapes on light, dark and
noisy backgrounds, drawn as `scripts.train_demo_model` draws its training images (other seeds).

`make_demo_dataset OUT.zip [--per-class N] [--seed S] [--register OWNER]`: writes the zip; with
`--register` it is also stored as a dataset of that user, ready for `evaluate`.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from blocks.errors import DomainError
from registry.services.datasets import dataset_create
from scripts.train_demo_model import CLASSES, draw_sample

BACKGROUNDS = ("light", "dark", "noisy")
DEFAULT_PER_CLASS = 100
DEFAULT_SEED = 2026  # apart from the training (7) and held-out (8, 100+) seeds
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def demo_dataset_zip(*, per_class: int = DEFAULT_PER_CLASS, seed: int = DEFAULT_SEED) -> bytes:
    """The zip's bytes: `{colour}/{colour}-{n:04d}-{background}.png`, backgrounds taken in turn."""
    rng = np.random.default_rng(seed)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for label in CLASSES:
            for index in range(per_class):
                kind = BACKGROUNDS[index % len(BACKGROUNDS)]
                image = io.BytesIO()
                draw_sample(label, rng, kind=kind).save(image, format="PNG")
                # A fixed time: a member named alone is stamped with the clock, and two zips written
                # either side of a (two-second) tick differed.
                member = zipfile.ZipInfo(f"{label}/{label}-{index:04d}-{kind}.png", date_time=ZIP_TIME)
                archive.writestr(member, image.getvalue())
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Write a labelled image set (a zip, one folder per class) for the demo model."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="the zip to write")
        parser.add_argument("--per-class", type=int, default=DEFAULT_PER_CLASS, help="images per colour")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument("--register", metavar="OWNER", help="also store it as a dataset of this user")
        parser.add_argument("--name", default="demo-shapes", help="the dataset's name with --register")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["per_class"] < 1:
            raise CommandError("--per-class must be at least 1.")
        data = demo_dataset_zip(per_class=options["per_class"], seed=options["seed"])
        output = Path(options["output"])
        output.write_bytes(data)
        total = options["per_class"] * len(CLASSES)
        self.stdout.write(f"wrote {total} images of {len(CLASSES)} classes to {output}")
        if options["register"]:
            owner = get_user_model().objects.filter(username=options["register"]).first()
            if owner is None:
                raise CommandError(f"No user {options['register']!r}.")
            try:
                dataset = dataset_create(owner=owner, name=options["name"], images=io.BytesIO(data))
            except DomainError as exc:
                raise CommandError(f"{exc.code}: {exc.message}") from exc
            self.stdout.write(f"dataset {dataset.pk}: {dataset.name} {dict(sorted(dataset.classes.items()))}")
