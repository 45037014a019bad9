"""Job uploads: members streamed in bounded memory, a storage quota, encrypted members refused with
nothing left behind, entries that are not images skipped, and only regular files of a folder read."""

from __future__ import annotations

import io
import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.conf import settings

from registry.models import Job, JobItem
from tests.registry.jobs.conftest import png, zip_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_media")]

MiB = 1024 * 1024


def stored_files() -> list[str]:
    media = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


# Four times the memory bound: a member read whole would pass it whatever else the upload costs (the
# probe's case was 1 GiB; the size only has to dwarf the bound, and tracing each allocation is slow).
MEMBER_MiB = 256


def test_a_zip_with_a_huge_member_is_unpacked_in_bounded_memory(alice_api, url):
    buffer = io.BytesIO()
    zeros = bytes(MiB)
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("zeros.png", "w", force_zip64=True) as member,
    ):
        for _ in range(MEMBER_MiB):
            member.write(zeros)
    assert len(buffer.getvalue()) < MEMBER_MiB * MiB / 500
    buffer.seek(0)
    buffer.name = "images.zip"
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        response = alice_api.post(url, {"images": buffer}, format="multipart")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert response.status_code == 202, response.json()
    assert peak < 64 * MiB
    item = JobItem.objects.get()
    assert (item.name, item.size) == ("zeros.png", MEMBER_MiB * MiB)
    assert (Path(settings.MEDIA_ROOT) / item.location).stat().st_size == MEMBER_MiB * MiB
    (Path(settings.MEDIA_ROOT) / item.location).unlink()


def test_job_images_past_the_users_storage_quota_answer_413(alice_api, url, job_settings):
    images = {"a.png": png("red"), "b.png": png("blue")}
    job_settings.BLOCKWISE_JOB_INPUT_QUOTA_BYTES = sum(len(data) for data in images.values()) + 10
    first = alice_api.post(url, {"images": zip_of(images)}, format="multipart")
    assert first.status_code == 202
    kept = stored_files()

    second = alice_api.post(url, {"images": zip_of({"c.png": png("green")})}, format="multipart")

    assert second.status_code == 413
    assert second.json()["code"] == "storage_quota_exceeded"
    assert (Job.objects.count(), JobItem.objects.count(), stored_files()) == (1, 2, kept)


def _encrypted_flag_on_last_member(archive: io.BytesIO) -> io.BytesIO:
    data = bytearray(archive.getvalue())
    local, central = data.rfind(b"PK\x03\x04"), data.rfind(b"PK\x01\x02")
    data[local + 6] |= 0x1
    data[central + 8] |= 0x1
    upload = io.BytesIO(bytes(data))
    upload.name = "images.zip"
    return upload


def test_a_zip_member_flagged_encrypted_is_refused_and_nothing_is_left(alice_api, url):
    upload = _encrypted_flag_on_last_member(zip_of({"a.png": png("red"), "b.png": png("blue")}))
    with zipfile.ZipFile(upload) as archive:
        assert [member.flag_bits & 0x1 for member in archive.infolist()] == [0, 1]
    upload.seek(0)

    response = alice_api.post(url, {"images": upload}, format="multipart")

    assert (response.status_code, response.json()["code"]) == (400, "invalid_zip")
    assert (Job.objects.count(), stored_files()) == (0, [])


def test_entries_that_are_not_images_are_skipped_and_listed(alice_api, url):
    archive = zip_of(
        {
            "shots/a.png": png("red"),
            "__MACOSX/shots/._a.png": b"\x00\x05\x16\x07resource fork",
            ".DS_Store": b"\x00\x00\x00\x01Bud1",
            "shots/.hidden.png": png("blue"),
            "notes.txt": b"not an image",
            "shots/b.JPG": png("green"),
        }
    )

    response = alice_api.post(url, {"images": archive}, format="multipart")

    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["total"], body["skipped_count"]) == (2, 4)
    assert body["skipped"] == ["__MACOSX/shots/._a.png", ".DS_Store", "shots/.hidden.png", "notes.txt"]
    assert list(JobItem.objects.values_list("name", flat=True)) == ["shots/a.png", "shots/b.JPG"]
    assert len(stored_files()) == 2


def test_a_zip_of_nothing_but_entries_that_are_not_images_has_no_images(alice_api, url):
    archive = zip_of({"__MACOSX/._a.png": b"fork", "readme.txt": b"hello"})
    response = alice_api.post(url, {"images": archive}, format="multipart")
    assert (response.status_code, response.json()["code"]) == (400, "no_images")
    assert (Job.objects.count(), stored_files()) == (0, [])


def test_a_named_pipe_in_a_folder_is_not_an_item(alice_api, url, job_dirs, demo_workflow):
    folder = job_dirs["roots"] / f"piped-{demo_workflow.pk}"
    folder.mkdir()
    (folder / "a.png").write_bytes(png("red"))
    os.mkfifo(folder / "pipe.png")

    response = alice_api.post(url, {"folder": str(folder)}, format="json")

    assert response.status_code == 202, response.json()
    assert list(JobItem.objects.values_list("name", flat=True)) == ["a.png"]
