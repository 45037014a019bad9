"""The job API without workers: starting a job, and every bad input refused up front with nothing written."""

from __future__ import annotations

import io
import socket
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from registry.models import Job, JobItem
from tests.registry.conftest import make_user
from tests.registry.jobs.conftest import png, zip_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_media")]


@pytest.fixture(autouse=True)
def no_dns(monkeypatch):
    """Names resolve only as a test says: no lookup leaves the machine."""
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host in {"127.0.0.1", "localhost", "::1"}:
            return real(host, *args, **kwargs)
        raise socket.gaierror(f"no lookups in tests: {host}")

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def stored_files(job_dirs):
    media = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


def assert_refused(response, status, code, job_dirs):
    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert set(response.json()) >= {"code", "message", "details"}
    assert (Job.objects.count(), JobItem.objects.count()) == (0, 0)
    assert stored_files(job_dirs) == []


def test_a_zip_job_stores_its_images_and_answers_202(alice_api, url, job_dirs, demo_workflow):
    archive = zip_of({"shots/a.png": png("red"), "b.png": png("blue")})

    response = alice_api.post(url, {"images": archive, "parameters": '{"confidence": 0.5}'}, format="multipart")

    assert response.status_code == 202
    body = response.json()
    job = Job.objects.get()
    assert body == {
        "id": job.pk,
        "workflow": demo_workflow.pk,
        "revision": 1,
        "source": "zip",
        "status": "queued",
        "total": 2,
        "done": 0,
        "failed": 0,
        "cancelled": 0,
        "skipped": [],
        "skipped_count": 0,
        "created_at": body["created_at"],
        "started_at": None,
        "finished_at": None,
        "rate": None,
        "eta_seconds": None,
        "parameters": {"confidence": 0.5},
        "webhook": False,
        "webhook_result": None,
    }
    assert job.lockfile == demo_workflow.revisions.get().lockfile
    assert [(item.name, item.attempts) for item in job.items.all()] == [("shots/a.png", 0), ("b.png", 0)]
    # Stored under a folder of the upload's own (the job has no id yet while its zip is unpacked).
    locations = list(job.items.values_list("location", flat=True))
    assert stored_files(job_dirs) == locations
    assert [location.split("/")[-1] for location in locations] == ["000000-a.png", "000001-b.png"]
    assert locations[0].rsplit("/", 1)[0] == locations[1].rsplit("/", 1)[0]
    assert alice_api.get("/api/v1/jobs/").json() == {"count": 1, "results": [body]}


def test_sign_in_is_needed(api, url, job_dirs):
    assert_refused(
        api.post(url, {"urls": ["https://example.com/a.png"]}, format="json"), 401, "not_authenticated", job_dirs
    )


def test_someone_elses_jobs_are_not_found(alice_api, url, demo_workflow):
    job_id = alice_api.post(url, {"images": zip_of({"a.png": png("red")})}, format="multipart").json()["id"]
    from rest_framework.test import APIClient

    bob = APIClient()
    bob.force_authenticate(make_user("bob"))
    for path in ("", "results.jsonl", "results.csv", "summary/"):
        assert bob.get(f"/api/v1/jobs/{job_id}/{path}").status_code == 404
    assert bob.post(f"/api/v1/jobs/{job_id}/cancel/").json()["code"] == "not_found"
    assert bob.get("/api/v1/jobs/").json() == {"count": 0, "results": []}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "invalid"),
        ({"urls": ["https://example.com/a.png"], "folder": "/tmp"}, "invalid"),
        ({"urls": []}, "no_images"),
        ({"urls": ["ftp://example.com/a.png"]}, "url_not_allowed"),
        ({"urls": ["http://127.0.0.1:9/a.png"]}, "url_not_allowed"),
        ({"urls": ["https://example.com/a.png"], "parameters": {"image": "x"}}, "unknown_parameter"),
        ({"urls": ["https://example.com/a.png"], "parameters": {"api_key": "x"}}, "unknown_parameter"),
        # Only the JSON types the schema documents: DRF alone would take 7 for "7".
        ({"urls": [7]}, "invalid"),
        ({"folder": 7}, "invalid"),
        ({"urls": ["https://example.com/a.png"], "webhook": 5}, "invalid"),
        ({"urls": ["https://example.com/a.png"], "parameters": "{}"}, "invalid"),
    ],
)
def test_bad_json_bodies(alice_api, url, job_dirs, body, code):
    assert_refused(alice_api.post(url, body, format="json"), 400, code, job_dirs)


def test_a_form_with_parameters_as_a_file_is_refused(alice_api, url, job_dirs):
    form = {"parameters": SimpleUploadedFile("p.json", b"{}")}
    assert_refused(alice_api.post(url, form, format="multipart"), 400, "invalid", job_dirs)


def test_urls_resolving_to_private_hosts_are_refused(alice_api, url, job_dirs, monkeypatch):
    def resolve(host, *args, **kwargs):
        assert host == "images.example"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 443))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    response = alice_api.post(url, {"urls": ["https://images.example/a.png"]}, format="json")
    assert_refused(response, 400, "url_not_allowed", job_dirs)
    assert response.json()["details"][0]["path"] == "/urls/0"


def test_webhooks_to_private_hosts_are_refused(alice_api, url, job_dirs):
    body = {"images": zip_of({"a.png": png("red")}), "webhook": "http://127.0.0.1:8000/hook"}
    assert_refused(alice_api.post(url, body, format="multipart"), 400, "webhook_not_allowed", job_dirs)


def test_a_corrupt_zip_is_refused(alice_api, url, job_dirs):
    upload = io.BytesIO(b"PK\x03\x04 this is not really a zip")
    upload.name = "images.zip"
    assert_refused(alice_api.post(url, {"images": upload}, format="multipart"), 400, "invalid_zip", job_dirs)


def test_a_zip_with_a_damaged_member_is_refused_and_leaves_nothing(alice_api, url, job_dirs):
    archive = zip_of({"a.png": png("red"), "b.png": png("blue")})
    data = bytearray(archive.getvalue())
    # Flip bytes inside the second member's compressed data: its CRC check fails while unpacking.
    offset = data.rfind(b"b.png", 0, data.find(b"PK\x01\x02")) + 20
    data[offset : offset + 8] = bytes(8)
    upload = io.BytesIO(bytes(data))
    upload.name = "images.zip"
    assert_refused(alice_api.post(url, {"images": upload}, format="multipart"), 400, "invalid_zip", job_dirs)


def test_zip_bombs_are_capped_by_file_count_and_uncompressed_size(alice_api, url, job_dirs, job_settings):
    job_settings.BLOCKWISE_BATCH_MAX_FILES = 3
    many = zip_of({f"{index}.png": png("red") for index in range(4)})
    assert_refused(alice_api.post(url, {"images": many}, format="multipart"), 413, "too_many_files", job_dirs)

    job_settings.BLOCKWISE_BATCH_MAX_UNCOMPRESSED_BYTES = 100_000
    bomb = zip_of({"zeros.png": bytes(1_000_000)})
    assert len(bomb.getvalue()) < 5_000
    assert_refused(alice_api.post(url, {"images": bomb}, format="multipart"), 413, "zip_too_large", job_dirs)


@pytest.mark.parametrize("name", ["../evil.png", "a/../../evil.png", "/etc/evil.png", "..\\evil.png", "C:/evil.png"])
def test_names_that_climb_out_of_the_folder_are_refused(alice_api, url, job_dirs, name):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("fine.png", png("red"))
        archive.writestr(zipfile.ZipInfo(name), png("red"))
    buffer.seek(0)
    buffer.name = "images.zip"
    response = alice_api.post(url, {"images": buffer}, format="multipart")
    assert_refused(response, 400, "unsafe_name", job_dirs)


def test_folders_outside_the_allowed_roots_are_refused(alice_api, url, job_dirs, tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "a.png").write_bytes(png("red"))
    climbing = job_dirs["roots"] / ".." / "media"
    for folder in (str(outside), str(climbing), "relative/folder"):
        response = alice_api.post(url, {"folder": folder}, format="json")
        assert_refused(response, 400, "folder_not_allowed", job_dirs)
    missing = alice_api.post(url, {"folder": str(job_dirs["roots"] / "missing")}, format="json")
    assert_refused(missing, 400, "folder_not_found", job_dirs)


def test_a_multipart_body_with_bad_parameters_json(alice_api, url, job_dirs):
    body = {"images": zip_of({"a.png": png("red")}), "parameters": "{not json"}
    assert_refused(alice_api.post(url, body, format="multipart"), 400, "parse_error", job_dirs)


def test_a_running_job_cannot_be_retried(alice_api, url):
    job_id = alice_api.post(url, {"images": zip_of({"a.png": png("red")})}, format="multipart").json()["id"]
    response = alice_api.post(f"/api/v1/jobs/{job_id}/retry/")
    assert (response.status_code, response.json()["code"]) == (409, "job_not_finished")


def test_a_job_with_no_source_is_refused(alice, demo_workflow):
    from blocks.errors import DomainError
    from registry.services.jobs import job_create

    with pytest.raises(DomainError) as raised:
        job_create(user=alice, workflow=demo_workflow)
    assert raised.value.code == "no_images"
    assert Job.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_refuses_the_job_answers_503_and_the_images_fail_retriably(alice_api, url, monkeypatch):
    from kombu.exceptions import OperationalError

    from config.celery import app as celery_app
    from registry.models import JobResult

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(celery_app, "send_task", refuse)
    body = {"images": zip_of({"a.png": png("red"), "b.png": png("blue")}), "webhook": "https://hooks.example/x"}
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443))]
    )

    response = alice_api.post(url, body, format="multipart")

    assert response.status_code == 503
    job = Job.objects.get()
    assert response.json() == {
        "code": "queue_unavailable",
        "message": "The job queue is unavailable; the job is recorded as failed and can be retried.",
        "details": [],
        "job": job.pk,
    }
    assert (job.status, job.webhook_result) == ("failed", {"error": "queue_unavailable"})
    assert list(JobResult.objects.values_list("status", "error__code")) == [
        ("failed", "queue_unavailable"),
        ("failed", "queue_unavailable"),
    ]
    assert alice_api.post(f"/api/v1/jobs/{job.pk}/retry/").status_code == 503
