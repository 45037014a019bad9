"""The editor's browser tests: one Chromium per test module, a fresh context (cookies, storage) and a
seeded database per test, screenshots per stage under test-artifacts/editor/<test>/."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from playwright.sync_api import expect

from tests.conftest import REPO_DIR
from tests.frontend.worker_pool import media, pool  # noqa: F401  (fixtures of the job panels' tests)
from tests.registry.conftest import make_user
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

# React renders after the event that changed the state, and the minimap after the canvas: counts are
# read by waiting for them, as `wait_text` does for texts.
expect.set_options(timeout=10_000)

SCREENSHOTS = REPO_DIR / "test-artifacts" / "editor"
CLASSIFIER = "roboflow_core/roboflow_classification_model@v2"
STEP = "roboflow_classification_model"
USER = "editor-user"
PASSWORD = "pw-editor-user"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is needed for the browser tests: apt-get install -y chromium")
    if not (REPO_DIR / "frontend" / "static" / "frontend" / "editor" / "index.html").exists():
        pytest.fail("The editor is not built: cd frontend/editor && npm ci && npm run build")
    # Playwright's sync API runs an event loop in this thread; the tests' own ORM reads are still
    # plain synchronous calls, so Django's async guard is lifted for them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


class Editor:
    """A page on the editor with the helpers a person's actions need."""

    def __init__(self, page: Any, base_url: str, folder: Path) -> None:
        self.page = page
        self.base_url = base_url
        self.folder = folder
        self.console_errors: list[str] = []
        page.on("console", self._console)
        self.stage = 0

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def goto(self, path: str = "/") -> None:
        self.page.goto(self.base_url + path)
        self.page.get_by_test_id(f"palette-item-{CLASSIFIER}").wait_for()

    def shot(self, name: str) -> None:
        self.stage += 1
        self.page.screenshot(path=str(self.folder / f"{self.stage:02d}-{name}.png"))

    def button(self, name: str) -> Any:
        return self.page.get_by_role("button", name=name, exact=True)

    def node(self, name: str) -> Any:
        return self.page.get_by_test_id(f"node-{name}")

    def message(self) -> str:
        text: str = self.page.get_by_test_id("message").inner_text()
        return text

    def _wait(self, testid: str, test: str, expected: str) -> str:
        """Waits until `test(text, expected)`, a JavaScript function, holds of the element's text; returns
        that text, read in the same moment."""
        try:
            handle = self.page.wait_for_function(
                f"""([id, expected]) => {{
                  const text = document.querySelector(`[data-testid='${{id}}']`)?.innerText;
                  return text !== undefined && ({test})(text, expected) && [text];
                }}""",
                arg=[testid, expected],
                timeout=10000,
            )
        except Exception:
            found = self.page.get_by_test_id(testid).all_inner_texts()
            raise AssertionError(f"{testid}: expected {expected!r}, found {found!r}") from None
        text: str = handle.json_value()[0]
        return text

    def wait_text(self, testid: str, text: str) -> None:
        """Waits until the element's whole text is exactly `text` (never a substring)."""
        self._wait(testid, "(text, expected) => text === expected", text)

    def wait_match(self, testid: str, pattern: str) -> str:
        """Waits until the element's whole text matches `pattern` (a regular expression that JavaScript
        and Python read alike); returns the text that matched."""
        return self._wait(testid, "(text, pattern) => new RegExp(`^(?:${pattern})$`).test(text)", pattern)

    def wait_message(self, text: str) -> None:
        self.wait_text("message", text)

    def wait_status(self, text: str) -> None:
        self.wait_text("validation-status", text)

    def drag(self, source: Any, target: Any, *, steps: int = 12) -> None:
        a = source.bounding_box()
        b = target.bounding_box()
        self.page.mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
        self.page.mouse.down()
        self.page.mouse.move(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2, steps=steps)
        self.page.mouse.up()

    def wire(self, source_testid: str, target_testid: str) -> None:
        self.drag(self.page.get_by_test_id(source_testid), self.page.get_by_test_id(target_testid))

    def add_block(self, identifier: str, x: float = 500, y: float = 250) -> None:
        """Drags a palette item onto the canvas at (x, y) in page pixels."""
        item = self.page.get_by_test_id(f"palette-item-{identifier}")
        item.scroll_into_view_if_needed()
        item.drag_to(self.page.get_by_test_id("canvas"), target_position={"x": x - 250, "y": y - 50})

    def sign_in(self, username: str = USER, password: str = PASSWORD) -> None:
        self.button("Sign in").click()
        dialog = self.page.get_by_role("dialog", name="Sign in")
        dialog.get_by_label("Username").fill(username)
        dialog.get_by_label("Password").fill(password)
        dialog.get_by_role("button", name="Sign in").click()
        self.page.get_by_test_id("signed-in").wait_for()

    def open_saved(self, name: str, definition: dict[str, Any]) -> int:
        """Signed in, a new saved workflow of the test user's opened by its URL and drawn; its id."""
        self.goto()
        self.sign_in()
        workflow_id = saved_workflow(name, definition)
        self.goto(f"/?workflow={workflow_id}")
        self.node(definition["steps"][0]["name"]).wait_for()
        return workflow_id

    def rename_selected(self, name: str) -> None:
        """Types a new name into the inspector's name field and presses Enter."""
        field = self.page.get_by_role("complementary", name="Inspector").get_by_label("name", exact=True)
        field.fill(name)
        field.press("Enter")

    def expect_edges(self, count: int) -> None:
        expect(self.page.locator(".react-flow__edge")).to_have_count(count)

    def import_definition(self, definition: dict[str, Any], name: str = "imported.json") -> None:
        with self.page.expect_file_chooser() as chooser:
            self.button("Import").click()
        chooser.value.set_files(
            files=[{"name": name, "mimeType": "application/json", "buffer": json.dumps(definition).encode()}]
        )

    def canvas_click(self, x: float, y: float, **options: Any) -> None:
        box = self.page.get_by_test_id("canvas").bounding_box()
        self.page.mouse.click(box["x"] + x, box["y"] + y, **options)


@pytest.fixture
def editor(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Editor]:
    # From an empty database whatever this test process ran before: the registry's tests keep
    # Roboflow's catalog imported for their whole session (tests/registry/conftest.py), and the
    # editor's tests count the built-in blocks.
    call_command("flush", interactive=False, verbosity=0)
    call_command("sync_blocks", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    make_user(USER)
    # Django opened a connection for these writes inside Playwright's event loop thread; closing it
    # lets PostgreSQL drop the test database at the end of the session.
    connections.close_all()
    folder = SCREENSHOTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    context = browser.new_context(viewport={"width": 1600, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10000)
    yield Editor(page, live_server.url, folder)
    context.close()
    connections.close_all()


def demo_definition(step: str = "classifier", **step_overrides: Any) -> dict[str, Any]:
    """An image classified by the local demo model; its predictions are the one output."""
    body = {"type": CLASSIFIER, "name": step, "images": "$inputs.image", "model_id": "demo-shapes/1"}
    return {
        "version": "1.0",
        "inputs": [{"type": "WorkflowImage", "name": "image"}],
        "steps": [{**body, **step_overrides}],
        "outputs": [{"type": "JsonField", "name": "predictions", "selector": f"$steps.{step}.predictions"}],
    }


def saved_workflow(name: str, definition: dict[str, Any], *, revisions: int = 1) -> int:
    """A workflow of the test user's with `revisions` revisions; returns its id."""
    from django.contrib.auth import get_user_model

    from registry.services.workflows import workflow_create, workflow_save

    owner = get_user_model().objects.get(username=USER)
    workflow = workflow_create(owner=owner, name=name, specification=definition)
    for number in range(1, revisions):
        workflow = workflow_save(workflow=workflow, user=owner, base_revision=number, specification=definition)
    connections.close_all()
    return int(workflow.pk)


def sample_image(folder: Path, colour: str = "green") -> Path:
    import numpy as np

    from scripts.train_demo_model import draw_sample

    path = folder / f"{colour}.png"
    draw_sample(colour, np.random.default_rng(5)).save(path)
    return path


def boxes_overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def node_boxes(page: Any) -> list[dict[str, float]]:
    boxes: list[dict[str, float]] = [n.bounding_box() for n in page.locator(".react-flow__node").all()]
    return boxes


# Elements (other than wire handles, which sit on the border by design) that stick out of their node,
# palette item or panel.
SPILLS = """() => {
  const out = [];
  for (const box of document.querySelectorAll('.node, .palette-item, .side, .toolbar, .status')) {
    const outer = box.getBoundingClientRect();
    for (const el of box.querySelectorAll('*')) {
      if (el.closest('.react-flow__handle')) continue;
      const r = el.getBoundingClientRect();
      if (r.width && (r.right > outer.right + 1 || r.left < outer.left - 1)) out.push(el.outerHTML.slice(0, 80));
    }
  }
  return out;
}"""


def flow_position(page: Any, node_id: str) -> dict[str, int]:
    """A node's place on the canvas in flow coordinates (its transform, rounded as saved), whatever the zoom."""
    transform: str = page.locator(f'.react-flow__node[data-id="{node_id}"]').evaluate("el => el.style.transform")
    x, y = (float(v) for v in transform.removeprefix("translate(").removesuffix(")").replace("px", "").split(","))
    return {"x": round(x), "y": round(y)}


class DialogAnswers:
    """Answers the page's dialogs (confirm, beforeunload) with yes (or, with `accept=False`, no), noting
    each one's type and message."""

    def __init__(self, *, accept: bool = True) -> None:
        self.accept = accept
        self.seen: list[tuple[str, str]] = []

    def __call__(self, dialog: Any) -> None:
        self.seen.append((dialog.type, dialog.message))
        if self.accept:
            dialog.accept()
        else:
            dialog.dismiss()


def open_saved_with_panels(editor: Any, definition: dict[str, Any] | None = None) -> int:
    """Sign in and open a saved shapes workflow, its side panels (Batch, Evaluate) shown."""
    workflow_id = saved_workflow("Shapes", definition or demo_definition())
    editor.goto()
    editor.sign_in(USER, PASSWORD)
    editor.goto(f"/?workflow={workflow_id}")
    editor.page.get_by_test_id("batch-panel").wait_for()
    return workflow_id
