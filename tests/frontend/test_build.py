"""The editor's build: elk (the layout engine) is a chunk of its own that the page imports on first use,
so it is not part of what the browser loads before the palette shows."""

import re

from frontend.views import BUILT_INDEX


def test_the_layout_engine_is_a_lazy_chunk_of_its_own():
    assert BUILT_INDEX.is_file(), "build the editor first (make editor)"
    assets = BUILT_INDEX.parent / "assets"
    index = BUILT_INDEX.read_text(encoding="utf-8")
    entries = re.findall(r'src="/static/frontend/editor/assets/([^"]+\.js)"', index)
    assert len(entries) == 1
    assert "elk" not in index  # neither an entry nor a modulepreload
    [elk] = [path.name for path in assets.glob("elk.bundled-*.js")]
    entry = (assets / entries[0]).read_text(encoding="utf-8")
    assert f"import(`./{elk}`)" in entry or f'import("./{elk}")' in entry  # imported when first used
    assert not re.search(rf"""from\s*["'`]\./{re.escape(elk)}""", entry)  # never statically
    assert "org.eclipse.elk" in (assets / elk).read_text(encoding="utf-8")
    assert "org.eclipse.elk" not in entry  # elk's code is in its chunk only
