"""The editor's first load: the palette's data is asked for by the page itself, before the editor's
script has loaded, and the script's own requests for it are answered from those (not sent twice)."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PALETTE_DATA = ["/api/v1/blocks/?state=&executable=", "/api/v1/kinds/"]


def test_the_palette_data_is_asked_for_once_and_before_the_editor_script(editor):
    asked: list[str] = []
    editor.page.on("request", lambda request: asked.append(request.url.removeprefix(editor.base_url)))
    editor.goto()
    editor.wait_text("palette-count", "10 blocks")

    script = next(i for i, url in enumerate(asked) if re.fullmatch(r"/static/frontend/editor/assets/index-.*\.js", url))
    assert asked[0] == "/"
    assert sorted(asked[1:script]) == PALETTE_DATA
    assert sorted(url for url in asked if url in PALETTE_DATA) == PALETTE_DATA
