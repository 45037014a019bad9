"""registry/services/block_versions.py: one named service per state change, each audited."""

import pytest

from blocks.errors import DomainError, ErrorCode
from registry.models import AuditAction, AuditRecord, BlockVersion, State
from registry.services.block_versions import (
    block_version_deprecate,
    block_version_disable,
    block_version_make_default,
    block_version_publish,
)
from tests.registry.conftest import make_user

pytestmark = pytest.mark.django_db
V2 = "roboflow_core/roboflow_classification_model@v2"
V3 = "roboflow_core/roboflow_classification_model@v3"


def _row(identifier):
    return BlockVersion.objects.select_related("block_type").get(type_identifier=identifier)


def test_each_state_change_is_its_own_service():
    staff = make_user("staff", staff=True)
    row = block_version_deprecate(block_version=_row(V2), user=staff, message="old", replacement=V3)
    assert (row.state, row.deprecation_message, row.replacement) == (State.DEPRECATED, "old", V3)
    with pytest.raises(DomainError) as refused:
        block_version_make_default(block_version=row, user=staff)
    assert refused.value.code is ErrorCode.NOT_PUBLISHED
    row = block_version_publish(block_version=row, user=staff)
    assert (row.state, row.deprecation_message, row.replacement) == (State.PUBLISHED, "", "")
    row = block_version_make_default(block_version=row, user=staff)
    assert _row(V2).block_type.default_version_id == row.pk
    row = block_version_disable(block_version=row, user=staff)
    assert (row.state, _row(V2).block_type.default_version_id) == (State.DISABLED, None)
    actions = list(
        AuditRecord.objects.filter(subject=V2, action=AuditAction.STATE)
        .order_by("pk")
        .values_list("details__action", flat=True)
    )
    assert actions == ["deprecate", "publish", "make_default", "disable"]


def test_a_deprecation_names_a_registered_replacement():
    with pytest.raises(DomainError) as refused:
        block_version_deprecate(block_version=_row(V2), user=None, replacement="no/such@v1")
    assert refused.value.code is ErrorCode.UNKNOWN_REPLACEMENT
    assert _row(V2).state == State.PUBLISHED
