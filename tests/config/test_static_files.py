"""Static files (config/static_files.py): collected with Brotli and gzip copies and hashed names, served
compressed with a year's cache when their names carry a hash, and before the apps' own copies."""

import gzip
import shutil
from pathlib import Path
from typing import Any

import brotli
import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import FileSystemStorage
from django.http import HttpResponse
from django.test import RequestFactory

from config.static_files import StaticFilesMiddleware, StaticFilesStorage

EDITOR_ASSET = "frontend/editor/assets/index-AbCd12_-.js"
SCRIPT = b"export const palette = () => 'blocks';\n" * 200
STYLE = b"body { margin: 0; }\n" * 100
YEAR = "max-age=315360000, public, immutable"


@pytest.fixture
def collected(settings, tmp_path: Path) -> StaticFilesStorage:
    """What collectstatic leaves: the files copied into STATIC_ROOT, then post-processed by the storage."""
    settings.STATIC_ROOT = str(tmp_path)
    files = {EDITOR_ASSET: SCRIPT, "blockwise/site.css": STYLE}
    for name, content in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(content)
    admin_css = "admin/css/base.css"  # also in Django's admin app, where the finders find it
    (tmp_path / admin_css).parent.mkdir(parents=True)
    shutil.copyfile(str(finders.find(admin_css)), tmp_path / admin_css)
    storage = StaticFilesStorage(location=str(tmp_path), base_url="/static/")
    source = FileSystemStorage(location=str(tmp_path))
    names = [*files, admin_css]
    for _ in storage.post_process({name: (source, name) for name in names}):
        pass
    return storage


def _get(url: str, encodings: str) -> tuple[Any, bytes]:
    """The answer and its content, its file closed."""
    middleware = StaticFilesMiddleware(lambda request: HttpResponse(status=404))
    response = middleware(RequestFactory().get(url, HTTP_ACCEPT_ENCODING=encodings))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if getattr(response, "file_to_stream", None) is not None:
        response.file_to_stream.close()  # not response.close(): its request_finished would touch the database
    return response, content


def test_the_editors_hashed_build_is_served_compressed_for_a_year(collected):
    br, content = _get(f"/static/{EDITOR_ASSET}", "gzip, deflate, br")
    assert (br.status_code, br["Content-Encoding"], br["Cache-Control"]) == (200, "br", YEAR)
    assert brotli.decompress(content) == SCRIPT
    gz, content = _get(f"/static/{EDITOR_ASSET}", "gzip")
    assert (gz["Content-Encoding"], gz["Cache-Control"]) == ("gzip", YEAR)
    assert gzip.decompress(content) == SCRIPT
    plain, content = _get(f"/static/{EDITOR_ASSET}", "")
    assert "Content-Encoding" not in plain
    assert content == SCRIPT


def test_djangos_hashed_names_are_cached_for_a_year_and_plain_names_briefly(collected):
    hashed = collected.stored_name("blockwise/site.css")
    assert hashed.startswith("blockwise/site.") and hashed != "blockwise/site.css"
    assert _get(f"/static/{hashed}", "br")[0]["Cache-Control"] == YEAR
    assert _get("/static/blockwise/site.css", "br")[0]["Cache-Control"] == "max-age=60, public"


def test_collected_files_are_served_before_the_apps_own_copies(collected):
    response, _ = _get("/static/admin/css/base.css", "br")
    assert response["Content-Encoding"] == "br"  # only the collected copy has a compressed sibling


def test_a_file_never_collected_keeps_its_name_and_is_served_by_the_finders(settings, tmp_path):
    settings.STATIC_ROOT = str(tmp_path)
    assert StaticFilesStorage(location=str(tmp_path)).stored_name("admin/css/base.css") == "admin/css/base.css"
    response, _ = _get("/static/admin/css/base.css", "br")
    assert response.status_code == 200
    assert "Content-Encoding" not in response
