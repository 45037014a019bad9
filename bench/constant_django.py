"""Django's own request cycle answering `{"status": "ok"}` to every path: the project's settings, the
middleware chain every route goes through (`settings.MIDDLEWARE`), the request signals and URL
resolution, and a view that only reads the body. bench_serving serves it as `make serve` configures it,
to print what a validation costs before any of our code runs."""

from __future__ import annotations

import os

import django
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

ANSWER = b'{"status": "ok"}'


@csrf_exempt
def constant(request: HttpRequest) -> HttpResponse:
    request.body  # noqa: B018  # read, as a view that parses it would
    return HttpResponse(ANSWER, content_type="application/json")


urlpatterns = [re_path(r"", constant)]

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup(set_prefix=False)
settings.ROOT_URLCONF = __name__
application = WSGIHandler()
