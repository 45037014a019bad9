"""manage.py make_demo_dataset: a labelled zip for the demo model, and optionally a stored dataset."""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from registry.management.commands.make_demo_dataset import ZIP_TIME
from registry.models import Dataset

pytestmark = pytest.mark.django_db


def test_it_writes_400_images_a_folder_per_colour_on_light_dark_and_noisy_backgrounds(tmp_path: Path):
    out = io.StringIO()
    call_command("make_demo_dataset", str(tmp_path / "demo.zip"), stdout=out)

    with zipfile.ZipFile(tmp_path / "demo.zip") as archive:
        names = archive.namelist()
        first = Image.open(io.BytesIO(archive.read(names[0])))
        assert (first.format, first.size) == ("PNG", (96, 96))
    assert len(names) == 400
    assert Counter(name.split("/")[0] for name in names) == {"red": 100, "green": 100, "blue": 100, "yellow": 100}
    assert Counter(name.rsplit("-", 1)[1] for name in names) == {"light.png": 136, "dark.png": 132, "noisy.png": 132}
    assert out.getvalue() == f"wrote 400 images of 4 classes to {tmp_path / 'demo.zip'}\n"


def test_the_same_seed_writes_the_same_zip(tmp_path: Path):
    call_command("make_demo_dataset", str(tmp_path / "a.zip"), "--per-class", "3", stdout=io.StringIO())
    call_command("make_demo_dataset", str(tmp_path / "b.zip"), "--per-class", "3", stdout=io.StringIO())
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    # Not by luck of the clock: no entry carries the time it was written.
    with zipfile.ZipFile(tmp_path / "a.zip") as archive:
        assert {entry.date_time for entry in archive.infolist()} == {ZIP_TIME}


def test_register_stores_it_as_a_dataset_of_the_user(tmp_path: Path, alice: Any, job_settings: Any):
    job_settings.MEDIA_ROOT = tmp_path / "media"
    out = io.StringIO()
    call_command("make_demo_dataset", str(tmp_path / "demo.zip"), "--per-class", "5", "--register", "alice", stdout=out)

    dataset = Dataset.objects.get()
    assert (dataset.owner, dataset.name, dataset.total, dataset.skipped) == (alice, "demo-shapes", 20, [])
    assert dataset.classes == {"blue": 5, "green": 5, "red": 5, "yellow": 5}
    classes = "{'blue': 5, 'green': 5, 'red': 5, 'yellow': 5}"
    assert out.getvalue().splitlines()[1] == f"dataset {dataset.pk}: demo-shapes {classes}"


def test_an_unknown_owner_is_an_error(tmp_path: Path, db: Any):
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("make_demo_dataset", str(tmp_path / "d.zip"), "--per-class", "2", "--register", "nobody")
    assert Dataset.objects.count() == 0
