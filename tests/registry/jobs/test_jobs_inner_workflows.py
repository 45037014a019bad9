"""A batch job over a workflow whose step is a saved child workflow, on real workers."""

from __future__ import annotations

import pytest

from registry.services.workflows import workflow_create
from tests.executor.nested_builders import child_workflow, inner_step, parent_workflow
from tests.registry.jobs.conftest import colour_of, image_zip, jsonl, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_job_runs_a_workflow_that_uses_a_saved_child(alice, alice_api, demo_workflow, workers):
    child = workflow_create(owner=alice, name="child", specification=child_workflow())
    parent = workflow_create(
        owner=alice,
        name="parent",
        specification=parent_workflow(inner_step(workflow_workspace_id="any", workflow_id=str(child.pk))),
    )
    assert parent.revisions.get().valid
    response = alice_api.post(f"/api/v1/workflows/{parent.pk}/jobs/", {"images": image_zip(6)}, format="multipart")
    assert response.status_code == 202, response.json()
    detail = wait_for(alice_api, response.json()["id"])
    assert (detail["status"], detail["done"], detail["failed"]) == ("succeeded", 6, 0)
    lines = sorted(jsonl(alice_api, detail["id"]), key=lambda line: line["source"])
    assert [line["outputs"]["top"] for line in lines] == [colour_of(index) for index in range(6)]
