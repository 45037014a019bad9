"""Keeping images that local models classified, for active learning, on behalf of a signed-in caller.

Anonymous runs keep nothing (as upstream's local mode, where the flag is a no-op): otherwise anyone
could fill the server's disk. A signed-in user keeps at most `BLOCKWISE_ACTIVE_LEARNING_QUOTA`
images; past it the run goes on and the images are not kept (upstream logs and swallows failures
to register datapoints too). The dataset name must be a plain project name: it becomes a file name.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db import transaction

from blocks.errors import ErrorCode
from blocks.images import WorkflowImage
from blocks.ports import ModelError
from registry.models import ActiveLearningDatapoint

logger = logging.getLogger(__name__)
DATASET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,99}")


class InvalidDatasetError(ModelError):
    """A dataset name that is not one: the caller's mistake (a 400), not the model server's."""

    code = ErrorCode.INVALID_DATASET


class ActiveLearningKeeper:
    def __init__(self, user: User | None) -> None:
        self._user = user

    def dataset(self, model_id: str, target_dataset: str | None) -> str:
        """The dataset images go to (default: the model's project); a name that is not one is a 400."""
        dataset = target_dataset or model_id.split("/", maxsplit=1)[0]
        if not DATASET_NAME.fullmatch(dataset):
            raise InvalidDatasetError(
                f"{dataset[:100]!r} is not a dataset name: use 1 to 100 letters, digits, '-' or '_', "
                "starting with a letter or digit."
            )
        return dataset

    def keep(self, model_id: str, dataset: str, kept: Sequence[tuple[WorkflowImage, dict[str, Any]]]) -> None:
        if self._user is None or not kept:
            return
        with transaction.atomic():
            # The user's row is the lock that keeps two runs of one user from both using the last room.
            User.objects.select_for_update().filter(pk=self._user.pk).first()
            used = ActiveLearningDatapoint.objects.filter(user=self._user).count()
            room = max(settings.BLOCKWISE_ACTIVE_LEARNING_QUOTA - used, 0)
            for image, prediction in kept[:room]:
                datapoint = ActiveLearningDatapoint(
                    dataset=dataset, model_id=model_id, prediction=prediction, user=self._user
                )
                name = f"{dataset}-{prediction.get('inference_id', 'image')}.jpg"
                datapoint.image.save(name, ContentFile(image.jpeg_bytes()), save=True)
        if len(kept) > room:
            logger.warning(
                "Active learning quota reached for user %s: %d images not kept.", self._user.pk, len(kept) - room
            )
