"""The editor in Chromium with Roboflow 1.8.3's 250 blocks imported: load to usable, palette
filtering, and frame times while panning a 100-step workflow.

Run: .venv/bin/python -m bench.bench_editor   (needs the built editor and Debian's chromium)
"""

from __future__ import annotations

import io
import itertools
import json
import time

from bench._support import ROBOFLOW_DESCRIBE, live_server, report, use_temporary_database
from bench.bench_compile import chain
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS


def main() -> None:
    database = use_temporary_database()
    from django.core.management import call_command
    from playwright.sync_api import sync_playwright

    call_command("migrate", verbosity=0)
    call_command("sync_blocks", stdout=io.StringIO())
    call_command("import_blocks", str(ROBOFLOW_DESCRIBE), stdout=io.StringIO())
    definition = json.dumps(chain(99))

    with live_server(database) as (_process, port, _start), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 900})
        loads = []
        for _ in range(3):
            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_test_id("palette-item-roboflow_core/roboflow_classification_model@v2").wait_for()
            loads.append(time.perf_counter() - start)
        report("page load to usable palette (250 blocks)", min(loads) * 1000, "ms", "<= 1000", timed=False)

        filters = []
        for word in ["gemini", "classification", "crop", "zzz", ""]:
            before = page.get_by_test_id("palette-count").inner_text()
            start = time.perf_counter()
            page.get_by_test_id("palette-search").fill(word)
            page.wait_for_function(
                "before => document.querySelector('[data-testid=palette-count]').innerText !== before", arg=before
            )
            filters.append(time.perf_counter() - start)
        report(
            "palette filter, keystroke to new list (incl. driver)",
            sorted(filters)[len(filters) // 2] * 1000,
            "ms",
            "<= 50",
            timed=False,
        )

        page.on("dialog", lambda dialog: dialog.accept(definition))
        page.get_by_test_id("import").click()
        page.get_by_test_id("node-classifier").wait_for()
        page.wait_for_function("document.querySelector('[data-testid=validation-status]').innerText === 'valid'")
        page.evaluate("""() => { window.__frames = []; const tick = (t) => { window.__frames.push(t);
            if (window.__frames.length < 400) requestAnimationFrame(tick); }; requestAnimationFrame(tick); }""")
        box = page.get_by_test_id("canvas").bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + 200, box["y"] + 400)
        page.mouse.down()
        for step in range(60):
            page.mouse.move(box["x"] + 200 + step * 8, box["y"] + 400 + (step % 10) * 4)
        page.mouse.up()
        for _ in range(5):
            page.mouse.wheel(0, -200)
        frames = page.evaluate("window.__frames")
        gaps = sorted(b - a for a, b in itertools.pairwise(frames))
        report(
            "100-step workflow, pan and zoom: median frame", gaps[len(gaps) // 2], "ms", "<= 16.7 (60 fps)", timed=False
        )
        report(
            "100-step workflow, pan and zoom: 95th percentile frame",
            gaps[int(len(gaps) * 0.95)],
            "ms",
            "-",
            timed=False,
        )
        browser.close()


if __name__ == "__main__":
    main()
