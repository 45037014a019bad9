"""Turns what a job is started with (a zip, URLs, a server folder, local files) into its items.

Everything that can be judged up front is judged here and refused with a 4xx: a corrupt zip, a zip
over the caps on file count and uncompressed size, member names that climb out of the archive,
URLs to private hosts, folders outside `BLOCKWISE_BATCH_ROOTS`. What only shows when an image is
read (a file that is not an image, a URL that does not answer) becomes a failed item instead.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from blocks.errors import DomainError, PayloadTooLargeError
from executor.fetch import FetchError, check_url
from registry.execution import image_limits


@dataclass(frozen=True, slots=True)
class ItemSource:
    name: str
    location: str


def _input_error(message: str, *, code: str, path: str) -> DomainError:
    return DomainError(message, code=code, details=[{"path": path, "code": code, "message": message}])


def _check_count(count: int, path: str) -> None:
    if count == 0:
        raise _input_error("The job has no images.", code="no_images", path=path)
    if count > settings.BLOCKWISE_BATCH_MAX_FILES:
        raise PayloadTooLargeError(
            f"The job has {count} files; the limit is {settings.BLOCKWISE_BATCH_MAX_FILES}.",
            code="too_many_files",
            details=[{"path": path, "code": "too_many_files", "message": f"{count} files"}],
        )


def _member_name(raw: str) -> str:
    """The member's path inside the archive, refused if it could land outside the folder it unpacks to."""
    name = raw.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
        raise _input_error(
            f"The zip holds a file named {raw!r} that points outside the archive.", code="unsafe_name", path="/images"
        )
    return name


def _stored_name(index: int, name: str) -> str:
    """A name to store a member under: its index, then the end of its own name (whole names can be
    longer than a file system allows; the item keeps the whole name)."""
    return f"{index:06d}-{PurePosixPath(name).name[-100:]}"


def zip_open(upload: IO[bytes]) -> zipfile.ZipFile:
    """The archive, with its directory checked against the caps before anything is unpacked."""
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
        raise _input_error("The upload is not a readable zip file.", code="invalid_zip", path="/images") from exc
    try:
        members = [member for member in archive.infolist() if not member.is_dir()]
        _check_count(len(members), "/images")
        uncompressed = sum(member.file_size for member in members)
        if uncompressed > settings.BLOCKWISE_BATCH_MAX_UNCOMPRESSED_BYTES:
            raise PayloadTooLargeError(
                f"The zip unpacks to {uncompressed} bytes; "
                f"the limit is {settings.BLOCKWISE_BATCH_MAX_UNCOMPRESSED_BYTES}.",
                code="zip_too_large",
                details=[{"path": "/images", "code": "zip_too_large", "message": f"{uncompressed} bytes"}],
            )
        for member in members:
            _member_name(member.filename)
    except DomainError:
        archive.close()
        raise
    return archive


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> bytes:
    """A member's bytes, never more than its declared size or what is left of the job's budget."""
    limit = min(member.file_size, budget)
    with archive.open(member) as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLargeError("The zip unpacks to more than it declares.", code="zip_too_large")
    return data


def zip_extract(archive: zipfile.ZipFile, *, prefix: str) -> list[ItemSource]:
    """Store every member under `prefix`; on any failure, remove what was stored and refuse."""
    stored: list[str] = []
    sources: list[ItemSource] = []
    budget = settings.BLOCKWISE_BATCH_MAX_UNCOMPRESSED_BYTES
    try:
        for index, member in enumerate(member for member in archive.infolist() if not member.is_dir()):
            name = _member_name(member.filename)
            data = _read_member(archive, member, budget)
            budget -= len(data)
            location = default_storage.save(f"{prefix}/{_stored_name(index, name)}", ContentFile(data))
            stored.append(location)
            sources.append(ItemSource(name=name, location=location))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        files_delete(stored)
        raise _input_error(
            "The zip is damaged: a file in it cannot be read.", code="invalid_zip", path="/images"
        ) from exc
    except DomainError:
        files_delete(stored)
        raise
    finally:
        archive.close()
    return sources


def files_store(paths: Iterable[Path], *, prefix: str) -> list[ItemSource]:
    """Local files (the command line's) copied into the storage every worker reads."""
    paths = list(paths)
    _check_count(len(paths), "/files")
    stored: list[ItemSource] = []
    for index, path in enumerate(paths):
        location = default_storage.save(f"{prefix}/{_stored_name(index, path.name)}", ContentFile(path.read_bytes()))
        stored.append(ItemSource(name=str(path), location=location))
    return stored


def files_delete(locations: Iterable[str]) -> None:
    for location in locations:
        default_storage.delete(location)


def url_sources(urls: list[str]) -> list[ItemSource]:
    """URLs under the same rules as runs: http(s) only, never a private or loopback host."""
    _check_count(len(urls), "/urls")
    limits = image_limits()
    for index, url in enumerate(urls):
        if not url.startswith(("http://", "https://")):
            raise _input_error("Image URLs must be http or https.", code="url_not_allowed", path=f"/urls/{index}")
        try:
            check_url(url, allow_private=limits.allow_private_urls)
        except FetchError as exc:
            # A host that does not resolve may come back; only a refused address is final.
            if exc.code == "url_not_allowed":
                raise _input_error(exc.message, code=exc.code, path=f"/urls/{index}") from exc
    return [ItemSource(name=url, location=url) for url in urls]


def webhook_check(url: str) -> None:
    try:
        check_url(url, allow_private=settings.BLOCKWISE_ALLOW_PRIVATE_WEBHOOK_URLS)
    except FetchError as exc:
        message = exc.message.replace("Image URLs", "Webhook URLs").replace("image host", "webhook host")
        raise _input_error(message, code="webhook_not_allowed", path="/webhook") from exc


def allowed_root(path: Path) -> Path | None:
    """The allowed root that holds `path` once every link in it is resolved, if any."""
    resolved = path.resolve()
    for root in settings.BLOCKWISE_BATCH_ROOTS:
        base = Path(root).resolve()
        if resolved == base or base in resolved.parents:
            return base
    return None


def folder_sources(folder: str) -> list[ItemSource]:
    """Every file under a folder inside an allowed root, in name order, named relative to it."""
    path = Path(folder)
    if not path.is_absolute() or allowed_root(path) is None:
        raise _input_error(
            "The folder is not under a root this server allows (BLOCKWISE_BATCH_ROOTS).",
            code="folder_not_allowed",
            path="/folder",
        )
    base = path.resolve()
    if not base.is_dir():
        raise _input_error("The folder does not exist.", code="folder_not_found", path="/folder")
    files: list[Path] = []
    for directory, subdirectories, names in os.walk(base):
        subdirectories.sort()
        files.extend(Path(directory) / name for name in sorted(names))
        _check_count(max(len(files), 1), "/folder")
    _check_count(len(files), "/folder")
    # Links are kept as items and checked again when read, so one that leads out fails on its own.
    return [ItemSource(name=str(file.relative_to(base)), location=str(file)) for file in files]
