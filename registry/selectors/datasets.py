"""Reads of labelled datasets: a dataset belongs to its owner; staff see every one."""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Model, QuerySet

from blocks.errors import ErrorCode, NotFoundError
from registry.models import Dataset

M = TypeVar("M", bound=Model)


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def owned_or_staff(queryset: QuerySet[M], *, user: AbstractBaseUser | AnonymousUser, owner: str) -> QuerySet[M]:
    """The rows whose `owner` field is the caller; staff see every row, anonymous callers none."""
    if not user.is_authenticated:
        return queryset.none()
    return queryset if getattr(user, "is_staff", False) else queryset.filter(**{f"{owner}_id": user.pk})


def dataset_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Dataset]:
    return owned_or_staff(Dataset.objects.select_related("owner"), user=user, owner="owner")


def dataset_get(*, user: AbstractBaseUser | AnonymousUser, dataset_id: int) -> Dataset:
    """A dataset the caller may see; anyone else's is a 404."""
    dataset = dataset_list(user=user).filter(pk=dataset_id).first()
    if dataset is None:
        raise NotFoundError(f"Dataset {dataset_id} does not exist.", code=ErrorCode.NOT_FOUND)
    return dataset


def dataset_detail(dataset: Dataset) -> dict[str, Any]:
    return {
        "id": dataset.pk,
        "name": dataset.name,
        "owner": dataset.owner.get_username(),
        "total": dataset.total,
        "classes": dict(sorted(dataset.classes.items())),  # PostgreSQL's jsonb keeps no key order
        "skipped": dataset.skipped,
        "created_at": _iso(dataset.created_at),
    }
