"""The editor page: the Vite build's index.html, served by Django."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import ensure_csrf_cookie


@ensure_csrf_cookie
def editor(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/editor.html")
