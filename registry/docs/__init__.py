"""Generated documentation pages for block versions."""
