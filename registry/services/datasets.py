"""Labelled datasets from an upload: a zip with one folder per class, or images plus a CSV of `file,label`.

Everything is judged before anything is written: entries that are not images (`__MACOSX/`, dotfiles,
text files) are skipped and listed; a label file that names images the zip lacks, an image that
does not decode, no labels at all or a single class refuse the whole upload with a coded error.
Images are stored once by content hash, however many entries or datasets name them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image

from blocks.errors import DomainError, ErrorCode, PayloadTooLargeError
from registry.models import Dataset, DatasetEntry, DatasetImage
from registry.services.job_zips import zip_open

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"})
MAX_LABEL_FILE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class _Member:
    name: str
    data: bytes


def _refuse(message: str, *, code: ErrorCode, path: str, problems: list[dict[str, Any]] | None = None) -> DomainError:
    return DomainError(message, code=code, details=problems or [{"path": path, "code": code, "message": message}])


def _skip_reason(name: str) -> str | None:
    """Why an entry of the zip is not an image of the set, if it is not."""
    parts = PurePosixPath(name).parts
    if any(part == "__MACOSX" or part.startswith(".") for part in parts):
        return "hidden"
    if PurePosixPath(name).suffix.lower() not in IMAGE_SUFFIXES:
        return "not_an_image"
    return None


def _read_members(upload: IO[bytes], skipped: list[dict[str, str]]) -> list[_Member]:
    # The job's checks (names, encryption, sizes) without its storage quota: a dataset is not job input.
    archive = zip_open(upload, quota_left=settings.BLOCKWISE_BATCH_MAX_UNCOMPRESSED_BYTES).archive
    members: list[_Member] = []
    budget = settings.BLOCKWISE_BATCH_MAX_UNCOMPRESSED_BYTES
    try:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = info.filename.replace("\\", "/")
            reason = _skip_reason(name)
            if reason is not None:
                skipped.append({"file": name, "reason": reason})
                continue
            with archive.open(info) as handle:
                data = handle.read(min(info.file_size, budget) + 1)
            if len(data) > min(info.file_size, budget):
                raise PayloadTooLargeError("The zip unpacks to more than it declares.", code=ErrorCode.ZIP_TOO_LARGE)
            budget -= len(data)
            members.append(_Member(name=name, data=data))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise _refuse(
            "The zip is damaged: a file in it cannot be read.", code=ErrorCode.INVALID_ZIP, path="/images"
        ) from exc
    finally:
        archive.close()
    return members


def _labels_from_folders(members: list[_Member], skipped: list[dict[str, str]]) -> dict[str, str]:
    """Each image's label is the folder it is in (`red/img001.jpg`); images at the top have none."""
    labels: dict[str, str] = {}
    for member in members:
        parent = PurePosixPath(member.name).parent.name
        if parent:
            labels[member.name] = parent
        else:
            skipped.append({"file": member.name, "reason": "no_label"})
    return labels


def _csv_rows(upload: IO[bytes]) -> list[list[str]]:
    raw = upload.read(MAX_LABEL_FILE_BYTES + 1)
    if len(raw) > MAX_LABEL_FILE_BYTES:
        raise PayloadTooLargeError("The label file is too large.", code=ErrorCode.PAYLOAD_TOO_LARGE)
    try:
        text = raw.decode("utf-8-sig")
        rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise _refuse("The label file is not UTF-8 CSV.", code=ErrorCode.INVALID_LABELS, path="/labels") from exc
    if rows and [cell.strip().lower() for cell in rows[0]] == ["file", "label"]:
        rows = rows[1:]
    return rows


def _labels_from_csv(upload: IO[bytes], members: list[_Member], skipped: list[dict[str, str]]) -> dict[str, str]:
    """`file,label` rows; a file is a path in the zip or, when that is unambiguous, its base name."""
    by_path = {member.name: member.name for member in members}
    basenames = Counter(PurePosixPath(member.name).name for member in members)
    for member in members:
        base = PurePosixPath(member.name).name
        if basenames[base] == 1:
            by_path.setdefault(base, member.name)
    labels: dict[str, str] = {}
    missing: list[dict[str, Any]] = []
    for line, row in enumerate(_csv_rows(upload), start=1):
        if len(row) != 2 or not row[0].strip() or not row[1].strip():
            raise _refuse(
                f"Line {line} of the label file is not `file,label`.", code=ErrorCode.INVALID_LABELS, path="/labels"
            )
        file, label = row[0].strip(), row[1].strip()
        if file not in by_path:
            missing.append(
                {"path": "/labels", "code": ErrorCode.LABELS_NAME_MISSING_IMAGES, "message": file, "line": line}
            )
            continue
        labels[by_path[file]] = label
    if missing:
        raise _refuse(
            f"The label file names {len(missing)} images the zip does not hold.",
            code=ErrorCode.LABELS_NAME_MISSING_IMAGES,
            path="/labels",
            problems=missing,
        )
    skipped.extend({"file": m.name, "reason": "no_label"} for m in members if m.name not in labels)
    return labels


def _check_decodes(members: list[_Member]) -> None:
    broken = []
    for member in members:
        try:
            with Image.open(io.BytesIO(member.data)) as image:
                image.verify()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
            broken.append({"path": "/images", "code": ErrorCode.INVALID_IMAGE, "message": member.name})
    if broken:
        raise _refuse(
            f"{len(broken)} images of the zip do not decode.",
            code=ErrorCode.INVALID_IMAGE,
            path="/images",
            problems=broken,
        )


def _check_classes(classes: Counter[str]) -> None:
    if not classes:
        raise _refuse(
            "No image has a label: put each class in its own folder or send a label file.",
            code=ErrorCode.NO_LABELS,
            path="/images",
        )
    if len(classes) == 1:
        raise _refuse(
            f"Every image is labelled {next(iter(classes))!r}: a dataset needs at least two classes.",
            code=ErrorCode.ONE_CLASS,
            path="/images",
        )


def _store(member: _Member, fresh: list[str]) -> DatasetImage:
    digest = hashlib.sha256(member.data).hexdigest()
    existing = DatasetImage.objects.filter(sha256=digest).first()
    if existing is not None:
        return existing
    suffix = PurePosixPath(member.name).suffix.lower()
    location = f"datasets/images/{digest[:2]}/{digest}{suffix}"
    # The name says the content: a file left by an upload that was rolled back is the same bytes.
    if not default_storage.exists(location):
        location = default_storage.save(location, ContentFile(member.data))
        fresh.append(location)
    image, _ = DatasetImage.objects.get_or_create(
        sha256=digest, defaults={"location": location, "size": len(member.data)}
    )
    return image


def dataset_create(*, owner: User, name: str, images: IO[bytes], labels: IO[bytes] | None = None) -> Dataset:
    """A labelled dataset from a zip (and a label file); refused whole, with nothing written, when unusable."""
    skipped: list[dict[str, str]] = []
    members = _read_members(images, skipped)
    if labels is not None:
        assigned = _labels_from_csv(labels, members, skipped)
    else:
        assigned = _labels_from_folders(members, skipped)
    used = [member for member in members if member.name in assigned]
    classes = Counter(assigned[member.name] for member in used)
    _check_classes(classes)
    _check_decodes(used)
    fresh: list[str] = []
    try:
        with transaction.atomic():
            dataset = Dataset.objects.create(
                owner=owner, name=name, classes=dict(sorted(classes.items())), skipped=skipped, total=len(used)
            )
            DatasetEntry.objects.bulk_create(
                DatasetEntry(dataset=dataset, index=index, name=m.name, label=assigned[m.name], image=_store(m, fresh))
                for index, m in enumerate(used)
            )
    except BaseException:
        for location in fresh:
            default_storage.delete(location)
        raise
    return dataset
