"""A job's zip upload: judged from its directory, then unpacked member by member in bounded chunks.

Refused before anything is unpacked: a corrupt zip, names that climb out of the archive, encrypted
members, more images or more bytes than the caps, more bytes than the owner's storage quota has
left. Entries that are not images (`__MACOSX/` resource forks, dotfiles, text and other files) are
skipped and listed, never counted as images. Members are streamed to storage in chunks, never read
whole, and never past their declared size; a failure removes every file the upload wrote.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage

from blocks.errors import DomainError, ErrorCode, PayloadTooLargeError
from registry.services.job_inputs import ItemSource, check_count, files_delete, input_error, stored_name

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"})
CHUNK_BYTES = 1024 * 1024
# The names listed as skipped on a job (the count is always whole).
MAX_SKIPPED_LISTED = 1000
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError)


@dataclass(frozen=True, slots=True)
class ZipUpload:
    archive: zipfile.ZipFile
    images: list[zipfile.ZipInfo]
    skipped: list[str]


def _member_name(raw: str) -> str:
    """The member's path inside the archive, refused if it could land outside the folder it unpacks to."""
    name = raw.replace("\\", "/")
    parts = PurePosixPath(name).parts
    if name.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
        raise input_error(
            f"The zip holds a file named {raw!r} that points outside the archive.",
            code=ErrorCode.UNSAFE_NAME,
            path="/images",
        )
    return name


def is_image_name(name: str) -> bool:
    """An image by its name: not in a `__MACOSX/` folder, no part a dotfile, an image's extension."""
    parts = PurePosixPath(name).parts
    if not parts or parts[0] == "__MACOSX" or any(part.startswith(".") for part in parts):
        return False
    return PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES


def zip_open(upload: IO[bytes], *, quota_left: int) -> ZipUpload:
    """The archive, with its directory checked against the caps before anything is unpacked."""
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as exc:
        raise input_error("The upload is not a readable zip file.", code=ErrorCode.INVALID_ZIP, path="/images") from exc
    try:
        members = [member for member in archive.infolist() if not member.is_dir()]
        names = [_member_name(member.filename) for member in members]
        images = [member for member, name in zip(members, names, strict=True) if is_image_name(name)]
        skipped = [name for name in names if not is_image_name(name)]
        if any(member.flag_bits & 0x1 for member in images):
            raise input_error(
                "The zip holds encrypted files; send them unencrypted.", code=ErrorCode.INVALID_ZIP, path="/images"
            )
        check_count(len(images), "/images")
        _check_bytes(sum(member.file_size for member in images), quota_left)
    except DomainError:
        archive.close()
        raise
    return ZipUpload(archive=archive, images=images, skipped=skipped)


def _check_bytes(uncompressed: int, quota_left: int) -> None:
    limit = settings.BLOCKWISE_BATCH_MAX_UNCOMPRESSED_BYTES
    if uncompressed > limit:
        raise PayloadTooLargeError(
            f"The zip unpacks to {uncompressed} bytes; the limit is {limit}.",
            code=ErrorCode.ZIP_TOO_LARGE,
            details=[{"path": "/images", "code": ErrorCode.ZIP_TOO_LARGE, "message": f"{uncompressed} bytes"}],
        )
    if uncompressed > quota_left:
        message = (
            f"The zip unpacks to {uncompressed} bytes; your storage for job images has {max(quota_left, 0)} "
            f"bytes left of {settings.BLOCKWISE_JOB_INPUT_QUOTA_BYTES}."
        )
        raise PayloadTooLargeError(
            message,
            code=ErrorCode.STORAGE_QUOTA_EXCEEDED,
            details=[{"path": "/images", "code": ErrorCode.STORAGE_QUOTA_EXCEEDED, "message": message}],
        )


class _MemberFile(File):  # type: ignore[type-arg]
    """A member as storage reads it: in chunks, and never more than `limit` bytes."""

    def __init__(self, handle: IO[bytes], name: str, limit: int) -> None:
        super().__init__(handle, name=name)
        self.handle = handle
        self.limit = limit
        self.read_bytes = 0

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        while chunk := self.handle.read(CHUNK_BYTES):
            self.read_bytes += len(chunk)
            if self.read_bytes > self.limit:
                raise PayloadTooLargeError("The zip unpacks to more than it declares.", code=ErrorCode.ZIP_TOO_LARGE)
            yield chunk


def zip_extract(upload: ZipUpload, *, prefix: str, quota_left: int) -> list[ItemSource]:
    """Store every image under `prefix`; on any failure, remove what was stored and refuse."""
    stored: list[str] = []
    sources: list[ItemSource] = []
    budget = min(settings.BLOCKWISE_BATCH_MAX_UNCOMPRESSED_BYTES, quota_left)
    try:
        for index, member in enumerate(upload.images):
            name = _member_name(member.filename)
            with upload.archive.open(member) as handle:
                content = _MemberFile(handle, name, min(member.file_size, budget))
                # The name is recorded first: storage may have written part of the file when it fails.
                location = default_storage.generate_filename(f"{prefix}/{stored_name(index, name)}")
                stored.append(location)
                location = default_storage.save(location, content)
                stored[-1] = location
            budget -= content.read_bytes
            sources.append(ItemSource(name=name, location=location, size=content.read_bytes))
    except DomainError:
        files_delete(stored)
        raise
    except _DAMAGED as exc:
        files_delete(stored)
        raise input_error(
            "The zip is damaged: a file in it cannot be read.", code=ErrorCode.INVALID_ZIP, path="/images"
        ) from exc
    except BaseException:
        files_delete(stored)
        raise
    finally:
        upload.archive.close()
    return sources


def skipped_listed(skipped: list[str]) -> list[str]:
    return skipped[:MAX_SKIPPED_LISTED]
