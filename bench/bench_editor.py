"""The editor in Chromium with Roboflow 1.8.3's 250 blocks imported (when ../shared/ has them): the first
load with an empty cache (time from navigation to a usable palette, and the compressed bytes the page
received before it), the same navigation again with the cache, palette filtering, importing and
laying out a 200-step workflow, how soon a run's results show on all 200 steps once its answer
arrives, validation feedback after an edit, and frame times while panning that workflow with about
100 nodes in view.

Times inside the page are taken with the page's own clock (performance.now), so the driver's round
trips are left out of them. Run: .venv/bin/python -m bench.bench_editor (needs the built editor,
collected with `manage.py collectstatic` as `make setup` does, so that static files are served
compressed, and Debian's chromium).
"""

from __future__ import annotations

import io
import itertools
import json
import statistics
import time
from typing import Any

import numpy
from playwright.sync_api import FilePayload

from bench._support import ROBOFLOW_DESCRIBE, live_server, report, use_temporary_database
from bench.bench_compile import chain
from tests.executor.conftest import classification_workflow, top_class_step, with_steps
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

CLASSIFIER_ITEM = "palette-item-roboflow_core/roboflow_classification_model@v2"

# Types a word into an element the way React sees typing, then waits (in the page) until the element
# watched changes its text; resolves with the milliseconds in between.
TYPE_AND_WAIT = """([inputSelector, watchSelector, value]) => new Promise((resolve) => {
  const input = document.querySelector(inputSelector);
  const watched = document.querySelector(watchSelector);
  const before = watched.innerText;
  const observer = new MutationObserver(() => {
    if (watched.innerText !== before) { observer.disconnect(); resolve(performance.now() - start); }
  });
  observer.observe(watched, { childList: true, subtree: true, characterData: true });
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const start = performance.now();
  setter.call(input, value);
  input.dispatchEvent(new Event('input', { bubbles: true }));
})"""


DELETE_AND_WAIT = """() => new Promise((resolve) => {
  const watched = document.querySelector('[data-testid=validation-status]');
  const before = watched.innerText;
  const observer = new MutationObserver(() => {
    if (watched.innerText !== before) { observer.disconnect(); resolve(performance.now() - start); }
  });
  observer.observe(watched, { childList: true, subtree: true, characterData: true });
  const start = performance.now();
  window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Delete', bubbles: true }));
})"""


# Notes, in the page's own clock, when the palette's first item is in the document.
PALETTE_WATCH = """new MutationObserver((_, observer) => {
  if (document.querySelector('[data-testid="%s"]')) { window.__paletteAt = performance.now(); observer.disconnect(); }
}).observe(document, { childList: true, subtree: true });"""

# What the page received before the palette showed: each response's compressed body and its headers.
RECEIVED_BEFORE_PALETTE = """() => {
  const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
    .filter((e) => e.responseEnd <= window.__paletteAt);
  return { count: entries.length, body: entries.reduce((sum, e) => sum + e.encodedBodySize, 0),
           wire: entries.reduce((sum, e) => sum + e.transferSize, 0), at: window.__paletteAt };
}"""


# Runs the workflow from the Run panel and resolves with the milliseconds from the run's answer (the
# POST /api/v1/runs/ response, body read) to every step node showing its result badge.
RUN_AND_WAIT = """([steps]) => new Promise((resolve) => {
  const original = window.fetch;
  let answered = null;
  window.fetch = async (...args) => {
    const response = await original(...args);
    if (String(args[0]).includes('/api/v1/runs/') && args[1]?.method === 'POST') {
      await response.clone().text();
      answered = performance.now();
    }
    return response;
  };
  const shown = () => document.querySelectorAll('.react-flow__node-block .run-badge').length >= steps;
  const observer = new MutationObserver(() => {
    if (answered !== null && shown()) {
      observer.disconnect();
      window.fetch = original;
      resolve(performance.now() - answered);
    }
  });
  const canvas = document.querySelector('[data-testid=canvas]');
  observer.observe(canvas, { childList: true, subtree: true, characterData: true });
  // Never waits for ever: a run that fails or shows fewer badges says so.
  setTimeout(() => resolve(`after 60 s: answered ${answered !== null}, ` +
    `${document.querySelectorAll('.react-flow__node-block .run-badge').length} badges, ` +
    document.querySelector('[data-testid=message]')?.innerText), 60000);
  [...document.querySelectorAll('section[aria-label=Run] button')].find((b) => b.innerText.trim() === 'Run').click();
})"""


def png_bytes() -> bytes:
    from scripts.train_demo_model import draw_sample

    buffer = io.BytesIO()
    draw_sample("green", numpy.random.default_rng(5)).save(buffer, format="PNG")
    return buffer.getvalue()


def fan_of_200() -> dict[str, Any]:
    """The demo classifier (seed_demo, so it runs here) and 199 steps that each read its top class:
    200 steps that all have a result to show."""
    definition = with_steps(
        classification_workflow(), *(top_class_step(f"p{n}", "$steps.classifier.predictions") for n in range(199))
    )
    definition["inputs"][1]["default_value"] = "demo-shapes/1"
    return definition


def run_results(browser: Any, url: str) -> None:
    """A 200-step workflow with every step drawn (a wide window, the workflow fitted into it: the canvas
    draws only the nodes in view), then a run: from its answer to a result badge on all 200 steps."""
    page = browser.new_page(viewport={"width": 2400, "height": 1400})
    page.goto(url)
    page.get_by_test_id(CLASSIFIER_ITEM).wait_for()
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Import", exact=True).click()
    payload: FilePayload = {
        "name": "fan.json",
        "mimeType": "application/json",
        "buffer": json.dumps(fan_of_200()).encode(),
    }
    chooser.value.set_files(files=[payload])
    page.wait_for_function("document.querySelector('[data-testid=canvas]').dataset.layouts === '1'", timeout=60000)
    page.locator(".react-flow__controls-fitview").click()
    page.wait_for_function("document.querySelectorAll('.react-flow__node-block').length === 200")
    image: FilePayload = {"name": "green.png", "mimeType": "image/png", "buffer": png_bytes()}
    page.get_by_role("region", name="Run").get_by_label("image", exact=True).set_input_files(files=[image])
    figures = []
    for _ in range(3):
        shown = page.evaluate(RUN_AND_WAIT, [200])
        if isinstance(shown, str):
            raise RuntimeError(f"The run's results did not show: {shown}")
        figures.append(shown)
    report(
        "run answer to results on all 200 steps (median of 3)", statistics.median(figures), "ms", "<= 100", timed=False
    )
    page.close()


def first_load(browser: Any, url: str) -> None:
    """A new browser context (an empty cache): navigation to a usable palette, and what it took."""
    context = browser.new_context(viewport={"width": 1600, "height": 900})
    context.add_init_script(PALETTE_WATCH % CLASSIFIER_ITEM)
    page = context.new_page()
    page.goto(url)
    page.get_by_test_id(CLASSIFIER_ITEM).wait_for()
    received = page.evaluate(RECEIVED_BEFORE_PALETTE)
    report("first load (empty cache): navigation to usable palette", received["at"], "ms", "<= 400", timed=False)
    report(
        f"first load: compressed bytes before the palette ({received['count']} responses)",
        received["body"] / 1024,
        "kB",
        "<= 250",
        timed=False,
    )
    report("  the same with the responses' headers", received["wire"] / 1024, "kB", "-", timed=False)
    context.close()


def main() -> None:
    database = use_temporary_database()
    from django.core.management import call_command
    from playwright.sync_api import sync_playwright

    call_command("migrate", verbosity=0)
    call_command("sync_blocks", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    if ROBOFLOW_DESCRIBE.exists():
        call_command("import_blocks", str(ROBOFLOW_DESCRIBE), stdout=io.StringIO())
    else:
        print(f"{ROBOFLOW_DESCRIBE} is missing: the palette holds only the built-in blocks")
    definition = chain(199)  # the classifier and 199 steps after it: 200 steps

    with live_server(database) as (_process, port, _start), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        first_load(browser, f"http://127.0.0.1:{port}/")
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        loads = []
        for _ in range(3):
            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_test_id(CLASSIFIER_ITEM).wait_for()
            loads.append((time.perf_counter() - start) * 1000)
        count = page.get_by_test_id("palette-count").inner_text()
        report(f"navigation to usable palette, cached ({count})", min(loads[1:]), "ms", "<= 400", timed=False)

        filters = [
            page.evaluate(TYPE_AND_WAIT, ["[data-testid=palette-search]", "[data-testid=palette-count]", word])
            for word in ["gemini", "classification", "crop", "zzz", "", "classifier", "detection", ""]
        ]
        report("palette filter, keystroke to new list", statistics.median(filters), "ms", "<= 50", timed=False)

        start = time.perf_counter()
        with page.expect_file_chooser() as chooser:
            page.get_by_role("button", name="Import", exact=True).click()
        payload: FilePayload = {
            "name": "chain.json",
            "mimeType": "application/json",
            "buffer": json.dumps(definition).encode(),
        }
        chooser.value.set_files(files=[payload])
        page.wait_for_function("document.querySelector('[data-testid=canvas]').dataset.layouts === '1'", timeout=60000)
        elapsed = (time.perf_counter() - start) * 1000
        report("import 200 steps and lay them out (elk)", elapsed, "ms", "<= 1500", timed=False)
        marks = page.evaluate(
            "Object.fromEntries(performance.getEntriesByType('mark').map(m => [m.name, m.startTime]))"
        )
        report("  of which elk's layout", marks["layout-computed"] - marks["layout-start"], "ms", "-", timed=False)
        page.wait_for_function("document.querySelector('[data-testid=validation-status]').innerText === 'valid'")

        # The edit: delete a step in view, which leaves the next step's selector dangling.
        page.locator(".react-flow__node-block").nth(2).click()
        feedback = page.evaluate(DELETE_AND_WAIT)
        report("validation feedback after an edit (200 steps)", feedback, "ms", "<= 300", timed=False)
        page.keyboard.press("Control+z")

        # Zoom in until about a hundred nodes are drawn, then pan and sample frames only while panning.
        box = page.get_by_test_id("canvas").bounding_box()
        assert box is not None
        centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.move(*centre)
        for _ in range(40):
            if page.locator(".react-flow__node").count() <= 110:
                break
            page.mouse.wheel(0, -120)
            page.wait_for_timeout(50)
        in_view = page.locator(".react-flow__node").count()
        page.evaluate("""() => { window.__frames = []; window.__sampling = true;
            const tick = (t) => {
              if (!window.__sampling) return;
              window.__frames.push(t);
              requestAnimationFrame(tick);
            };
            requestAnimationFrame(tick); }""")
        page.mouse.down()
        for step in range(120):
            page.mouse.move(centre[0] - (step % 60) * 6, centre[1] + (step % 20) * 3)
        page.mouse.up()
        frames = page.evaluate("window.__sampling = false, window.__frames")
        gaps = sorted(b - a for a, b in itertools.pairwise(frames))
        report(
            f"pan 200 steps ({in_view} nodes in view): median frame",
            statistics.median(gaps),
            "ms",
            "<= 20",
            timed=False,
        )
        report("pan: 95th percentile frame", gaps[int(len(gaps) * 0.95)], "ms", "-", timed=False)
        run_results(browser, f"http://127.0.0.1:{port}/")
        browser.close()


if __name__ == "__main__":
    main()
