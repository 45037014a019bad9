"""Static files: compressed (Brotli and gzip) and content-hashed at `collectstatic`, by WhiteNoise.

Hashed files are cached by browsers for a year (`WHITENOISE_IMMUTABLE_FILE_TEST` in settings):
Django's own hashed names (`name.0123456789ab.css`, from the manifest) and the editor's build, whose
file names Vite already hashes (`assets/index-CNx0SwO7.js`, referenced as such by its index.html).
"""

from __future__ import annotations

from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.storage import CompressedManifestStaticFilesStorage


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

    def add_files_from_finders(self) -> None:
        collected = dict(self.files)
        super().add_files_from_finders()
        self.files.update(collected)
