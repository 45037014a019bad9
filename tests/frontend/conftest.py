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

from tests.conftest import REPO_DIR
from tests.registry.conftest import make_user
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

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
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        self.stage = 0

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

    def wait_text(self, testid: str, text: str) -> None:
        """Waits until the element's whole text is exactly `text` (never a substring)."""
        try:
            self.page.wait_for_function(
                "([id, text]) => document.querySelector(`[data-testid='${id}']`)?.innerText === text",
                arg=[testid, text],
                timeout=10000,
            )
        except Exception:
            found = self.page.get_by_test_id(testid).all_inner_texts()
            raise AssertionError(f"{testid}: expected {text!r}, found {found!r}") from None

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

    def edges(self) -> int:
        count: int = self.page.locator(".react-flow__edge").count()
        return count

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
