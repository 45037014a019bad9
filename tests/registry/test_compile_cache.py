"""Compiled workflows kept inside Django (registry.selectors.workflows): keyed by the published catalog
snapshot and the definition's hash, bounded, and the same as a fresh compile."""

import pytest

from executor.compiler import compile_workflow
from registry.models import BlockVersion
from registry.selectors import workflows
from registry.selectors.catalog import catalog_snapshot
from registry.selectors.workflows import compiler_config, workflow_compile
from registry.services.block_versions import block_version_disable
from tests.executor.conftest import CLASSIFIER, chain_workflow, classification_workflow
from tests.registry.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_kept(monkeypatch):
    monkeypatch.setattr(workflows, "_compiled", type(workflows._compiled)())


def test_a_definition_compiled_again_is_the_kept_result_and_equals_a_fresh_compile():
    first = workflow_compile(classification_workflow())
    again = workflow_compile(classification_workflow())
    assert again is first
    fresh = compile_workflow(classification_workflow(), catalog_snapshot(), compiler_config())
    assert fresh is not first
    assert again == fresh
    assert again.valid


def test_an_invalid_definition_is_kept_with_its_errors():
    definition = classification_workflow(images="$inputs.img")
    first = workflow_compile(definition)
    assert workflow_compile(definition) is first
    assert [issue.code for issue in first.errors] == ["unknown_input"]


def test_a_changed_catalog_is_compiled_against_again():
    before = workflow_compile(classification_workflow())
    assert before.valid
    block_version_disable(block_version=BlockVersion.objects.get(type_identifier=CLASSIFIER), user=make_user("staff"))
    after = workflow_compile(classification_workflow())
    assert after is not before
    assert [issue.code for issue in after.errors] == ["disabled_block"]
    assert after == compile_workflow(classification_workflow(), catalog_snapshot(), compiler_config())


def test_a_changed_step_limit_is_compiled_against_again(settings):
    assert workflow_compile(chain_workflow(3)).valid
    settings.BLOCKWISE_MAX_STEPS = 2
    assert [issue.code for issue in workflow_compile(chain_workflow(3)).errors] == ["too_many_steps"]


def test_at_most_the_bound_is_kept_oldest_dropped_first(monkeypatch):
    monkeypatch.setattr(workflows, "COMPILED_KEPT", 2)
    one, two, three = (workflow_compile(chain_workflow(length)) for length in (1, 2, 3))
    assert len(workflows._compiled) == 2
    assert workflow_compile(chain_workflow(3)) is three
    assert workflow_compile(chain_workflow(2)) is two
    assert workflow_compile(chain_workflow(1)) is not one  # dropped: compiled again
    assert len(workflows._compiled) == 2
