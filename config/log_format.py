"""The one log format: a JSON object per line, with no API key in it.

`settings.LOGGING` installs it on the console handler. The redaction runs on the finished line, so a
key inside a traceback or an extra field is caught as well as one in the message.
"""

from __future__ import annotations

import logging

from pythonjsonlogger.json import JsonFormatter

from executor.models.roboflow import redact_api_keys


class JsonLineFormatter(JsonFormatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact_api_keys(super().format(record))
