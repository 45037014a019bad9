"""POST/GET /api/v1/datasets/: folder zips and CSV labels, what is skipped, what is refused (and then
nothing is written), images stored once, owners and staff, the admin pages."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rest_framework.test import APIClient

from blocks.errors import ErrorCode
from registry.models import Dataset, DatasetEntry, DatasetImage
from tests.registry.conftest import make_user
from tests.registry.jobs.conftest import png, zip_of
from tests.registry.jobs.evaluations.conftest import NOTHING, class_zip, nothing_written, stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_media(job_settings: Any, tmp_path: Any) -> None:
    """Each test starts with empty storage (the job tests' folder is shared by the session)."""
    job_settings.MEDIA_ROOT = tmp_path


def upload(api: APIClient, images: Any, **fields: Any) -> Any:
    return api.post("/api/v1/datasets/", {"images": images, **fields}, format="multipart")


def csv_file(text: str) -> io.BytesIO:
    buffer = io.BytesIO(text.encode())
    buffer.name = "labels.csv"
    return buffer


def test_a_zip_with_a_folder_per_class_becomes_a_dataset_and_skips_what_is_not_an_image(alice_api, alice):
    images = class_zip(
        {"red": [("red", 1), ("red", 2)], "blue": [("blue", 3)]},
        extra={
            "__MACOSX/red/._000.png": b"resource fork",
            "red/.DS_Store": b"finder",
            "notes.txt": b"hello",
            "top.png": png("green", 4),
        },
    )

    response = upload(alice_api, images, name="colours")

    assert response.status_code == 201
    body = response.json()
    assert {key: body[key] for key in ("name", "owner", "total", "classes", "skipped")} == {
        "name": "colours",
        "owner": "alice",
        "total": 3,
        "classes": {"blue": 1, "red": 2},
        "skipped": [
            {"file": "__MACOSX/red/._000.png", "reason": "hidden"},
            {"file": "red/.DS_Store", "reason": "hidden"},
            {"file": "notes.txt", "reason": "not_an_image"},
            {"file": "top.png", "reason": "no_label"},
        ],
    }
    dataset = Dataset.objects.get(pk=body["id"])
    assert list(dataset.entries.values_list("index", "name", "label")) == [
        (0, "red/000.png", "red"),
        (1, "red/001.png", "red"),
        (2, "blue/000.png", "blue"),
    ]
    assert dataset.owner == alice


def test_images_are_stored_once_by_content_hash(alice_api):
    same = png("red", 1)
    first = upload(alice_api, zip_of({"red/a.png": same, "red/b.png": same, "blue/c.png": png("blue", 2)}))
    assert first.status_code == 201
    assert DatasetImage.objects.count() == 2
    files = stored_files()
    assert len(files) == 2

    second = upload(alice_api, zip_of({"x/a.png": same, "y/c.png": png("blue", 2)}))

    assert second.status_code == 201
    assert DatasetImage.objects.count() == 2
    assert stored_files() == files
    assert DatasetEntry.objects.count() == 5


def test_a_label_file_labels_images_by_path_or_unambiguous_base_name(alice_api):
    images = zip_of({"shots/a.png": png("red", 1), "shots/b.png": png("blue", 2), "c.png": png("red", 3)})

    response = upload(alice_api, images, labels=csv_file("file,label\nshots/a.png,red\nb.png,blue\n"))

    assert response.status_code == 201
    assert (response.json()["classes"], response.json()["skipped"]) == (
        {"blue": 1, "red": 1},
        [{"file": "c.png", "reason": "no_label"}],
    )
    assert list(DatasetEntry.objects.values_list("name", "label")) == [("shots/a.png", "red"), ("shots/b.png", "blue")]


@pytest.mark.parametrize(
    ("files", "labels", "code", "details"),
    [
        (
            {"a.png": png("red", 1), "b.png": png("blue", 2)},
            None,
            "no_labels",
            [{"path": "/images", "code": ErrorCode.NO_LABELS}],
        ),
        (
            {"red/a.png": png("red", 1), "red/b.png": png("red", 2)},
            None,
            "one_class",
            [{"path": "/images", "code": ErrorCode.ONE_CLASS}],
        ),
        (
            {"red/a.png": png("red", 1), "red/bad.png": b"not a png", "blue/worse.jpg": b"\xff\xd8 nope"},
            None,
            "invalid_image",
            [
                {"path": "/images", "code": ErrorCode.INVALID_IMAGE, "message": "red/bad.png"},
                {"path": "/images", "code": ErrorCode.INVALID_IMAGE, "message": "blue/worse.jpg"},
            ],
        ),
        (
            {"a.png": png("red", 1), "b.png": png("blue", 2)},
            "a.png,red\nb.png,blue\nmissing.png,red\ngone/x.png,blue\n",
            "labels_name_missing_images",
            [
                {"path": "/labels", "code": ErrorCode.LABELS_NAME_MISSING_IMAGES, "message": "missing.png", "line": 3},
                {"path": "/labels", "code": ErrorCode.LABELS_NAME_MISSING_IMAGES, "message": "gone/x.png", "line": 4},
            ],
        ),
        (
            {"a.png": png("red", 1), "b.png": png("blue", 2)},
            "a.png,red,extra\n",
            "invalid_labels",
            [{"path": "/labels", "code": ErrorCode.INVALID_LABELS}],
        ),
    ],
)
def test_an_unusable_upload_is_refused_with_its_code_and_nothing_is_written(alice_api, files, labels, code, details):
    fields = {"labels": csv_file(labels)} if labels else {}

    response = upload(alice_api, zip_of(files), **fields)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert [
        {key: detail[key] for key in expected} for detail, expected in zip(body["details"], details, strict=True)
    ] == details
    assert len(body["details"]) == len(details)
    assert nothing_written() == NOTHING


def test_a_file_that_is_not_a_zip_is_refused(alice_api):
    broken = io.BytesIO(b"no zip here")
    broken.name = "x.zip"
    response = upload(alice_api, broken)
    assert (response.status_code, response.json()["code"]) == (400, "invalid_zip")
    assert nothing_written() == NOTHING


def test_datasets_belong_to_their_owner_and_staff_see_all(alice_api, api):
    made = upload(alice_api, class_zip({"red": [("red", 1)], "blue": [("blue", 2)]}), name="mine").json()
    bob = APIClient()
    bob.force_authenticate(make_user("bob"))
    staff = APIClient()
    staff.force_authenticate(make_user("boss", staff=True))

    assert [d["name"] for d in alice_api.get("/api/v1/datasets/").json()["results"]] == ["mine"]
    assert alice_api.get(f"/api/v1/datasets/{made['id']}/").json() == made
    assert bob.get("/api/v1/datasets/").json() == {"count": 0, "results": []}
    assert bob.get(f"/api/v1/datasets/{made['id']}/").status_code == 404
    assert staff.get(f"/api/v1/datasets/{made['id']}/").json() == made
    assert [d["id"] for d in staff.get("/api/v1/datasets/").json()["results"]] == [made["id"]]
    assert api.get("/api/v1/datasets/").status_code in (401, 403)


def test_the_admin_lists_datasets_and_shows_one(alice_api, client: Any):
    made = upload(alice_api, class_zip({"red": [("red", 1)], "blue": [("blue", 2)]}), name="admin-set").json()
    client.force_login(make_user("root", staff=True, is_superuser=True))

    listing = client.get("/admin/registry/dataset/")
    page = client.get(f"/admin/registry/dataset/{made['id']}/change/")

    assert listing.status_code == 200
    assert "admin-set" in listing.content.decode()
    assert "blue: 1, red: 1" in listing.content.decode()
    assert page.status_code == 200
    assert "red/000.png" in page.content.decode()
    assert client.get("/admin/registry/evaluation/").status_code == 200
