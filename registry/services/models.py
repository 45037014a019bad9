"""Registering local ONNX models: the file is checked by loading it before anything is stored."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction

from blocks.errors import ConflictError, DomainError, ErrorCode
from executor.models.local import LocalModelInfo, OnnxClassifier
from registry.models import LocalModel


def _check_loads(path: Path, *, model_id: str, class_names: list[str], width: int, height: int) -> None:
    """The file loads, and takes the declared input size and answers one score per declared class:
    a model that disagrees would fail every run that uses it."""
    info = LocalModelInfo(model_id, str(path), tuple(class_names), width, height)
    try:
        classifier = OnnxClassifier(info, threads=1)
    except Exception as exc:  # onnxruntime raises its own types for any unreadable model
        raise DomainError("The file is not an ONNX model onnxruntime can load.", code=ErrorCode.INVALID_MODEL) from exc
    mismatch = classifier.shape_mismatch()
    if mismatch is not None:
        raise DomainError(mismatch, code=ErrorCode.MODEL_SHAPE_MISMATCH)


@transaction.atomic
def local_model_register(
    *, model_id: str, content: bytes, class_names: object, input_width: int, input_height: int
) -> LocalModel:
    if not isinstance(class_names, list) or not class_names or not all(isinstance(c, str) for c in class_names):
        raise DomainError(
            "`class_names` must be a non-empty list of strings.",
            code=ErrorCode.INVALID,
            details=[{"path": "/class_names", "code": ErrorCode.INVALID, "message": "list of strings"}],
        )
    if LocalModel.objects.filter(model_id=model_id).exists():
        raise ConflictError(f"A model is already registered as {model_id}.")
    directory = Path(settings.MEDIA_ROOT) / "models"
    directory.mkdir(parents=True, exist_ok=True)
    # Readable, and unique to this registration: ids that read alike once made file-safe (`x/y_z`,
    # `x_y/z`) never share a file, so one registration cannot overwrite or remove another's weights.
    path = directory / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', model_id)[:100]}-{uuid.uuid4().hex}.onnx"
    with path.open("xb") as file:
        file.write(content)
    try:
        _check_loads(path, model_id=model_id, class_names=class_names, width=input_width, height=input_height)
        return LocalModel.objects.create(
            model_id=model_id,
            file_path=str(path),
            class_names=class_names,
            input_width=input_width,
            input_height=input_height,
        )
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def local_model_register_path(
    *, model_id: str, file_path: str, class_names: list[str], input_width: int, input_height: int
) -> tuple[LocalModel, bool]:
    """Register (or find) a model whose file stays where it is, e.g. the demo model in the repo."""
    existing = LocalModel.objects.filter(model_id=model_id).first()
    if existing is not None:
        return existing, False
    absolute = Path(file_path) if Path(file_path).is_absolute() else Path(settings.BASE_DIR) / file_path
    _check_loads(absolute, model_id=model_id, class_names=class_names, width=input_width, height=input_height)
    row = LocalModel.objects.create(
        model_id=model_id,
        file_path=file_path,
        class_names=class_names,
        input_width=input_width,
        input_height=input_height,
    )
    return row, True
