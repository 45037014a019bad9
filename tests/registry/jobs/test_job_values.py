"""Values longer than a column once allowed are stored whole: a long URL, a deep folder, a long zip
member name, a long top class. (PostgreSQL refused them with a DataError, a 500 or a dropped chunk.)"""

from __future__ import annotations

import pytest

from registry.models import Job, JobItem, JobItemStatus, JobResult
from registry.selectors.jobs import job_summary
from registry.services.job_items import ItemOutcome, job_results_write
from tests.registry.jobs.conftest import png, zip_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_media")]


def test_a_url_over_1000_characters_is_stored_whole(alice_api, url, monkeypatch):
    import socket

    def unresolved(host, *args, **kwargs):
        raise socket.gaierror(f"no lookups in tests: {host}")

    monkeypatch.setattr(socket, "getaddrinfo", unresolved)
    long_url = "https://images.example/" + "a" * 1500 + ".png"

    response = alice_api.post(url, {"urls": [long_url]}, format="json")

    assert response.status_code == 202, response.json()
    item = JobItem.objects.get()
    assert (item.name, item.location) == (long_url, long_url)


def test_a_folder_path_over_1000_characters_is_stored_whole(alice_api, url, job_dirs):
    folder = job_dirs["roots"]
    for part in range(6):
        folder = folder / f"{part}{'d' * 199}"
    folder.mkdir(parents=True)
    (folder / "a.png").write_bytes(png("red"))
    assert len(str(folder)) > 1000

    response = alice_api.post(url, {"folder": str(folder)}, format="json")

    assert response.status_code == 202, response.json()
    item = JobItem.objects.get()
    assert (item.name, item.location) == ("a.png", str(folder / "a.png"))


def test_a_zip_member_with_a_long_name_is_stored_under_a_short_one(alice_api, url):
    name = "/".join(["p" * 200] * 6) + "/" + "n" * 240 + ".png"

    response = alice_api.post(url, {"images": zip_of({name: png("red")})}, format="multipart")

    assert response.status_code == 202, response.json()
    item = JobItem.objects.get()
    assert item.name == name
    assert len(item.location) < 200


def test_a_top_class_over_200_characters_is_stored_whole(alice_api, url):
    job_id = alice_api.post(url, {"images": zip_of({"a.png": png("red")})}, format="multipart").json()["id"]
    item = JobItem.objects.get(job_id=job_id)
    label = "c" * 300
    outcome = ItemOutcome(status=JobItemStatus.SUCCEEDED, outputs={"predictions": {"top": label, "confidence": 0.9}})

    job_results_write(answers=[(item, outcome)], worker="w" * 300)

    assert JobResult.objects.get(item=item).top_class == label
    assert job_summary(Job.objects.get(pk=job_id)) == {"classes": {label: 1}, "errors": {}}
