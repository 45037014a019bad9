"""Helpers of the dataset and evaluation tests (the batch job fixtures apply here too)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from registry.models import Dataset, DatasetEntry, DatasetImage
from tests.registry.jobs.conftest import png, zip_of


def stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT) / "datasets"
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


def nothing_written() -> dict[str, Any]:
    return {
        "datasets": Dataset.objects.count(),
        "entries": DatasetEntry.objects.count(),
        "images": DatasetImage.objects.count(),
        "files": stored_files(),
    }


NOTHING = {"datasets": 0, "entries": 0, "images": 0, "files": []}


def class_zip(layout: dict[str, list[tuple[str, int]]], extra: dict[str, bytes] | None = None) -> Any:
    """A zip with one folder per label: {"red": [("red", seed), ...]} draws each image in its colour."""
    files = {
        f"{label}/{index:03d}.png": png(colour, seed)
        for label, images in layout.items()
        for index, (colour, seed) in enumerate(images)
    }
    return zip_of({**files, **(extra or {})})
