"""The editor in Debian's Chromium against the real Django server: build, wire, validate, save, run.

Screenshots of each stage go to test-artifacts/editor/.
"""

import io
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connections

from registry.models import Workflow
from scripts.train_demo_model import draw_sample
from tests.conftest import REPO_DIR
from tests.registry.conftest import make_user
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = REPO_DIR / "test-artifacts" / "editor"
CLASSIFIER = "roboflow_core/roboflow_classification_model@v2"
STEP = "roboflow_classification_model"


@pytest.fixture
def page(live_server, tmp_path, monkeypatch):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM reads are still
    # plain synchronous calls, so Django's async guard is lifted for them.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is needed for the browser tests: apt-get install -y chromium")
    if not (REPO_DIR / "frontend" / "static" / "frontend" / "editor" / "index.html").exists():
        pytest.fail("The editor is not built: cd frontend/editor && npm ci && npm run build")
    call_command("sync_blocks", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    make_user("editor-user")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
        )
        context = browser.new_context(viewport={"width": 1600, "height": 900})
        page = context.new_page()
        page.base_url = live_server.url  # type: ignore[attr-defined]
        yield page
        browser.close()


def shot(page, name):
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def drag_handle(page, source_testid, target_testid):
    source = page.get_by_test_id(source_testid).bounding_box()
    target = page.get_by_test_id(target_testid).bounding_box()
    page.mouse.move(source["x"] + source["width"] / 2, source["y"] + source["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2, steps=12)
    page.mouse.up()


def test_build_validate_save_reload_and_run(page, tmp_path):
    page.goto(page.base_url + "/")
    page.get_by_test_id(f"palette-item-{CLASSIFIER}").wait_for()
    shot(page, "01-empty-canvas")

    page.get_by_test_id("palette-search").fill("single-label classification")
    assert page.get_by_test_id("palette-count").inner_text() == "3 blocks"
    page.get_by_test_id("add-image-input").click()
    page.get_by_test_id(f"palette-item-{CLASSIFIER}").drag_to(page.get_by_test_id("canvas"))
    page.get_by_test_id(f"node-{STEP}").wait_for()
    page.get_by_test_id("add-output").click()
    shot(page, "02-blocks-on-canvas")

    # Wire the image into the classifier; a missing model_id is reported on the node.
    drag_handle(page, "handle-out-image-value", f"handle-in-{STEP}-images")
    page.locator(".react-flow__edge").first.wait_for()
    assert page.locator(".react-flow__edge").count() == 1
    page.get_by_test_id(f"node-errors-{STEP}").wait_for()
    assert "needs `model_id`" in page.get_by_test_id(f"node-errors-{STEP}").inner_text()
    shot(page, "03-validation-error")

    # An incompatible wire (a prediction into an image input) is refused with both kinds named.
    drag_handle(page, f"handle-out-{STEP}-predictions", f"handle-in-{STEP}-images")
    message = page.get_by_test_id("message").inner_text()
    assert "classification_prediction" in message
    assert "image" in message
    shot(page, "04-incompatible-wire-refused")

    # Set model_id in the properties panel: the error clears.
    page.get_by_test_id(f"node-{STEP}").click()
    page.get_by_test_id("field-model_id").fill("demo-shapes/1")
    page.get_by_test_id("field-confidence").fill("0.2")
    drag_handle(page, f"handle-out-{STEP}-predictions", "handle-in-output-output")
    assert page.locator(".react-flow__edge").count() == 2
    try:
        page.wait_for_function(
            "document.querySelector('[data-testid=validation-status]').innerText === 'valid'", timeout=10000
        )
    finally:
        shot(page, "05-after-model-id")
    assert page.get_by_test_id(f"node-errors-{STEP}").count() == 0
    shot(page, "05-valid-workflow")

    # Sign in and save.
    page.once("dialog", lambda dialog: dialog.accept("editor-user"))
    page.on("dialog", lambda dialog: dialog.accept("pw-editor-user"))
    page.get_by_test_id("sign-in").click()
    page.get_by_test_id("signed-in").wait_for()
    page.get_by_test_id("workflow-name").fill("Browser-built demo")
    page.get_by_test_id("save").click()
    page.wait_for_function("document.querySelector('[data-testid=message]').innerText.startsWith('Saved')")
    saved = Workflow.objects.get(name="Browser-built demo")
    step = saved.revisions.get(number=1).definition["steps"][0]
    # Inside Playwright's event loop Django opened a connection of its own for these reads; close it,
    # or PostgreSQL refuses to drop the test database at the end of the session.
    connections.close_all()
    assert (step["type"], step["images"], step["model_id"]) == (CLASSIFIER, "$inputs.image", "demo-shapes/1")
    shot(page, "06-saved")

    # Reload, find it among the saved workflows, open it.
    page.reload()
    page.get_by_test_id("open").click()
    page.get_by_test_id(f"open-{saved.pk}").click()
    page.get_by_test_id(f"node-{STEP}").wait_for()
    page.get_by_test_id("history").click()
    page.get_by_test_id("revisions").wait_for()
    assert "r1" in page.get_by_test_id("revisions").inner_text()
    shot(page, "07-reopened-with-history")

    # Run it on an image with the demo model and see the predictions.
    image_path = tmp_path / "green.png"
    draw_sample("green", np.random.default_rng(5)).save(image_path)
    page.get_by_test_id("run-image").set_input_files(str(image_path))
    page.get_by_test_id("run").click()
    page.get_by_test_id("run-top").wait_for()
    assert page.get_by_test_id("run-top").inner_text() == "green"
    shot(page, "08-run-results")
