"""WSGI entry point for the production server and runserver: Django's own handler, so every request
goes through `settings.MIDDLEWARE`, the chain the test client runs too."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()
