"""The editor page (the Vite build's index.html, served with a CSRF cookie set) and the site's icon."""

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_GET

BUILT_INDEX = Path(__file__).resolve().parent / "static" / "frontend" / "editor" / "index.html"
MISSING_BUILD = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Blockwise</title></head>
<body><h1>Blockwise</h1><p>The editor has not been built yet: run <code>make run</code> (or
<code>cd frontend/editor &amp;&amp; npm ci &amp;&amp; npm run build</code>). The API is at
<a href="/api/docs/">/api/docs/</a>.</p></body></html>"""


@ensure_csrf_cookie
def editor(request: HttpRequest) -> HttpResponse:
    if not BUILT_INDEX.is_file():
        return HttpResponse(MISSING_BUILD, status=503)
    return HttpResponse(BUILT_INDEX.read_text(encoding="utf-8"))


# Three connected blocks; SVG, which every current browser takes as an icon whatever the URL says.
FAVICON = b"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="6" fill="#1d2330"/>
<path d="M10 11h6v10h6" stroke="#8fb3ff" stroke-width="2" fill="none"/>
<rect x="4" y="7" width="9" height="8" rx="2" fill="#4a7be0"/>
<rect x="19" y="17" width="9" height="8" rx="2" fill="#2a9d5c"/>
</svg>"""


@require_GET
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask every page's origin for /favicon.ico; answering it keeps consoles free of 404s."""
    return HttpResponse(FAVICON, content_type="image/svg+xml")
