"""The site's icon, asked for by every page."""

from django.test import Client


def test_favicon_is_served_as_an_svg_icon():
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b'<svg xmlns="http://www.w3.org/2000/svg"')
    assert response["Cache-Control"] == "max-age=86400, public"
