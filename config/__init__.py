"""Blockwise project configuration; the Celery app is loaded with Django so tasks bind to it."""

from config.celery import app as celery_app

__all__ = ["celery_app"]
