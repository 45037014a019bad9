"""The editor page: the Vite build's index.html, served by Django with a CSRF cookie set."""

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie

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
