"""Static files: compressed (Brotli and gzip) and content-hashed at `collectstatic`, by WhiteNoise.

Hashed files are cached by browsers for a year (`WHITENOISE_IMMUTABLE_FILE_TEST` in settings):
Django's own hashed names (`name.0123456789ab.css`, from the manifest) and the editor's build, whose
file names Vite already hashes (`assets/index-CNx0SwO7.js`, referenced as such by its index.html).
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

from django.conf import settings as django_settings
from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage

# What the last scan found, by what decided it. Django makes the middleware once per handler: once
# in a server process, but once per client in the tests, where reading the ~1,200 files (and their
# compressed siblings) again each time was a fifth of the fast suite's time.
_last_scan: tuple[str, dict[str, Any]] | None = None
_last_scan_lock = threading.Lock()


def _scan_key(settings: Any) -> str | None:
    """What the files found depend on; None when WhiteNoise looks files up per request instead."""
    if getattr(settings, "WHITENOISE_AUTOREFRESH", settings.DEBUG):
        return None
    static_root = str(settings.STATIC_ROOT or "")
    try:
        # collectstatic rewrites the manifest (the hashed names): a new collection is read again.
        manifest = (Path(static_root) / "staticfiles.json").read_bytes() if static_root else b""
    except OSError:
        manifest = b""
    collection = hashlib.blake2b(manifest, digest_size=16).hexdigest()
    whitenoise = sorted((name, getattr(settings, name)) for name in dir(settings) if name.startswith("WHITENOISE_"))
    names = ("DEBUG", "STATIC_URL", "FORCE_SCRIPT_NAME", "STATICFILES_DIRS", "STATICFILES_FINDERS", "INSTALLED_APPS")
    return repr((static_root, collection, whitenoise, [getattr(settings, name, None) for name in names]))


class StaticFilesStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]  # untyped base
    """A file `collectstatic` has not collected (tests and a fresh checkout run without it; finders
    serve the file then) keeps its own name instead of failing the page that links it."""

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:  # neither in the manifest nor in STATIC_ROOT
            return name


class StaticFilesMiddleware(WhiteNoiseMiddleware):  # type: ignore[misc]  # untyped base
    """WhiteNoise, serving what `collectstatic` collected (with its compressed copies) before what the
    finders find in the apps. WhiteNoise's own order is the other way round, so with finders on, every
    file was served from the app's folder, where there are no compressed copies. The finders still
    serve what was never collected (tests, an editor build not yet collected)."""

    def __init__(self, get_response: Any = None, settings: Any = django_settings) -> None:
        global _last_scan
        key = _scan_key(settings)
        last = _last_scan
        self._files_known = last is not None and last[0] == key
        super().__init__(get_response, settings)
        if last is not None and self._files_known:
            self.files = dict(last[1])
        elif key is not None:
            with _last_scan_lock:
                _last_scan = (key, dict(self.files))

    def add_files(self, root: str, prefix: str | None = None) -> None:
        if not self._files_known:
            super().add_files(root, prefix)

    def add_files_from_finders(self) -> None:
        if self._files_known:
            return
        collected = dict(self.files)
        super().add_files_from_finders()
        self.files.update(collected)
