"""Clear about what runs here: the palette shows only blocks that run on this server once a catalog is
imported (with the count of the others); a step that cannot run is marked and Run says why."""

import pytest
from django.db import connections
from django.test import Client
from playwright.sync_api import expect

from registry.services.catalog_sync import blocks_import
from tests.conftest import load_roboflow_describe
from tests.frontend.conftest import CLASSIFIER, STEP, demo_definition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DETECTOR = "roboflow_core/roboflow_object_detection_model@v2"


def test_only_blocks_that_run_here_and_why_a_step_cannot_run(editor):
    page = editor.page
    blocks_import(load_roboflow_describe())
    listed = Client().get("/api/v1/blocks/?state=&executable=").json()["results"]
    connections.close_all()
    runnable = sum(1 for b in listed if b["executable"])
    others = len(listed) - runnable
    assert runnable == 10 and others > 200  # the nine built-in blocks and the inner workflow
    editor.goto()
    only = page.get_by_label("Only blocks that run here")
    expect(only).to_be_checked()
    editor.wait_text("palette-count", f"{runnable} blocks")
    editor.wait_text("palette-others", f"{others} others hidden")
    expect(page.get_by_test_id(f"palette-item-{DETECTOR}")).to_have_count(0)
    editor.shot("runnable-only")
    only.uncheck()
    editor.wait_text("palette-count", f"{len(listed)} blocks")
    editor.wait_text("palette-others", f"{others} cannot run here")
    expect(page.get_by_test_id(f"palette-item-{DETECTOR}")).to_have_count(1)

    definition = demo_definition(step=STEP)
    definition["steps"].append(
        {"type": DETECTOR, "name": "detector", "images": "$inputs.image", "model_id": "animals/1"}
    )
    editor.import_definition(definition)
    expect(editor.page.get_by_test_id("node-cannot-run-detector")).to_have_text("cannot run here")
    expect(editor.page.get_by_test_id(f"node-cannot-run-{STEP}")).to_have_count(0)
    run = page.get_by_role("region", name="Run")
    expect(run.get_by_role("button", name="Run", exact=True)).to_be_disabled()
    editor.wait_match(
        "run-disabled-reason",
        r"detector \(Object Detection Model v2\) has no implementation here: it runs once a plugin that implements "
        r"roboflow_core/roboflow_object_detection_model@v2 is installed on this server\.",
    )
    editor.shot("cannot-run")
    editor.node("detector").click()
    page.keyboard.press("Delete")
    expect(run.get_by_role("button", name="Run", exact=True)).to_be_enabled()
    assert CLASSIFIER in {b["type_identifier"] for b in listed}
