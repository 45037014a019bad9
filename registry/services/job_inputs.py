"""Turns what a job is started with (a zip, URLs, a server folder, local files) into its items.

Everything that can be judged up front is judged here (zips in `job_zips`) and refused with a 4xx:
URLs to private hosts, folders outside `BLOCKWISE_BATCH_ROOTS`, more files than the cap. Only regular
files of a folder are read. What only shows when an image is
read (a file that is not an image, a URL that does not answer) becomes a failed item instead.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db.models import Sum

from blocks.errors import DomainError, ErrorCode, PayloadTooLargeError
from executor.fetch import FetchError, check_url
from registry.execution import image_limits
from registry.models import JobItem


@dataclass(frozen=True, slots=True)
class ItemSource:
    name: str
    location: str
    size: int = 0  # bytes the job stored for it (zips, local files), counted against the owner's quota


def input_error(message: str, *, code: ErrorCode, path: str) -> DomainError:
    return DomainError(message, code=code, details=[{"path": path, "code": code, "message": message}])


def check_count(count: int, path: str) -> None:
    if count == 0:
        raise input_error("The job has no images.", code=ErrorCode.NO_IMAGES, path=path)
    if count > settings.BLOCKWISE_BATCH_MAX_FILES:
        raise PayloadTooLargeError(
            f"The job has {count} files; the limit is {settings.BLOCKWISE_BATCH_MAX_FILES}.",
            code=ErrorCode.TOO_MANY_FILES,
            details=[{"path": path, "code": ErrorCode.TOO_MANY_FILES, "message": f"{count} files"}],
        )


def stored_name(index: int, name: str) -> str:
    """A name to store an image under: its index, then the end of its own name (whole names can be
    longer than a file system allows; the item keeps the whole name)."""
    return f"{index:06d}-{PurePosixPath(name).name[-100:]}"


def files_store(paths: Iterable[Path], *, prefix: str, quota_left: int) -> list[ItemSource]:
    """Local files (the command line's) copied into the storage every worker reads."""
    paths = list(paths)
    check_count(len(paths), "/files")
    total = sum(path.stat().st_size for path in paths)
    if total > quota_left:
        message = f"The files hold {total} bytes; your storage for job images has {max(quota_left, 0)} left."
        raise PayloadTooLargeError(message, code=ErrorCode.STORAGE_QUOTA_EXCEEDED)
    stored: list[ItemSource] = []
    try:
        for index, path in enumerate(paths):
            with path.open("rb") as handle:
                location = default_storage.save(f"{prefix}/{stored_name(index, path.name)}", File(handle))
            stored.append(ItemSource(name=str(path), location=location, size=default_storage.size(location)))
    except BaseException:
        files_delete(item.location for item in stored)
        raise
    return stored


def input_quota_left(*, user_id: int) -> int:
    """Bytes of job images the user may still store (`BLOCKWISE_JOB_INPUT_QUOTA_BYTES` per user)."""
    used = JobItem.objects.filter(job__user_id=user_id).aggregate(total=Sum("size"))["total"] or 0
    return int(settings.BLOCKWISE_JOB_INPUT_QUOTA_BYTES - used)


def files_delete(locations: Iterable[str]) -> None:
    for location in locations:
        default_storage.delete(location)


def url_sources(urls: list[str]) -> list[ItemSource]:
    """URLs under the same rules as runs: http(s) only, never a private or loopback host."""
    check_count(len(urls), "/urls")
    limits = image_limits()
    for index, url in enumerate(urls):
        if not url.startswith(("http://", "https://")):
            raise input_error(
                "Image URLs must be http or https.", code=ErrorCode.URL_NOT_ALLOWED, path=f"/urls/{index}"
            )
        try:
            check_url(url, allow_private=limits.allow_private_urls)
        except FetchError as exc:
            # A host that does not resolve may come back; only a refused address is final.
            if exc.code == ErrorCode.URL_NOT_ALLOWED:
                raise input_error(exc.message, code=exc.code, path=f"/urls/{index}") from exc
    return [ItemSource(name=url, location=url) for url in urls]


def webhook_check(url: str) -> None:
    try:
        check_url(url, allow_private=settings.BLOCKWISE_ALLOW_PRIVATE_WEBHOOK_URLS)
    except FetchError as exc:
        message = exc.message.replace("Image URLs", "Webhook URLs").replace("image host", "webhook host")
        raise input_error(message, code=ErrorCode.WEBHOOK_NOT_ALLOWED, path="/webhook") from exc


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
        raise input_error(
            "The folder is not under a root this server allows (BLOCKWISE_BATCH_ROOTS).",
            code=ErrorCode.FOLDER_NOT_ALLOWED,
            path="/folder",
        )
    base = path.resolve()
    if not base.is_dir():
        raise input_error("The folder does not exist.", code=ErrorCode.FOLDER_NOT_FOUND, path="/folder")
    files: list[Path] = []
    for directory, subdirectories, names in os.walk(base):
        subdirectories.sort()
        files.extend(path for path in (Path(directory) / name for name in sorted(names)) if _regular_or_link(path))
        check_count(max(len(files), 1), "/folder")
    check_count(len(files), "/folder")
    # Links are kept as items and checked again when read, so one that leads out (or to something
    # that is not a regular file) fails on its own.
    return [ItemSource(name=str(file.relative_to(base)), location=str(file)) for file in files]


def _regular_or_link(path: Path) -> bool:
    """Named pipes, sockets and devices are never read: a pipe would block its worker forever."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return False
    return stat.S_ISREG(mode) or stat.S_ISLNK(mode)


def regular_file_read(path: Path, limit: int) -> bytes:
    """Up to `limit` bytes of a regular file; OSError for anything else. Opened without blocking, so a
    named pipe (reached through a link, or put in place after the folder was listed) is refused, not waited on."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(f"{path} is not a regular file")
        return handle.read(limit)
